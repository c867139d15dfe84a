import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mlflow from '@/app/api/2.0/mlflow/[...path]/route';
import { makeToken, testDb } from '../testing/fixtures';
import { sendRaw } from '../testing/fuzz/send-raw';
import { startRouteServer, type TRouteServer } from '../testing/route-server';
import { readMlflowJson } from './mlflow-wire';

/*
 * The MLflow surface refuses bad input with MLflow's INVALID_PARAMETER_VALUE (400, naming the
 * field) instead of letting PostgreSQL fail the statement: NUL and control characters, integers
 * past their columns, MLflow's own length limits, set-tag validated like log-batch tags, bodies
 * capped while they stream, invalid UTF-8, and concurrent creates of one name.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let server: TRouteServer;
let auth: Record<string, string>;
let experimentId: string;
let runId: string;
const MODEL = 'hardening-model';

async function call(method: 'GET' | 'POST' | 'DELETE', endpoint: string, body: Json): Promise<{ status: number; json: Json }> {
  let path = `/api/2.0/mlflow/${endpoint}`;
  let payload: Buffer | undefined;
  if (method === 'GET') path += `?${new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]))}`;
  else payload = Buffer.from(JSON.stringify(body));
  const res = await sendRaw(server.url, { method, path, headers: { ...auth, 'content-type': 'application/json' }, body: payload });
  return { status: res.status, json: JSON.parse(res.body) as Json };
}
const post = (endpoint: string, body: Json) => call('POST', endpoint, body);
const get = (endpoint: string, query: Json) => call('GET', endpoint, query);

beforeAll(async () => {
  // An admin token: renaming and tagging a registered model are owner actions (model:approve).
  auth = (await makeToken('admin', ['admin'])).bearer;
  server = await startRouteServer({ '/api/2.0/mlflow/[...path]': mlflow });
  experimentId = (await post('experiments/create', { name: 'hardening' })).json.experiment_id;
  runId = (await post('runs/create', { experiment_id: experimentId, start_time: 1_700_000_000_000 })).json.run.info.run_id;
  expect((await post('registered-models/create', { name: MODEL })).status).toBe(200);
  expect((await post('model-versions/create', { name: MODEL, source: 'mem://m' })).status).toBe(200);
});
afterAll(() => server?.close());

const invalid = (field: RegExp) => ({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(field) } });

describe('MLflow REST: no 5xx for bad input', () => {
  it('integers past their columns are refused naming the field', async () => {
    expect(await get('model-versions/get', { name: MODEL, version: '2147483648' })).toMatchObject(invalid(/version: must be at most 2147483647/));
    expect(await get('model-versions/get', { name: MODEL, version: '99999999999999999999' })).toMatchObject(invalid(/version: /));
    expect(await post('runs/update', { run_id: runId, end_time: 1e30 })).toMatchObject(invalid(/end_time: must be an integer/));
    expect(await post('runs/update', { run_id: runId, end_time: '100000000000000000000' })).toMatchObject(invalid(/end_time: /));
    expect(await post('runs/log-metric', { run_id: runId, key: 'm', value: 1, timestamp: 1, step: '-99999999999999999999' })).toMatchObject(invalid(/step: must be at least/));
    expect(await post('runs/log-metric', { run_id: runId, key: 'm', value: 1, timestamp: 1, step: -1e30 })).toMatchObject(invalid(/step: /));
    for (const max of ['1e9', '-5', '0', '1.5', '99999999999999999999999', 'abc']) {
      expect(await get('registered-models/search', { max_results: max }), max).toMatchObject(invalid(/max_results: /));
      expect(await post('runs/search', { experiment_ids: [experimentId], max_results: max }), max).toMatchObject(invalid(/max_results: /));
    }
    expect((await post('runs/update', { run_id: runId, end_time: 1_700_000_000_500 })).status).toBe(200);
  });

  it('NUL and control characters are refused with a 400 naming the field, wherever they are', async () => {
    expect(await post('experiments/create', { name: 'evil\u0000' })).toMatchObject(invalid(/'name': contains a NUL character/));
    expect(await post('runs/set-tag', { run_id: runId, key: 'k', value: 'v\u0000' })).toMatchObject(invalid(/'value': contains a NUL/));
    expect(await post('runs/log-batch', { run_id: runId, params: [{ key: 'p', value: 'x' }], tags: [{ key: 't', value: 'a\u0000' }] })).toMatchObject(invalid(/'tags\.0\.value'/));
    expect(await get('registered-models/get', { name: 'a\u0000b' })).toMatchObject(invalid(/'name': contains a NUL/));
    expect(await post('registered-models/create', { name: 'bell\u0007' })).toMatchObject(invalid(/'name': contains a control character \(U\+0007\)/));
    expect(await post('runs/update', { run_id: runId, run_name: 'a\u0000' })).toMatchObject(invalid(/run_name/));
    expect(await post('experiments/create', { name: 'lone', tags: [{ key: 'k', value: '\ud800' }] })).toMatchObject(invalid(/unpaired surrogate/));
  });

  it("set-tag on runs, experiments, models and versions validates like log-batch: MLflow's key rule and limits", async () => {
    const setters: [string, Json][] = [
      ['runs/set-tag', { run_id: runId }],
      ['experiments/set-experiment-tag', { experiment_id: experimentId }],
      ['registered-models/set-tag', { name: MODEL }],
      ['model-versions/set-tag', { name: MODEL, version: '1' }],
    ];
    for (const [endpoint, target] of setters) {
      expect(await post(endpoint, { ...target, key: 'k'.repeat(10_000), value: 'v' }), endpoint).toMatchObject(invalid(/key: must be at most 250 characters/));
      expect(await post(endpoint, { ...target, key: 'a\r\nInjected: 1', value: 'v' }), endpoint).toMatchObject(invalid(/key: /));
      expect(await post(endpoint, { ...target, key: '../escape', value: 'v' }), endpoint).toMatchObject(invalid(/key: must not be a path that escapes/));
      expect(await post(endpoint, { ...target, key: 'big', value: 'x'.repeat(1 << 20) }), endpoint).toMatchObject(invalid(/value: must be at most (5000|8000) characters/));
      expect((await post(endpoint, { ...target, key: 'team', value: 'ok' })).status, endpoint).toBe(200);
    }
    // MLflow's own limits: run tag 8,000, experiment / registry tag 5,000, param 6,000, key 250.
    expect((await post('runs/set-tag', { run_id: runId, key: 'long', value: 'é'.repeat(8000) })).status).toBe(200);
    expect(await post('runs/set-tag', { run_id: runId, key: 'long', value: 'é'.repeat(8001) })).toMatchObject(invalid(/8000/));
    expect(await post('registered-models/set-tag', { name: MODEL, key: 'long', value: 'x'.repeat(5001) })).toMatchObject(invalid(/5000/));
    // A param of MLflow's full 6,000 characters is stored, even where it cannot compress (no btree on the value).
    const incompressible = Array.from({ length: 6000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join('');
    expect((await post('runs/log-parameter', { run_id: runId, key: 'wide', value: incompressible })).status).toBe(200);
    expect(await post('runs/log-parameter', { run_id: runId, key: 'wider', value: 'x'.repeat(6001) })).toMatchObject(invalid(/6000/));
    expect(await post('experiments/create', { name: 'e'.repeat(501) })).toMatchObject(invalid(/name: must be at most 500/));
    const stored = await testDb().db.runParam.findUniqueOrThrow({ where: { runId_key: { runId: runId.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'), key: 'wide' } } });
    expect(stored.value).toBe(incompressible);
  });

  it('a body over 16 MiB is refused with 413 while it streams, chunked or not; invalid UTF-8 is a 400', async () => {
    const huge = Buffer.from(JSON.stringify({ name: 'x'.repeat(17 << 20) }));
    for (const chunked of [false, true]) {
      const res = await sendRaw(server.url, { method: 'POST', path: '/api/2.0/mlflow/experiments/create', headers: { ...auth, 'content-type': 'application/json' }, body: huge, chunked }).catch((err) => err);
      if (res instanceof Error) expect((res as { closedEarly?: boolean }).closedEarly).toBe(true);
      else expect({ status: res.status, code: JSON.parse(res.body).error_code }).toEqual({ status: 413, code: 'RESOURCE_LIMIT_EXCEEDED' });
    }
    const bad = await sendRaw(server.url, {
      method: 'POST',
      path: '/api/2.0/mlflow/experiments/create',
      headers: { ...auth, 'content-type': 'application/json' },
      body: Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    });
    expect({ status: bad.status, json: JSON.parse(bad.body) }).toMatchObject({ status: 400, json: { error_code: 'MALFORMED_REQUEST', message: expect.stringMatching(/UTF-8/) } });
  });

  it('readMlflowJson stops reading an endless chunked body at the limit', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1 << 20;
        controller.enqueue(new Uint8Array(1 << 20).fill(0x20));
      },
    });
    const request = new Request('http://localhost/api/2.0/mlflow/runs/create', { method: 'POST', body: endless, duplex: 'half' } as RequestInit);
    await expect(readMlflowJson(request, 16 << 20)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(pulled).toBeLessThanOrEqual(20 << 20);
  });

  it('concurrent creates of one name: one succeeds, the others answer RESOURCE_ALREADY_EXISTS (never a 500)', async () => {
    for (const [endpoint, body] of [
      ['experiments/create', { name: 'race-experiment' }],
      ['registered-models/create', { name: 'race-model' }],
    ] as const) {
      const answers = await Promise.all(Array.from({ length: 8 }, () => post(endpoint, body)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses, endpoint).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
      for (const a of answers.filter((x) => x.status === 400)) expect(a.json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    }
    // Versions of one model created at once get distinct numbers, or a clean refusal.
    const versions = await Promise.all(Array.from({ length: 6 }, () => post('model-versions/create', { name: MODEL, source: 'mem://m' })));
    expect(versions.every((v) => v.status < 500)).toBe(true);
    const numbers = versions.filter((v) => v.status === 200).map((v) => v.json.model_version.version);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});
