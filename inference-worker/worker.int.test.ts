import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_MS } from '../server/contracts/worker-report';
import { buildReport } from './control-plane';
import { desiredVersion, metricValue, model, postJson, startWorker, state, type Running } from './testing/harness';

// A real worker (node:http, ONNX Runtime, batching) on an ephemeral port, serving a model built here.
const m1 = model(11);
const row = (i: number) => Array.from({ length: 8 }, (_, j) => Math.sin(i * 7 + j));
let w: Running;

beforeAll(async () => {
  w = await startWorker();
  w.source.put('churn', 1, m1.bytes);
  const { failures } = await w.worker.applyDesiredState(state('r1', 'churn', [desiredVersion(1, m1, 10_000)]));
  expect(failures).toEqual([]);
});
afterAll(() => w.close());

const argmax = (p: number[]) => p.indexOf(Math.max(...p));

describe('POST /predict', () => {
  it('answers each row with the reference prediction and confidence', async () => {
    const rows = [row(1), row(2), row(3)];
    const { status, json } = await postJson(`${w.url}/predict`, { model: 'churn', inputs: rows });
    expect(status).toBe(200);
    expect(json.request_id).toMatch(/^[0-9a-f-]{36}$/);
    const preds = json.predictions as { prediction: number; confidence: number; model_version: number; latency_ms: number }[];
    rows.forEach((r, i) => {
      const ref = m1.forward(r);
      expect(preds[i]!.prediction).toBe(argmax(ref));
      expect(preds[i]!.confidence).toBeCloseTo(Math.max(...ref), 5);
      expect(preds[i]!.model_version).toBe(1);
      expect(preds[i]!.latency_ms).toBeGreaterThanOrEqual(0);
    });
  });

  it('takes {feature: value} rows named by the registry signature', async () => {
    const r = row(4);
    const obj = Object.fromEntries(r.map((v, i) => [`f${i}`, v]));
    const { status, json } = await postJson(`${w.url}/predict`, { model: 'churn', inputs: [obj] });
    expect(status).toBe(200);
    expect((json.predictions as { prediction: number }[])[0]!.prediction).toBe(argmax(m1.forward(r)));
  });

  it('splits a request bigger than the max batch size', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(i));
    const { status, json } = await postJson(`${w.url}/predict`, { model: 'churn', inputs: rows });
    expect(status).toBe(200);
    expect((json.predictions as { prediction: number }[]).map((p) => p.prediction)).toEqual(rows.map((r) => argmax(m1.forward(r))));
  });

  it('forms batches under concurrency and counts close reasons', async () => {
    await Promise.all(Array.from({ length: 64 }, (_, i) => postJson(`${w.url}/predict`, { model: 'churn', inputs: [row(i)] })));
    const text = await (await fetch(`${w.url}/metrics`)).text();
    const batches = metricValue(text, 'ballast_worker_batches_total', { model: 'churn', version: '1' });
    const rows = metricValue(text, 'ballast_worker_batch_rows_sum', { model: 'churn', version: '1' });
    // Average rows per batch above 1 shows requests were grouped (the exact sizes depend on timing).
    expect(rows / batches).toBeGreaterThan(1);
    expect(metricValue(text, 'ballast_worker_batches_total', { reason: 'full' }) + metricValue(text, 'ballast_worker_batches_total', { reason: 'window' })).toBe(batches);
    expect(metricValue(text, 'ballast_worker_batch_rows_bucket', { le: '1' })).toBeLessThan(batches);
  });
});

describe('bad input', () => {
  const cases: [string, unknown, number, RegExp][] = [
    ['malformed JSON', '{"model": "churn", "inputs": [[1,2', 400, /not valid JSON/],
    ['unknown model', { model: 'nope', inputs: [row(0)] }, 404, /unknown model 'nope'/],
    ['unknown version', { model: 'churn', version: 9, inputs: [row(0)] }, 404, /no version 9/],
    ['wrong feature count', { model: 'churn', inputs: [[1, 2, 3]] }, 400, /inputs\[0\]: expected 8 features, got 3/],
    ['wrong type', { model: 'churn', inputs: [[1, 2, 3, 4, 5, 6, 7, 'x']] }, 400, /inputs\[0\]\[7\]: expected a number, got string/],
    ['Infinity', '{"model":"churn","inputs":[[1,2,3,4,5,6,7,1e999]]}', 400, /not finite/],
    ['empty batch', { model: 'churn', inputs: [] }, 400, /empty batch/],
    ['batch over the limit', { model: 'churn', inputs: Array.from({ length: 257 }, () => [0, 0, 0, 0, 0, 0, 0, 0]) }, 400, /257 rows is over the limit of 256/],
    ['missing inputs', { model: 'churn' }, 400, /inputs/],
  ];
  it.each(cases)('%s', async (_name, body, status, message) => {
    const res = await postJson(`${w.url}/predict`, body);
    expect(res.status).toBe(status);
    expect(String(res.json.error)).toMatch(message);
  });

  it('answers 413 for a body over the size limit', async () => {
    const res = await fetch(`${w.url}/predict`, { method: 'POST', body: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
  });

  it('survives 1,000 malformed requests and still answers correctly', async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const junk = ['', '{', 'null', '[]', '"x"', '{"model":1}', '{"model":"churn","inputs":{}}', '{"model":"churn","inputs":[[]]}', '{"model":"churn","inputs":[null]}', '{"model":"churn","inputs":[[1,2,3,4,5,6,7,8]],"routing_key":""}'];
    const bodies: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const k = rand();
      if (k < 0.3) bodies.push(junk[Math.floor(rand() * junk.length)]!);
      else if (k < 0.6) {
        // A valid body with one byte flipped: mostly invalid JSON, sometimes a wrong value.
        const valid = JSON.stringify({ model: 'churn', inputs: [row(i)] });
        const at = Math.floor(rand() * valid.length);
        bodies.push(valid.slice(0, at) + String.fromCharCode(32 + Math.floor(rand() * 94)) + valid.slice(at + 1));
      } else {
        const cell = [true, 'a', null, {}, [], 'INF', '-INF', 1e308][Math.floor(rand() * 8)];
        const r: unknown[] = row(i);
        r[Math.floor(rand() * 8)] = cell;
        // JSON has no Infinity: 1e999 is how a client sends one by accident.
        bodies.push(JSON.stringify({ model: 'churn', inputs: rand() < 0.5 ? [r] : [r.slice(0, Math.floor(rand() * 8))] }).replace('"INF"', '1e999'));
      }
    }
    const before = metricValue(await (await fetch(`${w.url}/metrics`)).text(), 'ballast_worker_bad_requests_total');
    let refused = 0;
    for (let i = 0; i < bodies.length; i += 50) {
      const statuses = await Promise.all(bodies.slice(i, i + 50).map((b) => fetch(`${w.url}/predict`, { method: 'POST', body: b }).then(async (r) => (await r.text(), r.status))));
      for (const s of statuses) {
        expect([200, 400, 404]).toContain(s); // never a 5xx: bad input cannot hurt the worker
        if (s !== 200) refused++;
      }
    }
    const after = metricValue(await (await fetch(`${w.url}/metrics`)).text(), 'ballast_worker_bad_requests_total');
    expect(after - before).toBe(refused);
    expect(refused).toBeGreaterThan(900);
    const r = row(99);
    const { status, json } = await postJson(`${w.url}/predict`, { model: 'churn', inputs: [r] });
    expect(status).toBe(200);
    expect((json.predictions as { prediction: number }[])[0]!.prediction).toBe(argmax(m1.forward(r)));
  });
});

describe('Open Inference Protocol v2', () => {
  it('answers server and model metadata and health', async () => {
    expect(await (await fetch(`${w.url}/v2`)).json()).toEqual({ name: 'ballast-inference-worker', version: (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version, extensions: [] });
    expect((await fetch(`${w.url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${w.url}/v2/health/ready`)).status).toBe(200);
    expect((await fetch(`${w.url}/v2/models/churn/ready`)).status).toBe(200);
    expect((await fetch(`${w.url}/v2/models/churn/versions/1/ready`)).status).toBe(200);
    expect(await (await fetch(`${w.url}/v2/models/churn`)).json()).toEqual({
      name: 'churn',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 8] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }],
    });
    const missing = await fetch(`${w.url}/v2/models/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "unknown model 'nope'" });
  });

  it('infers from nested and flat row-major tensors, with and without a version', async () => {
    const rows = [row(5), row(6)];
    const expected = rows.flatMap((r) => m1.forward(r));
    for (const [path, data] of [
      ['/v2/models/churn/infer', rows],
      ['/v2/models/churn/versions/1/infer', rows.flat()],
    ] as const) {
      const { status, json } = await postJson(`${w.url}${path}`, { id: 'req-1', inputs: [{ name: 'input', shape: [2, 8], datatype: 'FP32', data }] });
      expect(status).toBe(200);
      expect(json).toMatchObject({ model_name: 'churn', model_version: '1', id: 'req-1' });
      const out = (json.outputs as { name: string; shape: number[]; datatype: string; data: number[] }[])[0]!;
      expect(out).toMatchObject({ name: 'probabilities', shape: [2, 3], datatype: 'FP32' });
      out.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    }
  });

  it('answers errors as {"error": "..."}', async () => {
    const bad = await postJson(`${w.url}/v2/models/churn/infer`, { inputs: [{ name: 'input', shape: [1, 8], datatype: 'INT8', data: [1, 2, 3, 4, 5, 6, 7, 300] }] });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: 'inputs[0].data[7]: 300 is not a valid INT8' });
    const v = await postJson(`${w.url}/v2/models/churn/versions/7/infer`, { inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: row(1) }] });
    expect(v.status).toBe(404);
    expect(Object.keys(v.json)).toEqual(['error']);
  });
});

describe('GET /health and /metrics', () => {
  it('lists loaded versions with their state', async () => {
    const h = (await (await fetch(`${w.url}/health`)).json()) as Record<string, unknown>;
    expect(h.status).toBe('ok');
    expect(h.versions).toEqual([{ model: 'churn', version: 1, state: 'ready', variant: 'stable', weight: 10000, failure: null }]);
  });

  it('passes promtool check metrics', async () => {
    const text = await (await fetch(`${w.url}/metrics`)).text();
    for (const name of ['ballast_worker_requests_total', 'ballast_worker_request_errors_total', 'ballast_worker_request_duration_seconds_bucket', 'ballast_worker_batch_rows_bucket', 'ballast_worker_queue_wait_seconds_bucket', 'ballast_worker_batches_total', 'ballast_worker_queue_depth_rows', 'ballast_worker_model_versions', 'ballast_worker_bad_requests_total']) {
      expect(text, name).toContain(name);
    }
    if (!existsSync('/usr/bin/promtool')) {
      console.warn('SKIPPED promtool check metrics: /usr/bin/promtool is absent here (CI installs the prometheus package)');
      return;
    }
    const r = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });
  it('reports the same latency histogram to the control plane as /metrics shows, in the contract\'s ms bounds', async () => {
    const text = await (await fetch(`${w.url}/metrics`)).text();
    const v = buildReport(w.worker, 'w-test', Date.now()).versions.find((x) => x.model === 'churn' && x.version === 1)!;
    expect(v.latency.bounds_ms).toEqual([...LATENCY_BUCKETS_MS]);
    const series = { model: 'churn', version: '1' };
    const les = [...LATENCY_BUCKETS_MS.map((ms) => String(ms / 1000)), '+Inf'];
    const cumulative = les.map((le) => metricValue(text, 'ballast_worker_request_duration_seconds_bucket', { ...series, le }));
    expect(cumulative.at(-1)).toBeGreaterThan(0);
    expect(v.latency.counts).toEqual(cumulative.map((c, i) => c - (i ? cumulative[i - 1]! : 0)));
    expect(v.latency.sum_ms).toBeCloseTo(metricValue(text, 'ballast_worker_request_duration_seconds_sum', series) * 1000, 6);
  });
});
