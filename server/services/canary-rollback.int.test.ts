/*
 * THE acceptance test of deployments (issue 6): a real inference worker (ONNX Runtime, batching,
 * prediction log, reports) against a real control plane HTTP server (the App Router route
 * handlers behind node:http) on this file's own database. The canary's candidate is a real model
 * that fails on some inputs; an error spike on it rolls it back at the next evaluation, and the
 * worker's next desired-state poll stops routing to it.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as benchmarksRoute from '@/app/api/v1/models/[name]/versions/[version]/benchmarks/route';
import * as desiredStateRoute from '@/app/api/worker/v1/desired-state/route';
import * as heartbeatRoute from '@/app/api/worker/v1/heartbeat/route';
import * as artifactRoute from '@/app/api/worker/v1/models/[name]/versions/[version]/artifact/route';
import * as logsRoute from '@/app/api/worker/v1/prediction-logs/route';
import { BenchmarkRunner } from '@/inference-worker/benchmark';
import { startDesiredStatePoller, startReporter, type ControlPlaneOptions } from '@/inference-worker/control-plane';
import { ControlPlaneModelSource, DiskCachedSource } from '@/inference-worker/model-source';
import { controlPlaneShipper } from '@/inference-worker/prediction-log';
import { metricValue, postJson, tempDir, testConfig, waitFor } from '@/inference-worker/testing/harness';
import { createWorker, type Worker } from '@/inference-worker/worker';
import { routingBucket } from '../domain/traffic-split';
import { addVersion, callerAs, makeRegistryPeople, newModel, type TRegistry } from '../testing/deployment-fixtures';
import { makeToken, testDb } from '../testing/fixtures';
import { startRouteServer, type TRouteServer } from '../testing/route-server';
import { evaluateDeployments } from './rollout/evaluate-deployments';
import { ERRORS_ALWAYS_KEPT_PER_S } from '../../inference-worker/log-sampling';

vi.hoisted(() => {
  // Its webhooks point at a (closed) loopback port over http: allowed explicitly, as an operator would.
  process.env.BALLAST_WEBHOOK_ALLOW_HTTP = 'on';
  process.env.BALLAST_WEBHOOK_ALLOW_HOSTS = '127.0.0.1';
});

let p: TRegistry;
let server: TRouteServer;
let worker: Worker;
let workerUrl: string;
let stops: (() => void)[] = [];
let poller: ReturnType<typeof startDesiredStatePoller>;
let modelName: string;
let candidateVersion: { id: string; version: number };

beforeAll(async () => {
  // The worker logs each failed batch of the faulty candidate with its stack: expected here.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  p = await makeRegistryPeople();
  server = await startRouteServer({
    '/api/worker/v1/desired-state': desiredStateRoute,
    '/api/worker/v1/heartbeat': heartbeatRoute,
    '/api/worker/v1/prediction-logs': logsRoute,
    '/api/worker/v1/models/[name]/versions/[version]/artifact': artifactRoute,
    '/api/v1/models/[name]/versions/[version]/benchmarks': benchmarksRoute,
  });
});

afterAll(async () => {
  stops.forEach((s) => s());
  await worker?.shutdown();
  await server?.close();
});

/** Routing keys the 10,000-bucket split sends to the canary (buckets >= 10,000 - weight) or to stable. */
function keys(count: number, canary: boolean, weight: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const key = `user-${i}`;
    if (routingBucket(key) >= 10_000 - weight === canary) out.push(key);
  }
  return out;
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

describe('canary with automated rollback, against a real worker', () => {
  it('an error spike on the canary rolls it back within one evaluation and the worker stops routing to it', async () => {
    const db = testDb().db;
    const name = await newModel(p, 'churn');
    const stable = await addVersion(p, name, { stage: 'production' });
    const candidate = await addVersion(p, name, { faulty: true });
    const owner = callerAs(p.owner.principal);
    await owner.webhooks.create({ modelName: name, url: 'http://127.0.0.1:9/hook', events: ['rollback', 'alert.raised'] });
    const deployment = await owner.deployments.create({ modelName: name, version: candidate.version, strategy: 'canary', canary: { percent: 5, durationS: 86_400 } });

    // The worker, wired to the control plane exactly as inference-worker/main.ts wires it.
    const { token } = await makeToken('admin', ['worker']);
    const workerId = 'acceptance-worker';
    const cp: ControlPlaneOptions = { baseUrl: server.url, token: token.secret, refs: [`${name}@production`], stateFile: path.join(tempDir('state'), 'desired-state.json'), log: () => undefined };
    const source = new DiskCachedSource(new ControlPlaneModelSource(server.url, token.secret), tempDir('models'));
    worker = createWorker(testConfig({ maxBatchSize: 8 }), { source, ship: controlPlaneShipper(server.url, token.secret, workerId), log: () => undefined });
    cp.benchmarks = new BenchmarkRunner({ worker, source, baseUrl: server.url, token: token.secret, maxBatchSize: 8, intraOpThreads: 1, log: () => undefined });
    workerUrl = `http://127.0.0.1:${await worker.listen(0, '127.0.0.1')}`;
    [modelName, candidateVersion] = [name, candidate];
    poller = startDesiredStatePoller(worker, cp, 3_600_000); // polled by hand below
    const reporter = startReporter(worker, cp, workerId, 200);
    stops = [poller.stop, reporter.stop];
    const split = () => worker.registry.routeOf(name).map((c) => [c.entry.version, c.weight, c.variant]);
    await waitFor(() => split().length === 2, 'the worker to load the stable version and the candidate');
    expect(split()).toEqual([
      [stable.version, 9_500, 'stable'],
      [candidate.version, 500, 'canary'],
    ]);

    // Traffic: stable users are served; canary users whose first feature is 2+ hit the candidate's fault.
    const canaryKeys = keys(260, true, 500);
    const stableKeys = keys(260, false, 500);
    const statuses: Record<string, number> = {};
    await inParallel([...canaryKeys.map((k) => ({ k, x: 5 })), ...stableKeys.map((k) => ({ k, x: 0.5 }))], 8, async ({ k, x }) => {
      const res = await postJson(`${workerUrl}/predict`, { model: name, inputs: [[x, 0.1, -0.2, 0.3]], routing_key: k });
      const key = `${res.status}:${(res.json.predictions as { model_version: number }[] | undefined)?.[0]?.model_version ?? '-'}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    });
    expect(statuses).toEqual({ [`200:${stable.version}`]: 260, '500:-': 260 });

    // The worker's reports reach version_traffic; one evaluation decides.
    await waitFor(async () => {
      const t = await db.versionTraffic.aggregate({ where: { modelVersionId: candidate.id }, _sum: { errors: true } });
      return (t._sum.errors ?? 0) >= 260;
    }, 'the error spike to be reported');
    const results = await evaluateDeployments({ db, now: new Date() });
    expect(results.find((r) => r.deploymentId === deployment.id)).toMatchObject({ action: 'rollback' });

    const after = await db.deployment.findUniqueOrThrow({ where: { id: deployment.id } });
    expect(after).toMatchObject({ status: 'rolled_back', candidateWeight: 0, activeModelId: null });
    expect(after.reason).toMatch(/error-rate/);
    expect(after.figures).toMatchObject({ candidateRequests: 260, candidateErrorRate: 1, stableErrorRate: 0 });
    expect(await db.alert.findMany({ where: { deploymentId: deployment.id } })).toEqual([expect.objectContaining({ kind: 'rollback', status: 'open', severity: 'critical' })]);
    expect((await db.webhookDelivery.findMany({ where: { webhook: { modelId: after.modelId } } })).map((d) => d.event).sort()).toEqual(['alert.raised', 'rollback']);
    // The registry is untouched: production is still the stable version, the candidate never left staging.
    const model = await owner.models.get({ name });
    expect(model.aliases.find((a: { alias: string }) => a.alias === 'production')).toMatchObject({ version: stable.version });

    // The worker's next poll: candidate at weight 0 (kept loaded), every user on the stable version.
    await poller.pollOnce();
    expect(split()).toEqual([
      [stable.version, 10_000, 'stable'],
      [candidate.version, 0, 'canary'],
    ]);
    const versions = new Set<number>();
    await inParallel(canaryKeys.slice(0, 50), 8, async (k) => {
      const res = await postJson(`${workerUrl}/predict`, { model: name, inputs: [[5, 0.1, -0.2, 0.3]], routing_key: k });
      expect(res.status).toBe(200);
      versions.add((res.json.predictions as { model_version: number }[])[0]!.model_version);
    });
    expect([...versions]).toEqual([stable.version]);
    const metrics = await (await fetch(`${workerUrl}/metrics`)).text();
    expect(metricValue(metrics, 'ballast_worker_model_versions', { model: name, version: String(candidate.version), variant: 'canary', state: 'ready' })).toBe(1);

    // The prediction log reached the control plane too: errors of one kind always up to their budget
    // (then sampled, so a flood cannot crowd out other records), successes as sampled (10% above 100 req/s).
    const loggedErrors = () => db.predictionLog.count({ where: { modelVersionId: candidate.id, error: { not: null } } });
    await waitFor(async () => (await loggedErrors()) >= ERRORS_ALWAYS_KEPT_PER_S, 'the candidate errors in the prediction log');
    expect(await loggedErrors()).toBeLessThanOrEqual(260);
    expect(await db.predictionLog.count({ where: { modelVersionId: stable.id } })).toBeGreaterThan(0);
  }, 120_000);

  it('measures a version on request and reports it to the registry as gate evidence', async () => {
    const db = testDb().db;
    const before = await db.latencyBenchmark.count({ where: { versionId: candidateVersion.id } });
    const request = await callerAs(p.owner.principal).workers.requestBenchmark({ modelName, version: candidateVersion.version, batchSize: 4, iterations: 20 });
    await poller.pollOnce();
    await waitFor(async () => (await db.latencyBenchmark.count({ where: { versionId: candidateVersion.id } })) > before, 'the worker to report the benchmark');
    const latest = await db.latencyBenchmark.findFirstOrThrow({ where: { versionId: candidateVersion.id }, orderBy: { id: 'desc' } });
    expect(latest).toMatchObject({ batchSize: 4, reportedBy: expect.stringMatching(/^token:/) });
    expect(latest.p50Ms).toBeLessThanOrEqual(latest.p99Ms);
    expect(latest.throughput).toBeGreaterThan(0);
    expect(latest.measuredAt.getTime()).toBeGreaterThanOrEqual(new Date(request.at).getTime());
    // Done: the desired state no longer asks for it.
    const res = await fetch(`${server.url}/api/worker/v1/desired-state?models=${modelName}@production`, { headers: { authorization: `Bearer ${(await makeToken('admin', ['worker'])).token.secret}` } });
    expect(((await res.json()) as { benchmarks: unknown[] }).benchmarks).toEqual([]);
  });
});
