import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spoolPaths } from './prediction-log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desiredVersion, LogReceiver, metricValue, model, postJson, startWorker, state, waitFor, type Running } from './testing/harness';

// The prediction log against a real HTTP receiver that goes away and comes back: nothing is lost.
const m = model(31);
const receiver = new LogReceiver();
let w: Running;

beforeAll(async () => {
  const url = await receiver.start();
  w = await startWorker({ logUrl: url });
  w.source.put('churn', 1, m.bytes);
  await w.worker.applyDesiredState(state('r1', 'churn', [desiredVersion(1, m, 10_000)]));
});
afterAll(async () => {
  await w.close();
  await receiver.stop();
});

const send = (n: number, from: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => postJson(`${w.url}/predict`, { model: 'churn', inputs: [Array.from({ length: 8 }, (_, j) => from + i + j)] })));

describe('prediction log', () => {
  it('ships records with the contract fields', async () => {
    const [res] = await send(1, 0);
    await waitFor(() => receiver.records.length === 1, 'one record');
    const r = receiver.records[0]!;
    expect(r.request_id).toBe(res!.json.request_id);
    expect(r).toMatchObject({ item: 0, model: 'churn', model_version: 1, variant: 'stable', error: null });
    expect(r.input_hash).toMatch(/^[0-9a-f]{64}$/);
    // The row travels too (input-feature drift), and so does no routing key when none was sent.
    expect(r.inputs).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.routing_key).toBeNull();
  });

  it('spools while the receiver is down and replays in order when it returns, losing none', async () => {
    await receiver.stop();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(...(await send(10, 100 + i * 10)).map((r) => String(r.json.request_id)));
    await waitFor(async () => metricValue(await (await fetch(`${w.url}/metrics`)).text(), 'ballast_worker_prediction_log_spooled_total') === 50, '50 spooled records');
    const { dir } = spoolPaths(w.spoolFile);
    const spooled = readdirSync(dir).filter((f) => f.startsWith('seg-')).flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean));
    expect(spooled).toHaveLength(50);
    await receiver.start(); // same port
    await waitFor(() => receiver.records.length === 51, 'replayed records', 30_000);
    const replayed = receiver.records.slice(1).map((r) => r.request_id);
    expect(new Set(replayed)).toEqual(new Set(ids));
    // Spool order is arrival order: timestamps never go backwards.
    const times = receiver.records.slice(1).map((r) => r.timestamp);
    expect([...times].sort()).toEqual(times);
  });

  it('keeps the routing key the caller sent, for feedback by routing key', async () => {
    const before = receiver.records.length;
    await postJson(`${w.url}/predict`, { model: 'churn', routing_key: 'user-42', inputs: [[1, 1, 1, 1, 1, 1, 1, 1]] });
    await waitFor(() => receiver.records.length === before + 1, 'one more record');
    expect(receiver.records[before]!.routing_key).toBe('user-42');
  });

  it('logs Open Inference Protocol requests too, with their rows and the routing key from parameters', async () => {
    const before = receiver.records.length;
    const res = await postJson(`${w.url}/v2/models/churn/infer`, {
      id: 'oip-1',
      parameters: { routing_key: 'user-7' },
      inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6, 7, 8] }],
    });
    expect(res.status).toBe(200);
    await waitFor(() => receiver.records.length === before + 1, 'one more record');
    expect(receiver.records[before]).toMatchObject({ request_id: 'oip-1', routing_key: 'user-7', inputs: [1, 2, 3, 4, 5, 6, 7, 8], error: null });
  });

  it('logs a refused request as one error record, however many rows it sent', async () => {
    const before = receiver.records.length;
    const refused = await Promise.all(
      [250, 300, 1].map((n) => postJson(`${w.url}/predict`, { model: 'churn', inputs: Array.from({ length: n }, () => [1, 2, 3]) })), // 3 values, the model takes 8
    );
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400]);
    const [ok] = await send(1, 500);
    await waitFor(() => receiver.records.some((r) => r.request_id === ok!.json.request_id), 'the good record after them');
    const logged = receiver.records.slice(before).filter((r) => r.error !== null);
    // Bodies past the row limit are refused before routing and not logged at all; the 1-row
    // request reaches its version and is logged once. Never more than one record per request.
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged.length).toBeLessThanOrEqual(3);
    expect(logged.every((r) => r.item === 0 && r.model === 'churn')).toBe(true);
    expect(new Set(logged.map((r) => r.request_id)).size).toBe(logged.length);
  });
});
