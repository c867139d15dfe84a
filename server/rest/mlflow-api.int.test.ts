import { encode } from 'next-auth/jwt';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as ajax from '@/app/ajax-api/2.0/mlflow/[...path]/route';
import * as mlflow from '@/app/api/2.0/mlflow/[...path]/route';
import * as proxy from '@/app/api/2.0/mlflow-artifacts/artifacts/[[...path]]/route';
import { makeToken, makeUser, testDb } from '../testing/fixtures';

// Artifacts go to a scratch directory, with a small size limit so the 413 path is cheap to reach.
vi.hoisted(() => {
  process.env.BALLAST_ARTIFACT_MAX_BYTES = String(256 * 1024);
});

const BASE = 'http://localhost:3000';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let auth: Record<string, string>;
let viewer: Record<string, string>;

async function call(method: 'GET' | 'POST', endpoint: string, body?: unknown, headers = auth, api = mlflow, prefix = '/api/2.0/mlflow/'): Promise<{ status: number; json: Json }> {
  let url = `${BASE}${prefix}${endpoint}`;
  let init: RequestInit = { method, headers };
  if (method === 'GET' && body) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(body as Json)) for (const item of [v].flat()) q.append(k, String(item));
    url += `?${q}`;
  } else if (body !== undefined) {
    init = { method, headers: { ...headers, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) };
  }
  const res = await (method === 'GET' ? api.GET : api.POST)(new Request(url, init));
  return { status: res.status, json: (await res.json()) as Json };
}
const post = (endpoint: string, body: unknown, headers = auth) => call('POST', endpoint, body, headers);
const get = (endpoint: string, query: unknown, headers = auth) => call('GET', endpoint, query, headers);

let seq = 0;
async function newExperiment(): Promise<string> {
  const res = await post('experiments/create', { name: `exp-${Date.now()}-${seq++}` });
  expect(res.status).toBe(200);
  return res.json.experiment_id as string;
}
async function newRun(experimentId: string, extra: Json = {}): Promise<Json> {
  const res = await post('runs/create', { experiment_id: experimentId, start_time: 1_700_000_000_000 + seq++, ...extra });
  expect(res.status).toBe(200);
  return res.json.run;
}

const CONFIG_YAML = `model:
  architecture: resnet50
optimizer:
  name: adamw
  learning_rate: 0.001
lr_schedule:
  name: cosine
batch_size_per_device: 32
device_count: 4
gradient_accumulation_steps: 2
max_epochs: 10
seed: 42
datasets:
  - name: imagenet-1k
    version: md5:d41d8cd98f00b204e9800998ecf8427e
`;

beforeAll(async () => {
  auth = (await makeToken('engineer', ['ingest'])).bearer;
  const person = await makeUser('viewer');
  const session = await encode({ token: { sub: person.id, email: person.email }, secret: process.env.NEXTAUTH_SECRET! });
  viewer = { cookie: `next-auth.session-token=${session}`, origin: BASE };
});

describe('MLflow API: authentication', () => {
  it('401 UNAUTHENTICATED without credentials, 401 for an unknown token', async () => {
    const anonymous = await post('experiments/create', { name: 'x' }, {});
    expect(anonymous).toMatchObject({ status: 401, json: { error_code: 'UNAUTHENTICATED', message: expect.stringMatching(/Bearer/) } });
    const unknown = await get('experiments/get', { experiment_id: '0' }, { authorization: 'Bearer blt_not-a-token-xxxxxxxxxxxxxxxxxx' });
    expect(unknown).toMatchObject({ status: 401, json: { error_code: 'UNAUTHENTICATED' } });
  });

  it('viewer credentials read (200) but cannot write (403 PERMISSION_DENIED), and nothing is written', async () => {
    expect((await get('experiments/get', { experiment_id: '0' }, viewer)).status).toBe(200);
    const before = await testDb().db.experiment.count();
    const denied = await post('experiments/create', { name: 'viewer-made' }, viewer);
    expect(denied).toMatchObject({ status: 403, json: { error_code: 'PERMISSION_DENIED', message: expect.stringMatching(/experiment:write/) } });
    expect(await testDb().db.experiment.count()).toBe(before);
  });

  it('unknown endpoints answer 404 ENDPOINT_NOT_FOUND', async () => {
    expect(await post('runs/teleport', {})).toMatchObject({ status: 404, json: { error_code: 'ENDPOINT_NOT_FOUND' } });
    expect(await get('runs/log-batch', {})).toMatchObject({ status: 404, json: { error_code: 'ENDPOINT_NOT_FOUND' } });
  });
});

describe('MLflow API: experiments', () => {
  it('create, get, get-by-name, update, set-experiment-tag, delete, restore', async () => {
    const name = `exp-lifecycle-${Date.now()}`;
    const created = await post('experiments/create', { name, tags: [{ key: 'team', value: 'vision' }] });
    expect(created.status).toBe(200);
    const id = created.json.experiment_id;
    expect(id).toMatch(/^\d+$/);

    const fetched = await get('experiments/get', { experiment_id: id });
    expect(fetched.json.experiment).toEqual({
      experiment_id: id,
      name,
      artifact_location: `mlflow-artifacts:/${id}`,
      lifecycle_stage: 'active',
      creation_time: expect.any(Number),
      last_update_time: expect.any(Number),
      tags: [{ key: 'team', value: 'vision' }],
    });
    expect((await get('experiments/get-by-name', { experiment_name: name })).json.experiment.experiment_id).toBe(id);

    expect(await post('experiments/update', { experiment_id: id, new_name: `${name}-renamed` })).toEqual({ status: 200, json: {} });
    expect(await post('experiments/set-experiment-tag', { experiment_id: id, key: 'team', value: 'nlp' })).toEqual({ status: 200, json: {} });
    const renamed = (await get('experiments/get', { experiment_id: id })).json.experiment;
    expect(renamed).toMatchObject({ name: `${name}-renamed`, tags: [{ key: 'team', value: 'nlp' }] });

    expect((await post('experiments/delete', { experiment_id: id })).status).toBe(200);
    expect((await get('experiments/get', { experiment_id: id })).json.experiment.lifecycle_stage).toBe('deleted');
    expect((await post('experiments/restore', { experiment_id: id })).status).toBe(200);
    expect((await get('experiments/get', { experiment_id: id })).json.experiment.lifecycle_stage).toBe('active');
  });

  it('the Default experiment 0 exists', async () => {
    expect((await get('experiments/get', { experiment_id: '0' })).json.experiment).toMatchObject({ experiment_id: '0', name: 'Default' });
  });

  it('errors in MLflow shape: unknown id or name 404, duplicate name 400 RESOURCE_ALREADY_EXISTS, missing field 400', async () => {
    expect(await get('experiments/get', { experiment_id: '987654' })).toEqual({
      status: 404,
      json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=987654 exists' },
    });
    expect((await get('experiments/get-by-name', { experiment_name: 'nope-nope' })).json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const name = `dup-${Date.now()}`;
    await post('experiments/create', { name });
    expect(await post('experiments/create', { name })).toMatchObject({ status: 400, json: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    expect(await post('experiments/create', {})).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/name/) } });
    expect(await post('experiments/create', '{"name": ')).toMatchObject({ status: 400, json: { error_code: 'MALFORMED_REQUEST' } });
  });

  it('search: filter, order_by, max_results and page_token, over GET and POST, and under /ajax-api too', async () => {
    const stem = `search-${Date.now()}`;
    for (const suffix of ['a', 'b', 'c']) await post('experiments/create', { name: `${stem}-${suffix}`, tags: [{ key: 'k', value: suffix }] });
    const first = await post('experiments/search', { filter: `name LIKE '${stem}-%'`, order_by: ['name DESC'], max_results: 2 });
    expect(first.json.experiments.map((e: Json) => e.name)).toEqual([`${stem}-c`, `${stem}-b`]);
    expect(first.json.next_page_token).toEqual(expect.any(String));
    const second = await get('experiments/search', { filter: `name LIKE '${stem}-%'`, order_by: 'name DESC', max_results: 2, page_token: first.json.next_page_token });
    expect(second.json.experiments.map((e: Json) => e.name)).toEqual([`${stem}-a`]);
    expect(second.json.next_page_token).toBeUndefined();
    const byTag = await call('POST', 'experiments/search', { filter: `tags.k = 'b' AND name ILIKE '${stem.toUpperCase()}%'` }, auth, ajax, '/ajax-api/2.0/mlflow/');
    expect(byTag.json.experiments.map((e: Json) => e.name)).toEqual([`${stem}-b`]);
  });
});

describe('MLflow API: runs', () => {
  it('create and get in MLflow shape; mlflow.user -> engineer, git commit -> code version', async () => {
    const exp = await newExperiment();
    const run = await newRun(exp, {
      run_name: 'baseline',
      user_id: 'ada',
      tags: [
        { key: 'mlflow.source.git.commit', value: 'a1b2c3d' },
        { key: 'mlflow.user', value: 'ada' },
      ],
    });
    expect(run.info).toEqual({
      run_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      run_uuid: run.info.run_id,
      run_name: 'baseline',
      experiment_id: exp,
      user_id: 'ada',
      status: 'RUNNING',
      start_time: expect.any(Number),
      artifact_uri: `mlflow-artifacts:/${exp}/${run.info.run_id}/artifacts`,
      lifecycle_stage: 'active',
    });
    expect(run.data).toEqual({
      metrics: [],
      params: [],
      tags: expect.arrayContaining([
        { key: 'mlflow.runName', value: 'baseline' },
        { key: 'mlflow.user', value: 'ada' },
      ]),
    });
    expect(run.inputs).toEqual({ dataset_inputs: [] });
    const got = await get('runs/get', { run_id: run.info.run_id });
    expect(got.json.run.info).toEqual(run.info);
    const row = await testDb().db.run.findFirstOrThrow({ where: { name: 'baseline', experimentId: Number(exp) } });
    expect(row).toMatchObject({ engineer: 'ada', gitCommit: 'a1b2c3d' });
  });

  it('update, delete and restore; unknown runs are 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const exp = await newExperiment();
    const run = await newRun(exp);
    const updated = await post('runs/update', { run_id: run.info.run_id, status: 'FINISHED', end_time: 1_700_000_100_000, run_name: 'renamed' });
    expect(updated.json.run_info).toMatchObject({ status: 'FINISHED', end_time: 1_700_000_100_000, run_name: 'renamed' });
    expect((await post('runs/delete', { run_id: run.info.run_id })).status).toBe(200);
    expect((await get('runs/get', { run_id: run.info.run_id })).json.run.info.lifecycle_stage).toBe('deleted');
    expect((await post('runs/log-metric', { run_id: run.info.run_id, key: 'x', value: 1, timestamp: 1 })).status).toBe(400);
    expect((await post('runs/restore', { run_id: run.info.run_id })).status).toBe(200);
    expect((await get('runs/get', { run_id: run.info.run_id })).json.run.info.lifecycle_stage).toBe('active');

    for (const runId of ['0123456789abcdef0123456789abcdef', 'not-a-run']) {
      expect(await get('runs/get', { run_id: runId })).toEqual({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run with id=${runId} not found` } });
    }
    expect((await post('runs/log-batch', { run_id: '0123456789abcdef0123456789abcdef', metrics: [] })).json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await post('runs/create', { experiment_id: '424242' })).status).toBe(404);
  });

  it('log-metric appends, log-parameter is immutable, set-tag overwrites, delete-tag removes', async () => {
    const exp = await newExperiment();
    const runId = (await newRun(exp)).info.run_id;
    expect(await post('runs/log-metric', { run_id: runId, key: 'loss', value: 0.9, timestamp: 1000, step: 0 })).toEqual({ status: 200, json: {} });
    // int64 fields as strings, as protobuf's JSON mapping writes them.
    await post('runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: '2000', step: '1' });
    expect(await post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.01' })).toEqual({ status: 200, json: {} });
    expect((await post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.01' })).status).toBe(200);
    const conflict = await post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.02' });
    expect(conflict).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/Changing param values is not allowed.*value='0.01'/) } });
    await post('runs/set-tag', { run_id: runId, key: 'model', value: 'resnet' });
    await post('runs/set-tag', { run_id: runId, key: 'model', value: 'vit' });
    await post('runs/set-tag', { run_id: runId, key: 'gone', value: 'soon' });
    expect(await post('runs/delete-tag', { run_id: runId, key: 'gone' })).toEqual({ status: 200, json: {} });
    expect((await post('runs/delete-tag', { run_id: runId, key: 'gone' })).json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');

    const run = (await get('runs/get', { run_id: runId })).json.run;
    expect(run.data.params).toEqual([{ key: 'lr', value: '0.01' }]);
    expect(run.data.metrics).toEqual([{ key: 'loss', value: 0.5, timestamp: 2000, step: 1 }]);
    expect(run.data.tags).toContainEqual({ key: 'model', value: 'vit' });
    expect(run.data.tags.find((t: Json) => t.key === 'gone')).toBeUndefined();
    const history = await get('metrics/get-history', { run_id: runId, metric_key: 'loss' });
    expect(history.json.metrics).toEqual([
      { key: 'loss', value: 0.9, timestamp: 1000, step: 0 },
      { key: 'loss', value: 0.5, timestamp: 2000, step: 1 },
    ]);
  });

  it('NaN and ±Infinity are stored and returned as MLflow does ("NaN", "Infinity", "-Infinity")', async () => {
    const exp = await newExperiment();
    const runId = (await newRun(exp)).info.run_id;
    await post('runs/log-metric', { run_id: runId, key: 'm', value: 'NaN', timestamp: 1, step: 0 });
    await post('runs/log-metric', { run_id: runId, key: 'm', value: 'Infinity', timestamp: 2, step: 1 });
    // Python's json.dumps writes bare tokens; they are accepted too.
    const bare = await post('runs/log-batch', `{"run_id": "${runId}", "metrics": [{"key": "m", "value": -Infinity, "timestamp": 3, "step": 2}, {"key": "m", "value": NaN, "timestamp": 4, "step": 3}]}`);
    expect(bare.status).toBe(200);
    const history = await get('metrics/get-history', { run_id: runId, metric_key: 'm' });
    expect(history.json.metrics.map((m: Json) => m.value)).toEqual(['NaN', 'Infinity', '-Infinity', 'NaN']);
    const run = (await get('runs/get', { run_id: runId })).json.run;
    expect(run.data.metrics).toEqual([{ key: 'm', value: 'NaN', timestamp: 4, step: 3 }]);
    const rows = await testDb().db.$queryRawUnsafe<{ v: string }[]>(`SELECT value::text AS v FROM metrics WHERE key = 'm' ORDER BY step`);
    expect(rows.map((r) => r.v)).toEqual(['NaN', 'Infinity', '-Infinity', 'NaN']);
  });

  it('log-batch stores metrics, params and tags together', async () => {
    const exp = await newExperiment();
    const runId = (await newRun(exp)).info.run_id;
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: i % 2 ? 'acc' : 'loss', value: i / 1000, timestamp: 1000 + i, step: i }));
    const res = await post('runs/log-batch', { run_id: runId, metrics: metrics.slice(0, 900), params: [{ key: 'bs', value: '32' }], tags: [{ key: 'dataset', value: 'imagenet' }] });
    expect(res).toEqual({ status: 200, json: {} });
    const run = (await get('runs/get', { run_id: runId })).json.run;
    expect(run.data.metrics).toEqual([
      { key: 'acc', value: 0.899, timestamp: 1899, step: 899 },
      { key: 'loss', value: 0.898, timestamp: 1898, step: 898 },
    ]);
    const page1 = await get('metrics/get-history', { run_id: runId, metric_key: 'loss', max_results: 400 });
    expect(page1.json.metrics).toHaveLength(400);
    const page2 = await get('metrics/get-history', { run_id: runId, metric_key: 'loss', max_results: 400, page_token: page1.json.next_page_token });
    expect(page2.json.metrics).toHaveLength(50);
    expect(page2.json.next_page_token).toBeUndefined();
    expect(page2.json.metrics[0].step).toBe(800);
  });

  it('log-batch over a limit, or with any invalid item or param conflict, is a 400 and stores nothing', async () => {
    const exp = await newExperiment();
    const runId = (await newRun(exp)).info.run_id;
    await post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' });
    const metric = (i: number) => ({ key: 'loss', value: i, timestamp: i, step: i });
    const cases: Json[] = [
      { metrics: Array.from({ length: 1001 }, (_, i) => metric(i)) },
      { params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' })) },
      { tags: Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: 'v' })) },
      { metrics: Array.from({ length: 950 }, (_, i) => metric(i)), params: Array.from({ length: 51 }, (_, i) => ({ key: `p${i}`, value: 'v' })) },
      { metrics: [metric(1), { key: 'loss', value: 'fast', timestamp: 2 }], tags: [{ key: 'ok', value: 'v' }] },
      { metrics: [metric(1)], params: [{ key: '../escape', value: 'v' }] },
      { metrics: [metric(1)], params: [{ key: 'lr', value: '0.2' }], tags: [{ key: 'ok', value: 'v' }] },
      { metrics: [metric(1)], params: [{ key: 'ballast.config', value: 'model: {architecture: x}' }] },
    ];
    for (const body of cases) {
      const res = await post('runs/log-batch', { run_id: runId, ...body });
      expect(res.status, JSON.stringify(res.json)).toBe(400);
      expect(res.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect((await post('runs/log-batch', { run_id: runId, ...cases[0] })).json.message).toMatch(/at most 1000 metrics/);
    const run = (await get('runs/get', { run_id: runId })).json.run;
    expect(run.data.metrics).toEqual([]);
    expect(run.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(run.data.tags.find((t: Json) => t.key === 'ok')).toBeUndefined();
    expect(await testDb().db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM metrics WHERE run_id = '${runId}'::uuid`)).toEqual([{ n: 0n }]);
  });

  it('the ballast.config param sets the TrainingConfig; a bad one is a 400 naming the field', async () => {
    const exp = await newExperiment();
    const runId = (await newRun(exp)).info.run_id;
    const bad = await post('runs/log-parameter', { run_id: runId, key: 'ballast.config', value: CONFIG_YAML.replace('batch_size_per_device: 32', 'batch_size_per_device: many') });
    expect(bad).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/batch_size_per_device must be/) } });
    const missing = await post('runs/log-parameter', { run_id: runId, key: 'ballast.config', value: CONFIG_YAML.replace('max_epochs: 10\n', '') });
    expect(missing.json.message).toMatch(/max_epochs required/);
    expect(await post('runs/log-parameter', { run_id: runId, key: 'ballast.config', value: CONFIG_YAML })).toEqual({ status: 200, json: {} });
    const row = await testDb().db.run.findFirstOrThrow({ where: { experimentId: Number(exp) } });
    expect(row).toMatchObject({ effectiveBatchSize: 256, seed: 42n, configHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(row.configYaml).toContain('batch_size_per_device: 32');
    // The config's dataset reference becomes lineage.
    const run = (await get('runs/get', { run_id: runId })).json.run;
    expect(run.inputs.dataset_inputs[0].dataset).toMatchObject({ name: 'imagenet-1k', source: 'md5:d41d8cd98f00b204e9800998ecf8427e' });
  });

  it('search: filters on metrics, params, tags and attributes; order_by; max_results and page_token', async () => {
    const exp = await newExperiment();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const runId = (await newRun(exp, { run_name: `r${i}` })).info.run_id;
      ids.push(runId);
      await post('runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'acc', value: i / 10, timestamp: 1, step: 0 }],
        params: [{ key: 'opt', value: i % 2 ? 'adam' : 'sgd' }],
        tags: [{ key: 'mlflow.user', value: i < 3 ? 'ada' : 'bob' }],
      });
    }
    await post('runs/update', { run_id: ids[4], status: 'FAILED' });
    const names = async (body: Json) => {
      const res = await post('runs/search', { experiment_ids: [exp], ...body });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      return (res.json.runs ?? []).map((r: Json) => r.info.run_name);
    };
    expect(await names({ filter: 'metrics.acc > 0.15', order_by: ['metrics.acc DESC'] })).toEqual(['r4', 'r3', 'r2']);
    expect(await names({ filter: "params.opt = 'adam'", order_by: ['attributes.run_name'] })).toEqual(['r1', 'r3']);
    expect(await names({ filter: `tags."mlflow.user" = 'bob' AND metrics.acc <= 0.3`, order_by: ['params.opt ASC'] })).toEqual(['r3']);
    expect(await names({ filter: "attributes.status = 'FAILED'" })).toEqual(['r4']);
    expect(await names({ filter: "attributes.run_name LIKE 'r%' AND params.opt != 'adam'", order_by: ['metrics.acc ASC'] })).toEqual(['r0', 'r2', 'r4']);
    expect(await names({ filter: "tags.mlflow.user ILIKE 'ADA'", order_by: ['attributes.start_time DESC'] })).toEqual(['r2', 'r1', 'r0']);
    expect(await names({ filter: `attributes.run_id IN ('${ids[0]}', '${ids[1]}')`, order_by: ['run_name'] })).toEqual(['r0', 'r1']);
    expect(await names({ filter: 'attributes.start_time >= 0 AND metrics.acc != 0.2', order_by: ['metrics.acc DESC'] })).toEqual(['r4', 'r3', 'r1', 'r0']);

    const page1 = await post('runs/search', { experiment_ids: [exp], max_results: 3, order_by: ['metrics.acc ASC'] });
    expect(page1.json.runs.map((r: Json) => r.info.run_name)).toEqual(['r0', 'r1', 'r2']);
    const page2 = await post('runs/search', { experiment_ids: [exp], max_results: 3, order_by: ['metrics.acc ASC'], page_token: page1.json.next_page_token });
    expect(page2.json.runs.map((r: Json) => r.info.run_name)).toEqual(['r3', 'r4']);
    expect(page2.json.next_page_token).toBeUndefined();

    expect((await post('runs/search', { experiment_ids: [exp], filter: 'metrics.acc LIKE 1' })).json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/numeric/) });
    expect((await post('runs/search', { experiment_ids: [exp], filter: "params.opt = 'a' OR params.opt = 'b'" })).status).toBe(400);
    expect((await post('runs/search', { experiment_ids: [exp], page_token: 'garbage!' })).status).toBe(400);
  });

  it('log-inputs: versioned datasets become lineage; mutable references are refused naming the rule', async () => {
    const exp = await newExperiment();
    const runId = (await newRun(exp)).info.run_id;
    const s3 = 's3://ml-data/train.parquet?versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY';
    const ok = await post('runs/log-inputs', {
      run_id: runId,
      datasets: [
        { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: { name: 'clicks', digest: 'a1b2c3d4', source_type: 's3', source: JSON.stringify({ uri: s3 }) } },
        {
          tags: [
            { key: 'ballast.dataset.version', value: '1.4.2' },
            { key: 'ballast.dataset.fingerprint', value: `sha256:${'ab'.repeat(32)}` },
          ],
          dataset: { name: 'labels', digest: 'ffff0000', source_type: 'http', source: '{"url": "https://example.com/labels.csv"}', schema: '{"mlflow_colspec": []}' },
        },
      ],
    });
    expect(ok).toEqual({ status: 200, json: {} });
    const inputs = (await get('runs/get', { run_id: runId })).json.run.inputs.dataset_inputs;
    expect(inputs).toHaveLength(2);
    expect(inputs[0]).toEqual({ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: { name: 'clicks', digest: 'a1b2c3d4', source_type: 's3', source: JSON.stringify({ uri: s3 }) } });
    expect(inputs[1].dataset).toMatchObject({ name: 'labels', schema: '{"mlflow_colspec":[]}' });

    const mutable = await post('runs/log-inputs', { run_id: runId, datasets: [{ tags: [{ key: 'ballast.dataset.version', value: 'latest' }], dataset: { name: 'clicks2', digest: 'x', source: '' } }] });
    expect(mutable).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/"latest" is a moving name/) } });
    const unversioned = await post('runs/log-inputs', { run_id: runId, datasets: [{ dataset: { name: 'clicks3', digest: 'x', source_type: 's3', source: '{"uri": "s3://ml-data/train.parquet"}' } }] });
    expect(unversioned.json.message).toMatch(/no versionId/);
    expect(await testDb().db.dataset.count({ where: { name: { in: ['clicks2', 'clicks3'] } } })).toBe(0);
  });
});

describe('MLflow API: artifacts', () => {
  const put = (p: string, body: BodyInit, headers = auth) =>
    proxy.PUT(new Request(`${BASE}/api/2.0/mlflow-artifacts/artifacts/${p}`, { method: 'PUT', body, headers, duplex: 'half' } as RequestInit));
  const download = (p: string) => proxy.GET(new Request(`${BASE}/api/2.0/mlflow-artifacts/artifacts/${p}`, { headers: auth }));

  it('PUT and GET through the proxy, content-addressed by sha256; artifacts/list shows folders and files', async () => {
    const exp = await newExperiment();
    const runId = (await newRun(exp)).info.run_id;
    const base = `${exp}/${runId}/artifacts`;
    expect((await put(`${base}/model/weights.bin`, 'weights-v1')).status).toBe(200);
    expect((await put(`${base}/notes.txt`, 'hello')).status).toBe(200);
    expect((await put(`${base}/copy.txt`, 'hello')).status).toBe(200);
    const res = await download(`${base}/model/weights.bin`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('weights-v1');
    const rows = await testDb().db.artifact.findMany({ where: { path: { in: ['notes.txt', 'copy.txt'] } } });
    expect(new Set(rows.map((r) => r.sha256))).toEqual(new Set(['2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824']));

    const listed = await get('artifacts/list', { run_id: runId });
    expect(listed.json).toEqual({
      root_uri: `mlflow-artifacts:/${exp}/${runId}/artifacts`,
      files: [
        { path: 'copy.txt', is_dir: false, file_size: 5 },
        { path: 'model', is_dir: true },
        { path: 'notes.txt', is_dir: false, file_size: 5 },
      ],
    });
    expect((await get('artifacts/list', { run_id: runId, path: 'model' })).json.files).toEqual([{ path: 'model/weights.bin', is_dir: false, file_size: 10 }]);
    const proxied = await proxy.GET(new Request(`${BASE}/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`${base}/model`)}`, { headers: auth }));
    expect(await proxied.json()).toEqual({ files: [{ path: 'weights.bin', is_dir: false, file_size: 10 }] });
    expect((await download(`${base}/missing.txt`)).status).toBe(404);
  });

  it('refuses "..", a leading "/", NUL and backslashes with 400, and an artifact over the limit with 413', async () => {
    const exp = await newExperiment();
    const runId = (await newRun(exp)).info.run_id;
    const base = `${exp}/${runId}/artifacts`;
    for (const bad of ['a%2F..%2F..%2Fsecret', '/etc/passwd', 'a%00b', 'a%5Cb']) {
      const res = await put(`${base}/${bad}`, 'x');
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/invalid artifact path/) });
    }
    expect((await get('artifacts/list', { run_id: runId, path: '../other' })).status).toBe(400);
    const big = new Uint8Array(256 * 1024 + 1);
    const tooBig = await put(`${base}/big.bin`, big);
    expect(tooBig.status).toBe(413);
    // A streamed body without a length is cut off at the limit too.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(64 * 1024));
        controller.close();
      },
    });
    expect((await put(`${base}/streamed.bin`, stream)).status).toBe(413);
    expect(await testDb().db.artifact.count({ where: { path: { in: ['big.bin', 'streamed.bin'] } } })).toBe(0);
  });

  it('a config.yaml artifact sets the TrainingConfig; a bad one is a 400 naming the field and is not recorded', async () => {
    const exp = await newExperiment();
    const runId = (await newRun(exp)).info.run_id;
    const bad = await put(`${exp}/${runId}/artifacts/config.yaml`, CONFIG_YAML.replace('learning_rate: 0.001', 'learning_rate: fast'));
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/optimizer\.learning_rate must be a number/);
    expect(await testDb().db.artifact.count({ where: { path: 'config.yaml' } })).toBe(0);
    expect((await put(`${exp}/${runId}/artifacts/config.yaml`, CONFIG_YAML)).status).toBe(200);
    expect((await put(`${exp}/${runId}/artifacts/requirements.txt`, 'torch==2.5.1\n')).status).toBe(200);
    const row = await testDb().db.run.findFirstOrThrow({ where: { experimentId: Number(exp) } });
    expect(row).toMatchObject({ effectiveBatchSize: 256, requirementsTxt: 'torch==2.5.1\n' });
  });
});
