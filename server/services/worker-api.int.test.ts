import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as desiredStateRoute from '@/app/api/worker/v1/desired-state/route';
import * as heartbeatRoute from '@/app/api/worker/v1/heartbeat/route';
import * as artifactRoute from '@/app/api/worker/v1/models/[name]/versions/[version]/artifact/route';
import * as logsRoute from '@/app/api/worker/v1/prediction-logs/route';
import { ZDesiredState, type TDesiredState } from '../contracts/worker-desired-state';
import type { TPredictionLogRecord } from '../contracts/worker-prediction-log';
import { LATENCY_BUCKETS_MS, type TWorkerReport } from '../contracts/worker-report';
import { addVersion, callerAs, makeRegistryPeople, newModel, type TRegistry } from '../testing/deployment-fixtures';
import { makeToken, testDb } from '../testing/fixtures';
import { startRouteServer, type TRouteServer } from '../testing/route-server';
import { blobPath } from './artifact-blob-store';
import { recordWorkerReport } from './record-worker-report';

let p: TRegistry;
let server: TRouteServer;
let bearer: Record<string, string>;

beforeAll(async () => {
  p = await makeRegistryPeople();
  bearer = (await makeToken('admin', ['worker'])).bearer;
  server = await startRouteServer({
    '/api/worker/v1/desired-state': desiredStateRoute,
    '/api/worker/v1/heartbeat': heartbeatRoute,
    '/api/worker/v1/prediction-logs': logsRoute,
    '/api/worker/v1/models/[name]/versions/[version]/artifact': artifactRoute,
  });
});
afterAll(() => server?.close());

const get = (path: string) => fetch(`${server.url}${path}`, { headers: bearer });
const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function desired(refs: string): Promise<TDesiredState> {
  const res = await get(`/api/worker/v1/desired-state?models=${refs}`);
  expect(res.status).toBe(200);
  return ZDesiredState.parse(await res.json());
}
const split = (s: TDesiredState, i = 0) => s.models[i]!.versions.map((v) => [v.version, v.weight, v.variant]);

describe('desired state', () => {
  it('without a deployment: production at 100%, previous loaded at 0; archived versions never appear', async () => {
    const name = await newModel(p);
    const v1 = await addVersion(p, name, { stage: 'production' });
    const v2 = await addVersion(p, name, { stage: 'production' });
    const state = await desired(`${name}@production`);
    expect(split(state)).toEqual([
      [v2.version, 10_000, 'stable'],
      [v1.version, 0, 'stable'],
    ]);
    expect(state.models[0]!.versions[0]!.sha256).toBe(createHash('sha256').update(v2.bytes).digest('hex'));
    // The registry's golden examples, as rows the worker checks.
    expect(state.models[0]!.versions[0]!.golden).toHaveLength(2);
    expect(state.models[0]!.versions[0]!.golden[0]!.input).toHaveLength(4);
    expect(await desired(`${name}@production`)).toMatchObject({ revision: state.revision });

    await callerAs(p.owner.principal).versions.archive({ modelName: name, version: v1.version });
    const after = await desired(`${name}@production,${name}@${v1.version},nosuch@production`);
    expect(split(after)).toEqual([[v2.version, 10_000, 'stable']]);
    expect(after.revision).not.toBe(state.revision);
    expect(after.unresolved!.map((u) => u.ref)).toEqual([`${name}@${v1.version}`, 'nosuch@production']);
  });

  it('canary, A/B and blue-green splits follow the active deployment', async () => {
    const name = await newModel(p);
    const stable = await addVersion(p, name, { stage: 'production' });
    const cand = await addVersion(p, name);
    const owner = callerAs(p.owner.principal);
    const ref = `${name}@production`;

    const canary = await owner.deployments.create({ modelName: name, version: cand.version });
    expect(split(await desired(ref))).toEqual([
      [stable.version, 9_500, 'stable'],
      [cand.version, 500, 'canary'],
    ]);
    // The canary alias names the candidate while it runs.
    expect(split(await desired(`${name}@canary`))).toEqual([[cand.version, 10_000, 'canary']]);
    await owner.deployments.rollback({ deploymentId: canary.id, reason: 'try A/B instead' });
    // The rolled-back candidate stays loaded without traffic for a while (instant undo).
    expect(split(await desired(ref))).toEqual([
      [stable.version, 10_000, 'stable'],
      [cand.version, 0, 'canary'],
    ]);

    const ab = await owner.deployments.create({ modelName: name, version: cand.version, strategy: 'ab_test', split: { a: 70, b: 30 } });
    expect(split(await desired(ref))).toEqual([
      [stable.version, 7_000, 'a'],
      [cand.version, 3_000, 'b'],
    ]);
    await owner.deployments.rollback({ deploymentId: ab.id });

    await owner.deployments.create({ modelName: name, version: cand.version, strategy: 'blue_green' });
    expect(split(await desired(ref))).toEqual([
      [stable.version, 10_000, 'stable'],
      [cand.version, 0, 'canary'],
    ]);
  });

  it('a canary with steps starts at its first step; a bad reference is a 400', async () => {
    const name = await newModel(p);
    await addVersion(p, name, { stage: 'production' });
    const cand = await addVersion(p, name);
    await callerAs(p.owner.principal).deployments.create({ modelName: name, version: cand.version, canary: { steps: [10, 50, 100] } });
    expect((await desired(`${name}@production`)).models[0]!.versions[1]).toMatchObject({ version: cand.version, weight: 1_000 });
    expect((await get('/api/worker/v1/desired-state?models=NOT A REF')).status).toBe(400);
    expect((await fetch(`${server.url}/api/worker/v1/desired-state?models=${name}@production`)).status).toBe(401);
  });
});

describe('artifact download', () => {
  it('serves the ONNX bytes with their sha256; unknown versions are 404; a corrupt blob never completes', async () => {
    const name = await newModel(p);
    const v = await addVersion(p, name);
    const res = await get(`/api/worker/v1/models/${name}/versions/${v.version}/artifact`);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(res.headers.get('x-content-sha256')).toBe(sha);
    expect(Buffer.from(bytes).equals(Buffer.from(v.bytes))).toBe(true);
    expect((await get(`/api/worker/v1/models/${name}/versions/99/artifact`)).status).toBe(404);

    await writeFile(blobPath(sha), Buffer.concat([Buffer.from(v.bytes), Buffer.from('tampered')]));
    const corrupt = await get(`/api/worker/v1/models/${name}/versions/${v.version}/artifact`).then((r) => r.arrayBuffer()).then(
      () => 'completed',
      () => 'aborted',
    );
    expect(corrupt).toBe('aborted');
  });
});

describe('prediction-log ingest', () => {
  const record = (name: string, version: number, requestId: string, item = 0): TPredictionLogRecord => ({
    request_id: requestId,
    item,
    model: name,
    model_version: version,
    variant: 'stable',
    input_hash: 'a'.repeat(64),
    prediction: item % 2 ? 'yes' : 1,
    confidence: 0.9,
    latency_ms: 1.5,
    timestamp: '2026-01-01T00:00:00.000Z',
    error: null,
    routing_key: `user-${item}`,
    inputs: [item, 0.5, -1, 2],
  });

  it('stores a batch in one statement, dedupes replays, and refuses unknown versions by index', async () => {
    const name = await newModel(p);
    const v = await addVersion(p, name);
    const records = [0, 1, 2].map((i) => record(name, v.version, 'req-1', i));
    const first = await post('/api/worker/v1/prediction-logs', { worker_id: 'w1', records });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: 3, rejected: [] });
    // A replay is accepted again (the records are stored) without a second copy.
    expect(await (await post('/api/worker/v1/prediction-logs', { worker_id: 'w1', records })).json()).toEqual({ accepted: 3, rejected: [] });
    const rows = await testDb().db.predictionLog.findMany({ where: { requestId: 'req-1' }, orderBy: { item: 'asc' } });
    expect(rows.map((r) => [r.item, r.modelVersionId, r.prediction, r.label, r.routingKey, r.inputs, r.workerId])).toEqual([
      [0, v.id, 1, null, 'user-0', [0, 0.5, -1, 2], 'w1'],
      [1, v.id, null, 'yes', 'user-1', [1, 0.5, -1, 2], 'w1'],
      [2, v.id, 1, null, 'user-2', [2, 0.5, -1, 2], 'w1'],
    ]);

    const mixed = await post('/api/worker/v1/prediction-logs', { worker_id: 'w1', records: [record(name, v.version, 'req-2'), record(name, 42, 'req-2', 1)] });
    expect(mixed.status).toBe(200);
    expect(await mixed.json()).toEqual({ accepted: 1, rejected: [{ index: 1, reason: `unknown model version: ${name} v42 is not in the registry` }] });
    expect((await testDb().db.predictionLog.findMany({ where: { requestId: 'req-2' } })).map((r) => r.item)).toEqual([0]);

    const tooMany = Array.from({ length: 5_001 }, (_, i) => record(name, v.version, 'req-3', i));
    expect((await post('/api/worker/v1/prediction-logs', { worker_id: 'w1', records: tooMany })).status).toBe(400);
    expect((await post('/api/worker/v1/prediction-logs', { worker_id: 'w1', records: [] })).status).toBe(400);
  });

  it('takes a full batch of 5,000 records', async () => {
    const name = await newModel(p);
    const v = await addVersion(p, name);
    const records = Array.from({ length: 5_000 }, (_, i) => record(name, v.version, `bulk-${i}`));
    expect(await (await post('/api/worker/v1/prediction-logs', { worker_id: 'w2', records })).json()).toEqual({ accepted: 5_000, rejected: [] });
  });
});

describe('heartbeat', () => {
  const report = (name: string, version: number, c: { requests: number; errors: number; fast: number }, startedAt: string, sentAt = new Date().toISOString()): TWorkerReport => ({
    worker_id: `worker-${name}`,
    hostname: 'test-host',
    started_at: startedAt,
    sent_at: sentAt,
    uptime_s: 1,
    execution_provider: 'cpu',
    desired_revision: 'r1',
    versions: [
      {
        model: name,
        version,
        state: 'ready',
        variant: 'stable',
        weight: 10_000,
        requests: c.requests,
        rows: c.requests,
        errors: c.errors,
        latency: { bounds_ms: [...LATENCY_BUCKETS_MS], counts: [c.fast, ...new Array<number>(LATENCY_BUCKETS_MS.length).fill(0)], sum_ms: c.fast },
        last_served_at: sentAt,
        failure: null,
      },
    ],
  });

  it('turns cumulative counters into per-minute deltas, restarts included, and marks versions served', async () => {
    const name = await newModel(p);
    const v = await addVersion(p, name);
    const db = testDb().db;
    const t0 = new Date(Date.UTC(2026, 0, 1, 12, 0, 5));
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const boot = t0.toISOString();

    const res = await post('/api/worker/v1/heartbeat', report(name, v.version, { requests: 1, errors: 0, fast: 1 }, new Date().toISOString()));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });

    await recordWorkerReport(db, report(name, v.version, { requests: 10, errors: 1, fast: 10 }, boot, at(0).toISOString()), at(0));
    await recordWorkerReport(db, report(name, v.version, { requests: 15, errors: 1, fast: 15 }, boot, at(10).toISOString()), at(10));
    // Next minute; then a restart (counters start again from zero).
    await recordWorkerReport(db, report(name, v.version, { requests: 20, errors: 3, fast: 20 }, boot, at(60).toISOString()), at(60));
    await recordWorkerReport(db, report(name, v.version, { requests: 4, errors: 0, fast: 4 }, at(70).toISOString(), at(70).toISOString()), at(70));

    const rows = await db.versionTraffic.findMany({ where: { modelVersionId: v.id, workerId: `worker-${name}`, minute: { gte: new Date(Date.UTC(2026, 0, 1)), lt: new Date(Date.UTC(2026, 0, 2)) } }, orderBy: { minute: 'asc' } });
    // Requests count attempts (successes + errors): 11, +5 in the first minute; +7, then 4 after the restart.
    expect(rows.map((r) => [r.minute.toISOString(), r.requests, r.errors, r.latencyCounts[0]])).toEqual([
      ['2026-01-01T12:00:00.000Z', 16, 1, 15],
      ['2026-01-01T12:01:00.000Z', 11, 2, 9],
    ]);
    const version = await db.modelVersion.findUniqueOrThrow({ where: { id: v.id } });
    expect(version.lastServedAt).not.toBeNull();

    await recordWorkerReport(db, report(name, v.version, { requests: 4, errors: 0, fast: 4 }, at(70).toISOString()));
    const live = await callerAs(p.engineer.principal).workers.list({ modelName: name });
    expect(live.map((w) => w.id)).toEqual([`worker-${name}`]);
    expect(live[0]!.serving[0]).toMatchObject({ model: name, version: v.version, state: 'ready', weight: 10_000 });
    // The worker recorded with an old clock is not live.
    await recordWorkerReport(db, { ...report(name, v.version, { requests: 4, errors: 0, fast: 4 }, boot), worker_id: 'stale' }, new Date(Date.now() - 60_000));
    expect((await callerAs(p.engineer.principal).workers.list()).map((w) => w.id)).not.toContain('stale');
  });
});
