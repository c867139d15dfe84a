/*
 * The living demo's first start, end to end: the seeding runs over real HTTP (tRPC, the MLflow REST
 * API and artifact uploads, served by the App Router route handlers behind node:http) against
 * this file's own database, with a real inference worker (ONNX Runtime) that picks up the
 * benchmark requests, serves the canary split, and ships the demo traffic's prediction log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@/inference-worker/testing/harness';
import type { Worker } from '@/inference-worker/worker';
import { ZReferenceStats } from '@/server/contracts/model-registry';
import { makeUser, testDb } from '@/server/testing/fixtures';
import type { TRouteServer } from '@/server/testing/route-server';
import { CHURN_FEATURES } from './churn-dataset';
import { demoAllowed, type TDemoPeople } from './demo-people';
import { startDemoTestServer } from './demo-test-server';
import { startDemoTraffic } from './demo-traffic';
import { DEMO_DATASET, DEMO_MODEL } from './demo-workspace';
import { demoState, seedDemo } from './seed-demo';

let server: TRouteServer;
let worker: Worker;
let workerUrl: string;
let people: TDemoPeople;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ server, worker, workerUrl, people, close } = await startDemoTestServer());
}, 60_000);

afterAll(() => close?.());

describe('npm start demo seeding', () => {
  it('goes into an external database only while it holds nobody but the demo people', async () => {
    const db = testDb().db;
    expect(await demoAllowed(db, true)).toBe(true);
    expect(await demoAllowed(db, false)).toBe(true); // only the demo people so far
    await makeUser('viewer');
    expect(await demoAllowed(db, false)).toBe(false);
    expect(await demoAllowed(db, true)).toBe(true);
  });

  it('makes the workspace over HTTP: lineage, validated and benchmarked versions, v1 in production, v2 a canary served by the worker', async () => {
    const db = testDb().db;
    expect(await demoState(server.url, people.admin.token)).toEqual({ kind: 'absent' });
    const lines: string[] = [];
    const seeded = await seedDemo({ url: server.url, people, log: (l) => lines.push(l), workerUrl, benchmarkTimeoutMs: 60_000 });
    expect(seeded).toMatchObject({ productionVersion: 1, canaryVersion: 2 });
    expect(lines.some((l) => /training v1 \(hidden 8, .*\)… 0\.\d{3} val accuracy/.test(l))).toBe(true);
    expect(await demoState(server.url, people.admin.token)).toEqual({ kind: 'ready', productionVersion: 1 });

    const model = await db.registeredModel.findUniqueOrThrow({ where: { name: DEMO_MODEL }, include: { owners: true } });
    const admin = await db.user.findUniqueOrThrow({ where: { email: people.admin.email } });
    expect(model.owners.map((o) => o.userId)).toEqual([admin.id]);
    const versions = await db.modelVersion.findMany({ where: { modelId: model.id }, orderBy: { version: 'asc' } });
    const runs = await db.run.findMany({ where: { id: { in: versions.map((v) => v.runId!) } } });
    expect(versions.map((v) => [v.version, v.stage, v.complete])).toEqual([
      [1, 'production', true],
      [2, 'staging', true],
    ]);
    // Two runs with different hyperparameters, each reproducible from its config and data version.
    expect(versions[0]!.configHash).not.toBe(versions[1]!.configHash);
    // Named columns: the worker gets them in its desired state, drift reads inputs by them.
    for (const v of versions) expect(v.signature).toMatchObject({ features: [...CHURN_FEATURES] });
    expect(runs.map((r) => r.engineer)).toEqual([people.engineer.email, people.engineer.email]);
    const inputs = await db.runInput.findMany({ where: { runId: { in: versions.map((v) => v.runId!) } }, include: { datasetVersion: { include: { dataset: true } } } });
    expect(inputs.map((i) => `${i.datasetVersion.dataset.name}@${i.datasetVersion.version}`)).toEqual([`${DEMO_DATASET.name}@${DEMO_DATASET.version}`, `${DEMO_DATASET.name}@${DEMO_DATASET.version}`]);
    expect(await db.metric.count({ where: { runId: versions[0]!.runId!, key: 'val_accuracy' } })).toBe(10);
    // Drift's reference: real training statistics under the churn column names.
    const reference = ZReferenceStats.parse(versions[0]!.referenceStats);
    expect(Object.keys(reference.features).sort()).toEqual([...CHURN_FEATURES]);
    expect(reference.features.support_calls!.mean).toBeCloseTo(1.5, 0);

    // Evidence: validation computed from the ONNX file, and latency measured by the worker.
    for (const v of versions) {
      const checks = await db.validationCheck.findMany({ where: { versionId: v.id } });
      expect(checks.map((c) => [c.name, c.passed])).toEqual(expect.arrayContaining([['holdout-accuracy', true], ['holdout-log-loss', true], ['golden-examples', true]]));
      expect(checks.find((c) => c.name === 'holdout-accuracy')!.observed).toBeGreaterThan(0.8);
      const benchmark = await db.latencyBenchmark.findFirstOrThrow({ where: { versionId: v.id } });
      expect(benchmark.reportedBy).toMatch(/^token:local worker/);
    }
    // Four-eyes: the engineer asked, the owner approved, for both.
    const requests = await db.promotionRequest.findMany({ where: { modelId: model.id }, orderBy: { requestedAt: 'asc' } });
    expect(requests.map((r) => [r.status, r.requestedByLabel, r.decidedByLabel])).toEqual([
      ['approved', expect.stringContaining(people.engineer.email), expect.stringContaining(people.admin.email)],
      ['approved', expect.stringContaining(people.engineer.email), expect.stringContaining(people.admin.email)],
    ]);
    const deployment = await db.deployment.findUniqueOrThrow({ where: { id: seeded.deploymentId } });
    expect(deployment).toMatchObject({ strategy: 'canary', status: 'running', candidateWeight: 2000, candidateVersionId: versions[1]!.id, stableVersionId: versions[0]!.id });

    // The worker serves the split; the demo's customers reach both versions and the prediction log.
    expect(worker.registry.routeOf(DEMO_MODEL).map((c) => [c.entry.version, c.weight, c.variant])).toEqual([
      [1, 8000, 'stable'],
      [2, 2000, 'canary'],
    ]);
    const traffic = startDemoTraffic({ workerUrl, model: DEMO_MODEL, requestsPerSecond: 100, drift: { afterS: 0, rampS: 0, maxShift: 2 }, log: () => undefined });
    await new Promise((r) => setTimeout(r, 2_000));
    await traffic.stop();
    const totals = traffic.totals();
    expect(totals.failed).toEqual({});
    expect(Object.keys(totals.served).sort()).toEqual(['v1 stable', 'v2 canary']);
    await waitFor(async () => (await db.predictionLog.count({ where: { modelVersionId: { in: versions.map((v) => v.id) } } })) > 0, 'the prediction log to reach the control plane');
    const logged = await db.predictionLog.findFirstOrThrow({ where: { modelVersionId: versions[0]!.id } });
    expect(logged.inputs).toHaveLength(CHURN_FEATURES.length);
  }, 120_000);
});
