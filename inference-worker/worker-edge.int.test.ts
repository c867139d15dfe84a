import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../server/testing/fuzz/send-raw';
import { DiskCachedSource } from './model-source';
import { desiredVersion, LogReceiver, metricValue, model, postJson, startWorker, state, tempDir, testConfig, waitFor, type Running } from './testing/harness';
import { MemoryModelSource } from './testing/memory-model-source';
import { createWorker } from './worker';

// The worker's edge against a real worker (node:http, ONNX Runtime) and a real HTTP log receiver:
// strings, nesting, paths, refusals that log at most one record, timeouts, readiness, the model cache.
const m1 = model(21);
const row = (i: number) => Array.from({ length: 8 }, (_, j) => Math.cos(i * 5 + j));
const receiver = new LogReceiver();
let w: Running;

beforeAll(async () => {
  const logUrl = await receiver.start();
  w = await startWorker({ logUrl, config: { maxBodyBytes: 1 << 20, requestTimeoutMs: 1000, headersTimeoutMs: 500 } });
  w.source.put('churn', 1, m1.bytes);
  expect((await w.worker.applyDesiredState(state('r1', 'churn', [desiredVersion(1, m1, 10_000)]))).failures).toEqual([]);
});
afterAll(async () => {
  await w.close();
  await receiver.stop();
});

/** Error records the log shipped for refused or failed requests, after everything recorded so far is flushed. */
async function errorRecords(): Promise<number> {
  await w.worker.predictionLog!.flush();
  return receiver.records.filter((r) => r.error !== null).length;
}

const post = (p: string, body: string | Buffer) => sendRaw(w.url, { method: 'POST', path: p, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) });

describe('strings at the edge', () => {
  const cases: [string, string, unknown, RegExp][] = [
    ['NUL in the routing key', '/predict', { model: 'churn', inputs: [row(0)], routing_key: 'poison\u0000' }, /routing_key: contains a NUL character/],
    ['a control character in the routing key', '/predict', { model: 'churn', inputs: [row(0)], routing_key: 'a\u001bb' }, /routing_key: contains a control character \(U\+001B\)/],
    ['a 257-character routing key', '/predict', { model: 'churn', inputs: [row(0)], routing_key: 'k'.repeat(257) }, /routing_key: must be at most 256 characters/],
    ['NUL in the model name', '/predict', { model: 'ch\u0000urn', inputs: [row(0)] }, /model: contains a NUL character/],
    ['a 10,000-character model name', '/predict', { model: 'm'.repeat(10_000), inputs: [row(0)] }, /model: must be at most 256 characters/],
    ['a 300-character feature name', '/predict', { model: 'churn', inputs: [{ ['f'.repeat(300)]: 1 }] }, /inputs\.0: feature name #1 is longer than 256 characters/],
    ['a control character in a feature name', '/predict', { model: 'churn', inputs: [{ 'f\u00070': 1 }] }, /inputs\.0\.f.0: has a key that contains a control character \(U\+0007\)/],
    ['a row that is neither array nor object', '/predict', { model: 'churn', inputs: [7] }, /inputs\.0: expected an array of numbers or a \{feature: value\} object/],
    ['NUL in an OIP id', '/v2/models/churn/infer', { id: 'r\u0000', inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: row(0) }] }, /id: contains a NUL character/],
    ['NUL in the OIP routing key', '/v2/models/churn/infer', { parameters: { routing_key: 'poison\u0000' }, inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: row(0) }] }, /parameters.routing_key: contains a NUL character/],
    ['a control character in the OIP routing key', '/v2/models/churn/infer', { parameters: { routing_key: 'a\nb' }, inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: row(0) }] }, /parameters.routing_key: contains a control character \(U\+000A\)/],
    ['a control character in an OIP parameter name', '/v2/models/churn/infer', { parameters: { 'x\u0001': 1 }, inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: row(0) }] }, /parameters\.x.: has a key that contains a control character \(U\+0001\)/],
    ['NUL in an OIP input name', '/v2/models/churn/infer', { inputs: [{ name: 'in\u0000put', shape: [1, 8], datatype: 'FP32', data: row(0) }] }, /inputs.0.name: contains a NUL character/],
  ];
  it.each(cases)('%s: 400 naming the field, nothing logged', async (_name, p, body, message) => {
    const before = receiver.records.length;
    const res = await post(p, JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json');
    expect((JSON.parse(res.body) as { error: string }).error).toMatch(message);
    await w.worker.predictionLog!.flush();
    expect(receiver.records.length).toBe(before);
  });

  it('a lone surrogate escape anywhere is refused with its path', async () => {
    const res = await post('/predict', '{"model":"churn","inputs":[[1,2,3,4,5,6,7,8]],"extra":{"note":"\\ud800"}}');
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/extra\.note: contains an unpaired surrogate/);
  });

  it('after the poison request, normal predictions are answered and logged', async () => {
    expect((await post('/predict', JSON.stringify({ model: 'churn', inputs: [row(1)], routing_key: 'poison\u0000' }))).status).toBe(400);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => postJson(`${w.url}/predict`, { model: 'churn', inputs: [row(i)], routing_key: `user-${i}` })));
    expect(answers.map((a) => a.status)).toEqual(new Array(10).fill(200));
    await w.worker.predictionLog!.flush();
    const logged = new Set(receiver.records.map((r) => r.request_id));
    for (const a of answers) expect(logged.has(a.json.request_id as string)).toBe(true);
    expect(receiver.records.some((r) => r.routing_key?.includes('\u0000'))).toBe(false);
  });
});

describe('nesting and paths', () => {
  it('100,000 levels of nesting in a row: 400 before anything recurses, and the worker still serves', async () => {
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    const before = await errorRecords();
    for (const p of ['/predict', '/v2/models/churn/infer']) {
      const body = p === '/predict' ? `{"model":"churn","inputs":[${deep}]}` : `{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":${deep}}]}`;
      const res = await post(p, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatch(/nested more than 64 levels deep/);
    }
    expect(await errorRecords()).toBe(before);
    expect((await postJson(`${w.url}/predict`, { model: 'churn', inputs: [row(3)] })).status).toBe(200);
  });

  it.each([
    ['GET', '/v2/models/%zz/ready', /model name: malformed percent-encoding/],
    ['GET', '/v2/models/%E0%A4%A', /model name: malformed percent-encoding/],
    ['POST', '/v2/models/%/infer', /model name: malformed percent-encoding/],
    ['POST', '/v2/models/churn/versions/%zz/infer', /version: malformed percent-encoding/],
    ['GET', '/v2/models/a%00b/ready', /model name: contains a NUL character/],
    ['GET', `/v2/models/${'x'.repeat(5000)}`, /model name: must be at most 256 characters/],
    ['GET', '/v2/models/churn/versions/abc/ready', /version: 'abc' is not a positive integer version/],
    ['POST', '/v2/models/churn/versions/2147483648/infer', /version: '2147483648' is not a positive integer version/],
  ])('%s %.60s: 400 JSON', async (method, p, message) => {
    const res = await sendRaw(w.url, { method, path: p, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? Buffer.from('{}') : undefined });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json');
    expect((JSON.parse(res.body) as { error: string }).error).toMatch(message);
  });
});

describe('a refused request logs at most one record', () => {
  it('150 KB of 50,000 empty rows: 400, and no row reaches the log', async () => {
    const body = `{"model":"churn","inputs":[${new Array(50_000).fill('[]').join(',')}]}`;
    expect(body.length).toBeGreaterThan(150_000);
    const before = await errorRecords();
    const res = await post('/predict', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/inputs: 50000 rows is over the limit of 256 per request/);
    expect((await errorRecords()) - before).toBe(0);
  });

  it('a request refused after routing (its last row is bad) logs one error record, not one per row', async () => {
    const rows: unknown[] = Array.from({ length: 256 }, (_, i) => row(i));
    rows[255] = [1, 2, 3];
    const before = await errorRecords();
    const res = await post('/predict', JSON.stringify({ model: 'churn', inputs: rows }));
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/inputs\[255\]: expected 8 features, got 3/);
    expect((await errorRecords()) - before).toBeLessThanOrEqual(1);
  });

  it('an OIP request refused for its tensor logs at most one record', async () => {
    const before = await errorRecords();
    const data: unknown[] = Array.from({ length: 256 }, (_, i) => row(i));
    data[200] = [1, 'x', 3, 4, 5, 6, 7, 8];
    const res = await post('/v2/models/churn/infer', JSON.stringify({ inputs: [{ name: 'input', shape: [256, 8], datatype: 'FP32', data }] }));
    expect(res.status).toBe(400);
    expect((await errorRecords()) - before).toBeLessThanOrEqual(1);
  });
});

describe('admission', () => {
  it('answers 429 with Retry-After before validating rows the queue cannot take, and logs nothing for it', async () => {
    const tight = await startWorker({ logUrl: `http://127.0.0.1:${receiver.port}`, config: { queueLimitRows: 8, maxRowsPerRequest: 64 } });
    try {
      tight.source.put('churn', 1, m1.bytes);
      await tight.worker.applyDesiredState(state('r1', 'churn', [desiredVersion(1, m1, 10_000)]));
      const before = receiver.records.length;
      // 16 rows never fit an 8-row queue: refused on the count alone (the rows are not even valid).
      const res = await sendRaw(tight.url, { method: 'POST', path: '/predict', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ model: 'churn', inputs: new Array(16).fill('not a row') })) });
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      const oip = await sendRaw(tight.url, { method: 'POST', path: '/v2/models/churn/infer', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [16, 8], datatype: 'FP32', data: [] }] })) });
      expect(oip.status).toBe(429);
      expect((await postJson(`${tight.url}/predict`, { model: 'churn', inputs: [row(1), row(2)] })).status).toBe(200);
      await tight.worker.predictionLog!.flush();
      expect(receiver.records.slice(before).filter((r) => r.error !== null)).toEqual([]);
      expect(metricValue(await (await fetch(`${tight.url}/metrics`)).text(), 'ballast_worker_bad_requests_total', { reason: 'queue_full' })).toBe(2);
    } finally {
      await tight.close();
    }
  });

  it('while the queue is full a request waits unread at the gate, then gets 429 without its body ever being read', async () => {
    const gated = await startWorker({ config: { queueLimitRows: 32, maxBatchSize: 64, batchWindowMs: 1500, admissionWaitMs: 100 } });
    try {
      gated.source.put('churn', 1, m1.bytes);
      await gated.worker.applyDesiredState(state('r1', 'churn', [desiredVersion(1, m1, 10_000)]));
      // 32 rows wait out the batch window: the queue is full.
      const filling = postJson(`${gated.url}/predict`, { model: 'churn', inputs: Array.from({ length: 32 }, (_, i) => row(i)) });
      await waitFor(async () => metricValue(await (await fetch(`${gated.url}/metrics`)).text(), 'ballast_worker_queue_depth_rows') === 32, '32 queued rows');
      const url = new URL(gated.url);
      // Headers and a tenth of the body: a worker that read bodies before admitting would wait for the rest.
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => socket.write('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":"churn",'));
        let got = '';
        socket.on('data', (d: Buffer) => {
          got += d.toString();
          if (got.includes('\r\n\r\n')) {
            socket.destroy();
            resolve(got);
          }
        });
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 429 /);
      expect(answer).toMatch(/retry-after: 1/i);
      expect((await filling).status).toBe(200);
    } finally {
      await gated.close();
    }
  });
});

describe('timeouts', () => {
  it('a request whose body stalls after its headers gets 408 and the connection closes', async () => {
    const url = new URL(w.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":"churn",');
      });
      let got = '';
      socket.on('data', (d: Buffer) => (got += d.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
      socket.setTimeout(20_000, () => socket.destroy(new Error('no answer: the stalled body was never timed out')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect((await postJson(`${w.url}/predict`, { model: 'churn', inputs: [row(5)] })).status).toBe(200);
  });
});

describe('readiness', () => {
  it('is false while a configured model is unresolved or failed, and /health names it', async () => {
    const m2 = model(22);
    const r = await startWorker({ config: { expectedModels: ['churn', 'fraud'] } });
    try {
      r.source.put('churn', 1, m1.bytes).put('fraud', 1, m2.bytes);
      const ready = async () => (await fetch(`${r.url}/v2/health/ready`)).status;
      const health = async () => (await (await fetch(`${r.url}/health`)).json()) as { status: string; ready: boolean; not_serving: string[]; unresolved: { ref: string }[] };
      expect(await ready()).toBe(400); // nothing loaded yet
      const onlyChurn = { ...state('r1', 'churn', [desiredVersion(1, m1, 10_000)]), unresolved: [{ ref: 'fraud@production', reason: 'no version in production' }] };
      await r.worker.applyDesiredState(onlyChurn);
      expect(await ready()).toBe(400);
      expect(await health()).toMatchObject({ status: 'starting', ready: false, not_serving: ['fraud'], unresolved: [{ ref: 'fraud@production' }] });
      // fraud resolves to a version whose golden example fails its check: still not serving.
      const broken = { ...desiredVersion(1, m2, 10_000), golden: [{ input: row(0), expected: [1, 0, 0], tolerance: 1e-9 }] };
      const both = (rev: string, fraudVersion: typeof broken) => ({ ...onlyChurn, revision: rev, unresolved: [], models: [...onlyChurn.models, { name: 'fraud', ref: 'fraud@production', versions: [fraudVersion] }] });
      expect((await r.worker.applyDesiredState(both('r2', broken))).failures.length).toBe(1);
      expect(await ready()).toBe(400);
      expect((await health()).not_serving).toEqual(['fraud']);
      r.source.put('fraud', 2, m2.bytes);
      expect((await r.worker.applyDesiredState(both('r3', desiredVersion(2, m2, 10_000)))).failures).toEqual([]);
      expect(await ready()).toBe(200);
      expect(await health()).toMatchObject({ status: 'ok', ready: true, not_serving: [], unresolved: [] });
      r.worker.markStopping();
      expect(await ready()).toBe(400);
      expect((await postJson(`${r.url}/predict`, { model: 'fraud', inputs: [row(1)] })).status).toBe(200); // still answering
    } finally {
      await r.close();
    }
  });
});

describe('model cache', () => {
  it('two models whose versions share one ONNX file, loaded together into an empty cache, both serve', async () => {
    const inner = new MemoryModelSource().put('churn', 1, m1.bytes).put('churn-shadow', 4, m1.bytes);
    const source = new DiskCachedSource(inner, path.join(tempDir('shared-cache'), 'models'));
    const worker = createWorker({ ...testConfig(), expectedModels: ['churn', 'churn-shadow'] }, { source, ship: null, log: () => undefined });
    try {
      const port = await worker.listen(0, '127.0.0.1');
      const desired = state('r1', 'churn', [desiredVersion(1, m1, 10_000)]);
      desired.models.push({ name: 'churn-shadow', ref: 'churn-shadow@production', versions: [desiredVersion(4, m1, 10_000)] });
      expect((await worker.applyDesiredState(desired)).failures).toEqual([]);
      expect(worker.registry.all().map((e) => e.state)).toEqual(['ready', 'ready']);
      expect((await fetch(`http://127.0.0.1:${port}/v2/health/ready`)).status).toBe(200);
      expect(inner.fetches.length).toBe(2);
    } finally {
      await worker.shutdown();
    }
  });
});
