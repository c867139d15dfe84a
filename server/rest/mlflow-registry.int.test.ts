import { encode } from 'next-auth/jwt';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ajax from '@/app/ajax-api/2.0/mlflow/[...path]/route';
import * as mlflow from '@/app/api/2.0/mlflow/[...path]/route';
import * as proxy from '@/app/api/2.0/mlflow-artifacts/artifacts/[[...path]]/route';
import { recordValidationResults, reportLatencyBenchmark } from '../services/record-version-evidence';
import { buildMlpOnnx, mlpGoldenExamples, sampleReferenceStats } from '../testing/onnx-model';
import type { TPrincipal } from '../auth/principal';
import { ctxAs, makeToken, testDb } from '../testing/fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const BASE = 'http://localhost:3000';
let auth: Record<string, string>;
let ownerPrincipal: TPrincipal;
/** The token's owner signed in: an engineer session holds model:approve, which ingest tokens lack. */
let approver: Record<string, string>;

async function call(method: Method, endpoint: string, body?: Json, headers = auth, api: Json = mlflow, prefix = '/api/2.0/mlflow/') {
  let url = `${BASE}${prefix}${endpoint}`;
  let init: RequestInit = { method, headers };
  if (method === 'GET' && body) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const item of [v].flat()) q.append(k, String(item));
    url += `?${q}`;
  } else if (body !== undefined) init = { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = (await (api[method] as (r: Request) => Promise<Response>)(new Request(url, init))) as Response;
  return { status: res.status, json: (await res.json()) as Json };
}

let seq = 0;
async function loggedRun(): Promise<string> {
  const exp = await call('POST', 'experiments/create', { name: `reg-exp-${Date.now()}-${seq++}` });
  const run = (await call('POST', 'runs/create', { experiment_id: exp.json.experiment_id, start_time: 1 })).json.run;
  const runId = run.info.run_id as string;
  const put = (path: string, body: Uint8Array | string) =>
    proxy.PUT(new Request(`${BASE}/api/2.0/mlflow-artifacts/artifacts/${exp.json.experiment_id}/${runId}/artifacts/${path}`, { method: 'PUT', headers: auth, body: typeof body === 'string' ? body : new Uint8Array(body) }));
  const mlp = buildMlpOnnx({ features: 3, classes: 2, seed: seq });
  expect((await put('model/model.onnx', mlp.bytes)).status).toBe(200);
  await put('model/golden_examples.json', JSON.stringify(mlpGoldenExamples(mlp)));
  await put('model/reference_stats.json', JSON.stringify(sampleReferenceStats(3)));
  await put('requirements.txt', 'onnx==1.17.0\n');
  await put('config.yaml', 'model:\n  architecture: mlp\noptimizer:\n  name: sgd\n  learning_rate: 0.1\nlr_schedule:\n  name: constant\nbatch_size_per_device: 8\ndevice_count: 1\ngradient_accumulation_steps: 1\nmax_epochs: 1\nseed: 1\ndatasets:\n  - name: clicks\n    version: md5:d41d8cd98f00b204e9800998ecf8427e\n');
  await call('POST', 'runs/log-metric', { run_id: runId, key: 'accuracy', value: 0.95, timestamp: 1 });
  await call('POST', 'runs/log-inputs', { run_id: runId, datasets: [{ tags: [{ key: 'ballast.dataset.version', value: 'md5:d41d8cd98f00b204e9800998ecf8427e' }], dataset: { name: 'clicks', digest: 'd41d8cd98f00b204e9800998ecf8427e' } }] });
  return runId;
}

beforeAll(async () => {
  const { bearer, user } = await makeToken('engineer', ['ingest']);
  auth = bearer;
  ownerPrincipal = user.principal;
  // A browser session: same-origin Origin, as the cross-site guard requires of signed-in changes.
  approver = { cookie: `next-auth.session-token=${await encode({ token: { sub: user.id, email: user.email }, secret: process.env.NEXTAUTH_SECRET! })}`, origin: BASE };
});

describe('MLflow registry API: registered models', () => {
  it('create, get, update (PATCH), rename, set-tag, delete-tag, search, delete - in MLflow shapes', async () => {
    const name = `mf-model-${Date.now()}`;
    const created = await call('POST', 'registered-models/create', { name, description: 'fraud scorer', tags: [{ key: 'team', value: 'risk' }] });
    expect(created).toEqual({
      status: 200,
      json: { registered_model: { name, creation_timestamp: expect.any(Number), last_updated_timestamp: expect.any(Number), description: 'fraud scorer', latest_versions: [], tags: [{ key: 'team', value: 'risk' }], aliases: [] } },
    });
    expect(await call('POST', 'registered-models/create', { name })).toMatchObject({ status: 400, json: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    expect((await call('GET', 'registered-models/get', { name })).json.registered_model.name).toBe(name);
    expect(await call('GET', 'registered-models/get', { name: 'no-such-model' })).toEqual({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=no-such-model not found' } });
    // Editing, renaming and deleting are owner actions: the ingest token (model:write) is refused, its owner's session is not.
    expect(await call('PATCH', 'registered-models/update', { name, description: 'v2' })).toMatchObject({ status: 403, json: { error_code: 'PERMISSION_DENIED' } });
    expect(await call('POST', 'registered-models/rename', { name, new_name: `${name}-x` })).toMatchObject({ status: 403, json: { error_code: 'PERMISSION_DENIED' } });
    expect(await call('POST', 'registered-models/set-tag', { name, key: 'tier', value: 'gold' })).toMatchObject({ status: 403, json: { error_code: 'PERMISSION_DENIED' } });
    expect((await call('PATCH', 'registered-models/update', { name, description: 'v2' }, approver)).json.registered_model.description).toBe('v2');
    expect((await call('POST', 'registered-models/set-tag', { name, key: 'tier', value: 'gold' }, approver)).status).toBe(200);
    expect((await call('DELETE', 'registered-models/delete-tag', { name, key: 'team' }, approver)).status).toBe(200);
    expect((await call('GET', 'registered-models/get', { name })).json.registered_model.tags).toEqual([{ key: 'tier', value: 'gold' }]);
    const renamed = await call('POST', 'registered-models/rename', { name, new_name: `${name}-x` }, approver);
    expect(renamed.json.registered_model.name).toBe(`${name}-x`);
    const search = await call('GET', 'registered-models/search', { filter: `name LIKE '${name}%'`, max_results: 10 });
    expect(search.json.registered_models.map((m: Json) => m.name)).toEqual([`${name}-x`]);
    const byAjax = await call('GET', 'registered-models/search', { filter: "tags.tier = 'gold'" }, auth, ajax, '/ajax-api/2.0/mlflow/');
    expect(byAjax.json.registered_models.map((m: Json) => m.name)).toContain(`${name}-x`);
    expect(await call('DELETE', 'registered-models/delete', { name: `${name}-x` })).toMatchObject({ status: 403, json: { error_code: 'PERMISSION_DENIED' } });
    expect(await call('DELETE', 'registered-models/delete', { name: `${name}-x` }, approver)).toEqual({ status: 200, json: {} });
    expect((await call('GET', 'registered-models/get', { name: `${name}-x` })).status).toBe(404);
  });
});

describe('MLflow registry API: model versions, aliases, stages', () => {
  it('every model-version endpoint; transition-stage obeys gates and opens a promotion request for Production', async () => {
    const name = `mf-versions-${Date.now()}`;
    await call('POST', 'registered-models/create', { name });
    const runId = await loggedRun();

    const created = await call('POST', 'model-versions/create', { name, source: `runs:/${runId}/model`, run_id: runId, tags: [{ key: 'k', value: 'v' }], description: 'first' });
    expect(created).toEqual({
      status: 200,
      json: {
        model_version: {
          name,
          version: '1',
          creation_timestamp: expect.any(Number),
          last_updated_timestamp: expect.any(Number),
          user_id: expect.stringMatching(/^token:/),
          current_stage: 'None',
          description: 'first',
          source: `runs:/${runId}/model`,
          run_id: runId,
          status: 'READY',
          tags: [{ key: 'k', value: 'v' }],
          aliases: [],
        },
      },
    });
    const row = await testDb().db.modelVersion.findFirstOrThrow({ where: { model: { name }, version: 1 } });
    expect(row).toMatchObject({ complete: true, missing: [] });

    expect((await call('GET', 'model-versions/get', { name, version: '1' })).json.model_version.version).toBe('1');
    expect(await call('GET', 'model-versions/get', { name, version: '9' })).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect((await call('PATCH', 'model-versions/update', { name, version: '1', description: 'updated' })).json.model_version.description).toBe('updated');
    expect((await call('POST', 'model-versions/set-tag', { name, version: '1', key: 'reviewed', value: 'yes' })).status).toBe(200);
    expect((await call('DELETE', 'model-versions/delete-tag', { name, version: '1', key: 'k' })).status).toBe(200);
    expect((await call('GET', 'model-versions/get', { name, version: '1' })).json.model_version.tags).toEqual([{ key: 'reviewed', value: 'yes' }]);
    expect(await call('GET', 'model-versions/get-download-uri', { name, version: '1' })).toEqual({ status: 200, json: { artifact_uri: expect.stringMatching(new RegExp(`^mlflow-artifacts:/\\d+/${runId}/artifacts/model$`)) } });
    const search = await call('GET', 'model-versions/search', { filter: `name = '${name}' AND run_id = '${runId}'` });
    expect(search.json.model_versions.map((v: Json) => v.version)).toEqual(['1']);

    // Aliases: set, get by alias, delete; production is lifecycle-only.
    expect(await call('POST', 'registered-models/alias', { name, alias: 'champion', version: '1' })).toEqual({ status: 200, json: {} });
    expect((await call('GET', 'registered-models/alias', { name, alias: 'champion' })).json.model_version).toMatchObject({ version: '1', aliases: ['champion'] });
    expect((await call('GET', 'registered-models/get', { name })).json.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    expect(await call('DELETE', 'registered-models/alias', { name, alias: 'champion' })).toEqual({ status: 200, json: {} });
    expect((await call('GET', 'registered-models/alias', { name, alias: 'champion' })).status).toBe(404);
    expect((await call('POST', 'registered-models/alias', { name, alias: 'production', version: '1' })).status).toBe(400);

    // transition-stage: no validation yet -> refused in MLflow's shape, listing the unmet gate. An ingest token lacks model:approve.
    const ingestRefused = await call('POST', 'model-versions/transition-stage', { name, version: '1', stage: 'Staging', archive_existing_versions: false });
    expect(ingestRefused).toMatchObject({ status: 403, json: { error_code: 'PERMISSION_DENIED', message: expect.stringMatching(/model:approve/) } });
    const refused = await call('POST', 'model-versions/transition-stage', { name, version: '1', stage: 'Staging' }, approver);
    expect(refused).toMatchObject({ status: 400, json: { error_code: 'INVALID_STATE', message: expect.stringMatching(/unmet gates: validation: no validation checks/) } });
    await recordValidationResults(ctxAs(ownerPrincipal), { modelName: name, version: 1, checks: [{ name: 'acc', metric: 'accuracy', threshold: 0.9, observed: 0.95 }] });
    expect((await call('POST', 'model-versions/transition-stage', { name, version: '1', stage: 'Staging' }, approver)).json.model_version.current_stage).toBe('Staging');
    expect((await call('POST', 'registered-models/get-latest-versions', { name, stages: ['Staging'] })).json.model_versions.map((v: Json) => v.version)).toEqual(['1']);
    expect((await call('GET', 'registered-models/get-latest-versions', { name, stages: 'Production' })).json.model_versions).toEqual([]);

    // To Production without a benchmark: refused listing the gate; with one, a promotion request opens and the stage stays.
    expect(await call('POST', 'model-versions/transition-stage', { name, version: '1', stage: 'Production' })).toMatchObject({ status: 400, json: { error_code: 'INVALID_STATE', message: expect.stringMatching(/benchmark: no latency benchmark/) } });
    await reportLatencyBenchmark(ctxAs(ownerPrincipal), { modelName: name, version: 1, hardware: 'cpu', batchSize: 1, p50Ms: 2, p99Ms: 9, throughput: 400 });
    const requested = await call('POST', 'model-versions/transition-stage', { name, version: '1', stage: 'Production' });
    expect(requested).toMatchObject({ status: 200, json: { model_version: { current_stage: 'Staging' }, promotion_request: { id: expect.any(String), status: 'requested' } } });
    expect(await call('POST', 'model-versions/transition-stage', { name, version: '1', stage: 'Bogus' }, approver)).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });

    // Back to None (demote) and Archived; an archived or promoted version cannot be deleted, a fresh draft can.
    expect((await call('POST', 'model-versions/transition-stage', { name, version: '1', stage: 'None' }, approver)).json.model_version.current_stage).toBe('None');
    expect((await call('POST', 'model-versions/transition-stage', { name, version: '1', stage: 'Archived' }, approver)).json.model_version.current_stage).toBe('Archived');
    expect(await call('DELETE', 'model-versions/delete', { name, version: '1' }, approver)).toMatchObject({ status: 400, json: { error_code: 'INVALID_STATE' } });
    const second = await call('POST', 'model-versions/create', { name, source: `runs:/${runId}/model` });
    expect(second.json.model_version.version).toBe('2');
    expect(await call('DELETE', 'model-versions/delete', { name, version: '2' }, approver)).toEqual({ status: 200, json: {} });
    expect(await call('DELETE', 'registered-models/delete', { name }, approver)).toMatchObject({ status: 400, json: { error_code: 'INVALID_STATE' } });
  });

  it('a source that is not an ONNX model: 400 INVALID_PARAMETER_VALUE, no version', async () => {
    const name = `mf-bad-${Date.now()}`;
    await call('POST', 'registered-models/create', { name });
    const exp = await call('POST', 'experiments/create', { name: `bad-exp-${Date.now()}` });
    const runId = (await call('POST', 'runs/create', { experiment_id: exp.json.experiment_id })).json.run.info.run_id;
    await proxy.PUT(new Request(`${BASE}/api/2.0/mlflow-artifacts/artifacts/${exp.json.experiment_id}/${runId}/artifacts/model.onnx`, { method: 'PUT', headers: auth, body: 'not onnx at all' }));
    expect(await call('POST', 'model-versions/create', { name, source: `runs:/${runId}/model.onnx`, run_id: runId })).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/not a valid ONNX model/) } });
    expect(await testDb().db.modelVersion.count({ where: { model: { name } } })).toBe(0);
  });
});
