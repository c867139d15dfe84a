/*
 * The living demo's first start, end to end: the seeding runs over real HTTP (tRPC, the MLflow REST
 * API and artifact uploads, served by the App Router route handlers behind node:http) against
 * this file's own database, with a real inference worker (ONNX Runtime) that picks up the
 * benchmark requests, serves the canary split, and ships the demo traffic's prediction log.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as artifactRoute from '@/app/api/2.0/mlflow-artifacts/artifacts/[[...path]]/route';
import * as mlflowRoute from '@/app/api/2.0/mlflow/[...path]/route';
import * as trpcRoute from '@/app/api/trpc/[trpc]/route';
import * as benchmarksRoute from '@/app/api/v1/models/[name]/versions/[version]/benchmarks/route';
import * as desiredStateRoute from '@/app/api/worker/v1/desired-state/route';
import * as heartbeatRoute from '@/app/api/worker/v1/heartbeat/route';
import * as workerArtifactRoute from '@/app/api/worker/v1/models/[name]/versions/[version]/artifact/route';
import * as logsRoute from '@/app/api/worker/v1/prediction-logs/route';
import { BenchmarkRunner } from '@/inference-worker/benchmark';
import { startDesiredStatePoller, startReporter, type ControlPlaneOptions } from '@/inference-worker/control-plane';
import { ControlPlaneModelSource, DiskCachedSource } from '@/inference-worker/model-source';
import { controlPlaneShipper } from '@/inference-worker/prediction-log';
import { tempDir, testConfig, waitFor } from '@/inference-worker/testing/harness';
import { createWorker, type Worker } from '@/inference-worker/worker';
import { ZReferenceStats } from '@/server/contracts/model-registry';
import { makeUser, testDb } from '@/server/testing/fixtures';
import { startRouteServer, type TRouteServer } from '@/server/testing/route-server';
import { ensureLocalWorkerToken } from '../lib/worker-process';
import { CHURN_FEATURES } from './churn-dataset';
import { demoAllowed, ensureDemoPeople, type TDemoPeople } from './demo-people';
import { startDemoTraffic } from './demo-traffic';
import { DEMO_DATASET, DEMO_MODEL, DEMO_WORKER_REF } from './demo-workspace';
import { demoState, seedDemo } from './seed-demo';

vi.hoisted(async () => {
  const { mkdtempSync: mk } = await import('node:fs');
  const { tmpdir: tmp } = await import('node:os');
  const p = await import('node:path');
  process.env.BALLAST_ARTIFACT_ROOT = mk(p.join(tmp(), 'ballast-demo-artifacts-'));
});

let server: TRouteServer;
let worker: Worker;
let workerUrl: string;
let people: TDemoPeople;
const stops: (() => void)[] = [];

beforeAll(async () => {
  const db = testDb().db;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ballast-demo-data-'));
  people = await ensureDemoPeople(db, dataDir);
  const workerToken = (await ensureLocalWorkerToken(db, dataDir))!;
  server = await startRouteServer({
    '/api/trpc/[trpc]': trpcRoute,
    '/api/2.0/mlflow/[...path]': mlflowRoute,
    '/api/2.0/mlflow-artifacts/artifacts/[...path]': artifactRoute,
    '/api/v1/models/[name]/versions/[version]/benchmarks': benchmarksRoute,
    '/api/worker/v1/desired-state': desiredStateRoute,
    '/api/worker/v1/heartbeat': heartbeatRoute,
    '/api/worker/v1/prediction-logs': logsRoute,
    '/api/worker/v1/models/[name]/versions/[version]/artifact': workerArtifactRoute,
  });
  // The worker, wired as inference-worker/main.ts wires it, following what npm start's demo worker follows.
  const cp: ControlPlaneOptions = { baseUrl: server.url, token: workerToken, refs: [DEMO_WORKER_REF], stateFile: path.join(tempDir('state'), 'desired-state.json'), log: () => undefined };
  const source = new DiskCachedSource(new ControlPlaneModelSource(server.url, workerToken), tempDir('models'));
  worker = createWorker(testConfig({ maxBatchSize: 16 }), { source, ship: controlPlaneShipper(server.url, workerToken, 'demo-test-worker'), log: () => undefined });
  cp.benchmarks = new BenchmarkRunner({ worker, source, baseUrl: server.url, token: workerToken, maxBatchSize: 16, intraOpThreads: 1, log: () => undefined });
  workerUrl = `http://127.0.0.1:${await worker.listen(0, '127.0.0.1')}`;
  stops.push(startDesiredStatePoller(worker, cp, 200).stop, startReporter(worker, cp, 'demo-test-worker', 500).stop);
}, 60_000);

afterAll(async () => {
  stops.forEach((s) => s());
  await worker?.shutdown();
  await server?.close();
});

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
