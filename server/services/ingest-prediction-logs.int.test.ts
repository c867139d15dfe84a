import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as logsRoute from '@/app/api/worker/v1/prediction-logs/route';
import { ZPredictionLogAck, type TPredictionLogRecord } from '../contracts/worker-prediction-log';
import { makeToken, testDb } from '../testing/fixtures';
import { makeMonitoredModel } from '../testing/monitoring-fixtures';
import { startRouteServer, type TRouteServer } from '../testing/route-server';
import { renderControlPlaneMetrics } from './render-control-plane-metrics';

/*
 * Ingest judges each record over real HTTP and a real PostgreSQL: the good records of a batch are
 * stored, each bad one is refused by index with a reason naming its field, and nothing a record
 * carries can turn the batch into a 500 (which the worker would retry for ever).
 */

let server: TRouteServer;
let bearer: Record<string, string>;
let model: { name: string };
let versionId: string;

beforeAll(async () => {
  bearer = (await makeToken('admin', ['worker'])).bearer;
  const made = await makeMonitoredModel(testDb().db, { versions: 1 });
  model = made.model;
  versionId = made.versions[0]!.id;
  server = await startRouteServer({ '/api/worker/v1/prediction-logs': logsRoute });
});
afterAll(() => server?.close());

const post = (body: unknown) =>
  fetch(`${server.url}/api/worker/v1/prediction-logs`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const record = (requestId: string, over: Partial<Record<keyof TPredictionLogRecord, unknown>> = {}) => ({
  request_id: requestId,
  item: 0,
  model: model.name,
  model_version: 1,
  variant: 'stable',
  input_hash: 'b'.repeat(64),
  prediction: 0.25,
  confidence: 0.9,
  latency_ms: 2,
  timestamp: '2026-03-01T10:00:00.000Z',
  error: null,
  routing_key: 'user-1',
  inputs: [1, 2, 3],
  ...over,
});

const rejectedCounts = (text: string) => ({
  invalid: Number(/^ballast_prediction_log_records_rejected_total\{reason="invalid"\} (\d+)$/m.exec(text)?.[1]),
  unknown: Number(/^ballast_prediction_log_records_rejected_total\{reason="unknown_version"\} (\d+)$/m.exec(text)?.[1]),
});

describe('prediction-log ingest judges each record', () => {
  it('stores the good records of a poisoned batch, refuses each bad one by index, counts them, and dedupes the replay', async () => {
    const before = rejectedCounts(await renderControlPlaneMetrics(testDb().db));
    const records = [
      record('mix-good-0'),
      record('mix-nul', { routing_key: 'poison\u0000' }),
      record('mix-unknown-model', { model: 'no-such-model' }),
      record('mix-bad-ts', { timestamp: 'yesterday at noon' }),
      record('mix-good-1', { item: 1, prediction: 'cat', routing_key: null }),
      record('mix-feb-30', { timestamp: '2026-02-30T00:00:00Z' }),
      record('mix-item-int4', { item: 2_147_483_648 }),
      record('mix-version-int4', { model_version: 2_147_483_648 }),
      record('mix-unknown-version', { model_version: 99 }),
      record('mix-error-nul', { error: 'boom\u0000' }),
      'not a record',
      record('mix-id-control\u0007'),
      record('mix-year-0', { timestamp: '0000-01-01T00:00:00Z' }),
      record('mix-good-2', { item: 2, error: 'model failed:\n\ttab and newline are fine in free text' }),
      record('mix-long-key', { routing_key: 'k'.repeat(257) }),
      record('mix-many-bad-inputs', { inputs: Array.from({ length: 1000 }, () => 'x') }),
    ];
    // 1e999 parses to Infinity: JSON.stringify cannot write it, so it is spliced into the text.
    const body = JSON.stringify({ worker_id: 'w-mix', records: [...records, record('mix-inf', { confidence: '__INF__' })] }).replace('"__INF__"', '1e999');
    const res = await post(body);
    expect(res.status).toBe(200);
    const ack = ZPredictionLogAck.parse(await res.json());
    expect(ack.accepted).toBe(3);
    const reasons = new Map(ack.rejected.map((r) => [r.index, r.reason]));
    expect([...reasons.keys()]).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16]);
    expect(reasons.get(1)).toMatch(/^invalid record: routing_key: contains a NUL character \(U\+0000\) at position 6$/);
    expect(reasons.get(2)).toBe('unknown model version: no-such-model v1 is not in the registry');
    expect(reasons.get(3)).toMatch(/timestamp: must be an ISO 8601 date-time/);
    expect(reasons.get(5)).toMatch(/timestamp: '2026-02-30T00:00:00Z' is not a real date/);
    expect(reasons.get(6)).toMatch(/item: must be at most 2147483647/);
    expect(reasons.get(7)).toMatch(/model_version: must be at most 2147483647/);
    expect(reasons.get(8)).toBe(`unknown model version: ${model.name} v99 is not in the registry`);
    expect(reasons.get(9)).toMatch(/error: contains a NUL character/);
    expect(reasons.get(10)).toMatch(/^invalid record: /);
    expect(reasons.get(11)).toMatch(/request_id: contains a control character \(U\+0007\)/);
    expect(reasons.get(12)).toMatch(/timestamp: must be within the years 1-9999/);
    expect(reasons.get(14)).toMatch(/routing_key: must be at most 256 characters/);
    // 1,000 bad values are named by the first three and a count, not 1,000 lines.
    expect(reasons.get(15)).toMatch(/inputs\.0: .*inputs\.1: .*inputs\.2: .*\(and 997 more problems\)$/);
    expect(reasons.get(16)).toMatch(/confidence: /);

    const stored = await testDb().db.predictionLog.findMany({ where: { requestId: { startsWith: 'mix-' } }, orderBy: { requestId: 'asc' } });
    expect(stored.map((r) => [r.requestId, r.item, r.modelVersionId, r.prediction, r.label, r.routingKey, r.error, r.workerId])).toEqual([
      ['mix-good-0', 0, versionId, 0.25, null, 'user-1', null, 'w-mix'],
      ['mix-good-1', 1, versionId, null, 'cat', null, null, 'w-mix'],
      ['mix-good-2', 2, versionId, 0.25, null, 'user-1', 'model failed:\n\ttab and newline are fine in free text', 'w-mix'],
    ]);

    const after = rejectedCounts(await renderControlPlaneMetrics(testDb().db));
    expect(after.invalid - before.invalid).toBe(12);
    expect(after.unknown - before.unknown).toBe(2);

    // The replay (a worker that did not see the answer) stores nothing twice and gets the same answer.
    const replay = ZPredictionLogAck.parse(await (await post(body)).json());
    expect(replay).toEqual(ack);
    expect(await testDb().db.predictionLog.count({ where: { requestId: { startsWith: 'mix-' } } })).toBe(3);
  });

  it('a batch of only bad records answers 200 with every record refused and stores nothing', async () => {
    const res = await post({ worker_id: 'w-bad', records: [record('only-bad-0', { routing_key: '\u0000' }), 42, null, {}] });
    expect(res.status).toBe(200);
    const ack = ZPredictionLogAck.parse(await res.json());
    expect(ack).toMatchObject({ accepted: 0 });
    expect(ack.rejected.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(await testDb().db.predictionLog.count({ where: { requestId: { startsWith: 'only-bad-' } } })).toBe(0);
  });

  it('the same record twice in one batch is stored once; both count as accepted', async () => {
    const ack = ZPredictionLogAck.parse(await (await post({ worker_id: 'w-dup', records: [record('dup-0'), record('dup-0')] })).json());
    expect(ack).toEqual({ accepted: 2, rejected: [] });
    expect(await testDb().db.predictionLog.count({ where: { requestId: 'dup-0' } })).toBe(1);
  });

  it('an unreadable envelope is a 400 naming the field (never a 500)', async () => {
    const cases: [unknown, RegExp][] = [
      [{ worker_id: 'w\u0000', records: [record('env-0')] }, /worker_id: contains a NUL character/],
      [{ worker_id: 'w', records: [] }, /records: /],
      [{ worker_id: 'w', records: Array.from({ length: 5_001 }, (_, i) => record(`env-${i}`)) }, /records: /],
      [{ records: [record('env-1')] }, /worker_id: /],
      ['{"worker_id": "w", "records": [', /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(message);
    }
    expect(await testDb().db.predictionLog.count({ where: { requestId: { startsWith: 'env-' } } })).toBe(0);
  });
});
