import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzCases, NASTY_PATH_SEGMENTS, type TFuzzCase } from '../server/testing/fuzz/fuzz-cases';
import { sendRaw, type TRawRequest } from '../server/testing/fuzz/send-raw';
import { seededRandom } from '../server/synthetic/seeded-random';
import { desiredVersion, LogReceiver, model, postJson, startWorker, state, type Running } from './testing/harness';

/*
 * Seeded fuzzing of the worker's two prediction surfaces against a real worker (node:http, ONNX
 * Runtime, batching, the prediction log shipping to a real HTTP receiver), the model ready first so
 * a 503 could only mean a fault. FUZZ_SEED replays a run; FUZZ_COUNT sets the cases per surface.
 * Asserted: no 5xx, no hang, the worker serving correctly afterwards, and at most one prediction-log
 * record per refused request.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const COUNT = Number(process.env.FUZZ_COUNT ?? 1000);
const CONCURRENCY = 8;
const MAX_BODY = 64 * 1024;

const m = model(31);
const row = (i: number) => Array.from({ length: 8 }, (_, j) => Math.round(Math.sin(i * 3 + j) * 100) / 100);
const receiver = new LogReceiver();
let w: Running;

beforeAll(async () => {
  const logUrl = await receiver.start();
  w = await startWorker({ logUrl, config: { maxBodyBytes: MAX_BODY } });
  w.source.put('churn', 1, m.bytes);
  expect((await w.worker.applyDesiredState(state('r1', 'churn', [desiredVersion(1, m, 10_000)]))).failures).toEqual([]);
  expect((await fetch(`${w.url}/v2/health/ready`)).status).toBe(200);
});
afterAll(async () => {
  await w.close();
  await receiver.stop();
});

interface Sent {
  index: number;
  label: string;
  request: TRawRequest;
  oversized: boolean;
}

interface Tally {
  requests: number;
  ok: number;
  client: number;
  server: number;
  closedEarly: number;
  byStatus: Record<number, number>;
  failures: string[];
}

const asRequest = (c: TFuzzCase, method: string, path: string): TRawRequest => ({
  method,
  path,
  headers: c.contentType ? { 'content-type': c.contentType } : {},
  body: c.body,
  chunked: c.chunked,
  timeoutMs: 20_000,
});

async function fire(surface: string, cases: Sent[]): Promise<Tally> {
  const t: Tally = { requests: 0, ok: 0, client: 0, server: 0, closedEarly: 0, byStatus: {}, failures: [] };
  let next = 0;
  const lane = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      t.requests++;
      const where = `${surface} seed ${SEED} case ${c.index} (${c.label}) ${c.request.method} ${c.request.path.slice(0, 80)}`;
      try {
        const res = await sendRaw(w.url, c.request);
        t.byStatus[res.status] = (t.byStatus[res.status] ?? 0) + 1;
        if (res.status >= 500) {
          t.server++;
          t.failures.push(`${where}: ${res.status} ${res.body.slice(0, 200)}`);
        } else if (res.status >= 400) {
          t.client++;
          // Every refusal is JSON naming the problem (Node's own 408/413 for raw protocol faults aside).
          if (!/^\{"error":".+"\}$/s.test(res.body)) t.failures.push(`${where}: ${res.status} without a JSON error: ${res.body.slice(0, 200)}`);
        } else t.ok++;
      } catch (err) {
        // A server may answer an oversized body and close before reading it all; anything else is a hang or a crash.
        if ((err as { closedEarly?: boolean }).closedEarly && c.oversized) t.closedEarly++;
        else t.failures.push(`${where}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  console.log(`fuzz ${surface} (FUZZ_SEED=${SEED}): ${t.requests} requests, ${t.ok} 2xx, ${t.client} 4xx, ${t.server} 5xx, ${t.closedEarly} closed early; by status ${JSON.stringify(t.byStatus)}`);
  return t;
}

/** The worker still answers a valid request correctly, and says it is ready. */
async function stillServing(): Promise<void> {
  const r = row(77);
  const { status, json } = await postJson(`${w.url}/predict`, { model: 'churn', inputs: [r] });
  expect(status).toBe(200);
  const ref = m.forward(r);
  expect((json.predictions as { prediction: number }[])[0]!.prediction).toBe(ref.indexOf(Math.max(...ref)));
  expect((await fetch(`${w.url}/v2/health/ready`)).status).toBe(200);
}

/** Error records shipped since `from`, after a flush; each refused request may add at most one. */
async function errorRecordsSince(from: number) {
  await w.worker.predictionLog!.flush();
  const records = receiver.records.slice(from).filter((r) => r.error !== null);
  const perRequest = new Map<string, number>();
  for (const r of records) perRequest.set(r.request_id, (perRequest.get(r.request_id) ?? 0) + 1);
  return { count: records.length, maxPerRequest: Math.max(0, ...perRequest.values()) };
}

describe('worker fuzz', () => {
  it(`POST /predict: ${COUNT} malformed bodies, no 5xx, no hang, at most one log record per refusal`, async () => {
    const example = { model: 'churn', version: 1, routing_key: 'user-1', inputs: [row(1), Object.fromEntries(row(2).map((v, i) => [`f${i}`, v]))] };
    const cases = fuzzCases(SEED, COUNT, example, { oversizeBytes: MAX_BODY + 1024 }).map((c, index) => ({ index, label: c.label, request: asRequest(c, 'POST', '/predict'), oversized: c.label.startsWith('oversized') }));
    const from = receiver.records.length;
    const t = await fire('/predict', cases);
    expect(t.failures).toEqual([]);
    expect(t.requests).toBe(COUNT);
    expect(t.server).toBe(0);
    expect(t.client).toBeGreaterThan(COUNT / 2);
    const log = await errorRecordsSince(from);
    expect(log.maxPerRequest).toBeLessThanOrEqual(1); // /predict request ids are the worker's own: one per request
    expect(log.count).toBeLessThanOrEqual(t.client);
    await stillServing();
  });

  it(`/v2: ${COUNT} malformed infer bodies and nasty model/version path segments, no 5xx, no hang, at most one log record per refusal`, async () => {
    const example = {
      id: 'req-1',
      parameters: { routing_key: 'user-1', note: 'fuzz' },
      inputs: [{ name: 'input', shape: [2, 8], datatype: 'FP32', data: [row(1), row(2)] }],
      outputs: [{ name: 'probabilities' }],
    };
    const random = seededRandom(SEED + 1);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const segment = () => pick(NASTY_PATH_SEGMENTS);
    const inferPaths = [() => '/v2/models/churn/infer', () => '/v2/models/churn/versions/1/infer', () => `/v2/models/${segment()}/infer`, () => `/v2/models/churn/versions/${segment()}/infer`, () => `/v2/models/${segment()}/versions/${segment()}/infer`];
    const bodies = fuzzCases(SEED + 2, COUNT, example, { oversizeBytes: MAX_BODY + 1024 });
    const cases: Sent[] = bodies.map((c, index) => {
      const p = pick(inferPaths)();
      return { index, label: c.label, request: asRequest(c, 'POST', p), oversized: c.label.startsWith('oversized') };
    });
    // Every nasty segment in every GET position too, deterministically.
    const gets = NASTY_PATH_SEGMENTS.flatMap((s) => [`/v2/models/${s}`, `/v2/models/${s}/ready`, `/v2/models/churn/versions/${s}`, `/v2/models/churn/versions/${s}/ready`, `/v2/models/${s}/versions/1/ready`]);
    gets.forEach((p, i) => cases.push({ index: COUNT + i, label: 'nasty path segment', request: { method: 'GET', path: p, timeoutMs: 20_000 }, oversized: false }));
    const from = receiver.records.length;
    const t = await fire('/v2', cases);
    expect(t.failures).toEqual([]);
    expect(t.requests).toBe(COUNT + gets.length);
    expect(t.server).toBe(0);
    expect(t.client).toBeGreaterThan(COUNT / 2);
    // OIP ids are the client's (most cases reuse 'req-1'), so the bound is on the total.
    expect((await errorRecordsSince(from)).count).toBeLessThanOrEqual(t.client);
    await stillServing();
  });
});
