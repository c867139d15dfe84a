import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as ajax from '@/app/ajax-api/2.0/mlflow/[...path]/route';
import * as mlflow from '@/app/api/2.0/mlflow/[...path]/route';
import * as proxy from '@/app/api/2.0/mlflow-artifacts/artifacts/[[...path]]/route';
import { seededRandom } from '../synthetic/seeded-random';
import { makeToken, testDb } from '../testing/fixtures';
import { fuzzCases, NASTY_PATH_SEGMENTS } from '../testing/fuzz/fuzz-cases';
import { sendRaw, type TRawRequest } from '../testing/fuzz/send-raw';
import { tableChecksums } from '../testing/fuzz/table-checksums';
import { proxy as appProxy } from '@/proxy';
import { startRouteServer, type TRouteServer } from '../testing/route-server';

/*
 * A seeded fuzz of the MLflow surface (tracking, registry, the artifact proxy; both the /api and
 * /ajax-api prefixes) through a real node:http server around the real route handlers and a real
 * PostgreSQL. Every endpoint's valid example is mutated (fuzzCases: nasty values, removed fields,
 * truncation, wrong content types, oversized and chunked bodies); GET queries and artifact paths
 * get nasty values and path segments. Asserted: no 5xx, no hang, and — for the phase whose valid
 * examples aim at missing targets, so only a malformed request could change anything — every
 * table's checksum unchanged. A second phase aims the writes at real targets (deep service paths)
 * and asserts no 5xx and no hang.
 *
 * Replay: FUZZ_SEED=<seed printed> npx vitest run --project integration server/rest/mlflow-fuzz.int.test.ts
 */

const artifactParentReady = vi.hoisted(async () => {
  const { mkdtempSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const parent = mkdtempSync(join(tmpdir(), 'ballast-mlflow-fuzz-'));
  mkdirSync(join(parent, 'root'));
  process.env.BALLAST_ARTIFACT_ROOT = join(parent, 'root');
  process.env.BALLAST_ARTIFACT_MAX_BYTES = String(256 * 1024);
  return parent;
});

const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const CASES_PER_BODY = Number(process.env.FUZZ_CASES ?? 20);
const CONCURRENCY = 4;

type Json = Record<string, unknown>;
type TMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface TTarget {
  surface: string;
  method: TMethod;
  endpoint: string;
  example: Json;
  /** A POST that only reads (searches): its 2xx answers change nothing. */
  reads?: boolean;
}
interface TSent {
  surface: string;
  label: string;
  request: TRawRequest;
  reads?: boolean;
}

let server: TRouteServer;
let auth: Record<string, string>;
const ids = { exp: '', run: '', exp2: '', run2: '' };
const MODEL = 'fuzz-model';
const MODEL2 = 'fuzz-model-writes';
const MISSING_RUN = 'f'.repeat(32);
const MISSING_EXP = '999999';
const MISSING_MODEL = 'fuzz-missing-model';

const json = (method: TMethod, endpoint: string, body: Json) =>
  sendRaw(server.url, { method, path: `/api/2.0/mlflow/${endpoint}`, headers: { ...auth, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) });
async function seedCall(method: TMethod, endpoint: string, body: Json): Promise<Json> {
  const res = await json(method, endpoint, body);
  if (res.status !== 200) throw new Error(`seeding ${endpoint}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as Json;
}

async function seedTracking(name: string, model: string): Promise<{ exp: string; run: string }> {
  const exp = (await seedCall('POST', 'experiments/create', { name, tags: [{ key: 'team', value: 'fuzz' }] })).experiment_id as string;
  const run = ((await seedCall('POST', 'runs/create', { experiment_id: exp, start_time: 1_700_000_000_000, run_name: 'seed', tags: [{ key: 't', value: 'v' }] })).run as { info: { run_id: string } }).info.run_id;
  await seedCall('POST', 'runs/log-batch', {
    run_id: run,
    metrics: [1, 2, 3].map((step) => ({ key: 'm', value: step / 10, timestamp: 1_700_000_000_000 + step, step })),
    params: [{ key: 'p', value: 'x' }],
    tags: [{ key: 'stage', value: 'seeded' }],
  });
  await seedCall('POST', 'runs/log-inputs', { run_id: run, datasets: [{ tags: [{ key: 'context', value: 'train' }], dataset: { name: `${name}-data`, digest: 'abc123', source_type: 'local', source: 's3://bucket/key?versionId=v1' } }] });
  const put = await sendRaw(server.url, { method: 'PUT', path: `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/dir/notes.txt`, headers: auth, body: Buffer.from('hello') });
  if (put.status !== 200) throw new Error(`seeding an artifact: ${put.status} ${put.body}`);
  await seedCall('POST', 'registered-models/create', { name: model, description: 'seeded', tags: [{ key: 'team', value: 'fuzz' }] });
  await seedCall('POST', 'model-versions/create', { name: model, source: 'mem://m', run_id: run, tags: [{ key: 'k', value: 'v' }] });
  await seedCall('POST', 'registered-models/alias', { name: model, alias: 'champion', version: '1' });
  return { exp, run };
}

beforeAll(async () => {
  auth = (await makeToken('admin', ['ingest'])).bearer;
  server = await startRouteServer({
    '/api/2.0/mlflow/[...path]': mlflow,
    '/ajax-api/2.0/mlflow/[...path]': ajax,
    '/api/2.0/mlflow-artifacts/artifacts': proxy,
    '/api/2.0/mlflow-artifacts/artifacts/[...path]': proxy,
  }, 0, { proxy: appProxy });
  // The Default experiment (id 0) would be a real target for a mutated id of 0.
  await testDb().db.experiment.deleteMany({ where: { id: 0 } });
  Object.assign(ids, await seedTracking('fuzz-exp', MODEL));
  const second = await seedTracking('fuzz-exp-writes', MODEL2);
  ids.exp2 = second.exp;
  ids.run2 = second.run;
}, 60_000);
afterAll(() => server?.close());

/** Reads on real data; writes aimed at targets that do not exist (a valid mutation changes nothing). */
function readsAndMissingWrites(): TTarget[] {
  const t = (surface: string, method: TMethod, endpoint: string, example: Json, reads = false): TTarget => ({ surface, method, endpoint, example, reads });
  const tr = 'tracking';
  const rg = 'registry';
  return [
    t(tr, 'GET', 'experiments/get', { experiment_id: ids.exp }),
    t(tr, 'GET', 'experiments/get-by-name', { experiment_name: 'fuzz-exp' }),
    t(tr, 'POST', 'experiments/search', { max_results: 10, filter: "name LIKE 'fuzz%'", order_by: ['name ASC'], view_type: 'ALL', page_token: '' }, true),
    t(tr, 'GET', 'experiments/search', { max_results: '10', filter: "name = 'fuzz-exp'" }),
    t(tr, 'POST', 'experiments/update', { experiment_id: MISSING_EXP, new_name: 'renamed' }),
    t(tr, 'POST', 'experiments/delete', { experiment_id: MISSING_EXP }),
    t(tr, 'POST', 'experiments/restore', { experiment_id: MISSING_EXP }),
    t(tr, 'POST', 'experiments/set-experiment-tag', { experiment_id: MISSING_EXP, key: 'k', value: 'v' }),
    t(tr, 'GET', 'runs/get', { run_id: ids.run }),
    t(tr, 'POST', 'runs/search', { experiment_ids: [ids.exp], filter: "params.p = 'x' and metrics.m > 0 and tags.t = 'v'", run_view_type: 'ALL', max_results: 10, order_by: ['metrics.m DESC', 'attributes.start_time ASC'] }, true),
    t(tr, 'POST', 'runs/update', { run_id: MISSING_RUN, status: 'FINISHED', end_time: 1_700_000_000_500, run_name: 'n' }),
    t(tr, 'POST', 'runs/delete', { run_id: MISSING_RUN }),
    t(tr, 'POST', 'runs/restore', { run_id: MISSING_RUN }),
    t(tr, 'POST', 'runs/log-metric', { run_id: MISSING_RUN, key: 'm', value: 1.5, timestamp: 1_700_000_000_000, step: 3 }),
    t(tr, 'POST', 'runs/log-parameter', { run_id: MISSING_RUN, key: 'p2', value: 'v' }),
    t(tr, 'POST', 'runs/set-tag', { run_id: MISSING_RUN, key: 'k', value: 'v' }),
    t(tr, 'POST', 'runs/delete-tag', { run_id: MISSING_RUN, key: 'k' }),
    t(tr, 'POST', 'runs/log-batch', {
      run_id: MISSING_RUN,
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
      params: [{ key: 'p3', value: 'v' }],
      tags: [{ key: 'k', value: 'v' }],
    }),
    t(tr, 'POST', 'runs/log-inputs', { run_id: MISSING_RUN, datasets: [{ tags: [{ key: 'k', value: 'v' }], dataset: { name: 'd', digest: 'abc', source_type: 'local', source: 's', schema: '{}', profile: '{}' } }] }),
    t(tr, 'GET', 'metrics/get-history', { run_id: ids.run, metric_key: 'm', max_results: '2', page_token: '' }),
    t(tr, 'GET', 'artifacts/list', { run_id: ids.run, path: 'dir' }),
    t(rg, 'GET', 'registered-models/get', { name: MODEL }),
    t(rg, 'POST', 'registered-models/search', { filter: "name LIKE 'fuzz%'", max_results: 10, order_by: ['name ASC'], page_token: '' }, true),
    t(rg, 'GET', 'registered-models/search', { filter: "name = 'fuzz-model'", max_results: '5' }),
    t(rg, 'PATCH', 'registered-models/update', { name: MISSING_MODEL, description: 'd' }),
    t(rg, 'POST', 'registered-models/rename', { name: MISSING_MODEL, new_name: 'renamed-model' }),
    t(rg, 'DELETE', 'registered-models/delete', { name: MISSING_MODEL }),
    t(rg, 'POST', 'registered-models/set-tag', { name: MISSING_MODEL, key: 'k', value: 'v' }),
    t(rg, 'DELETE', 'registered-models/delete-tag', { name: MISSING_MODEL, key: 'k' }),
    t(rg, 'POST', 'registered-models/get-latest-versions', { name: MODEL, stages: ['None', 'Staging'] }, true),
    t(rg, 'POST', 'registered-models/alias', { name: MISSING_MODEL, alias: 'a', version: '1' }),
    t(rg, 'DELETE', 'registered-models/alias', { name: MISSING_MODEL, alias: 'a' }),
    t(rg, 'GET', 'registered-models/alias', { name: MODEL, alias: 'champion' }),
    t(rg, 'POST', 'model-versions/create', { name: MISSING_MODEL, source: 'mem://m', run_id: ids.run, tags: [{ key: 'k', value: 'v' }], description: 'd' }),
    t(rg, 'GET', 'model-versions/get', { name: MODEL, version: '1' }),
    t(rg, 'PATCH', 'model-versions/update', { name: MISSING_MODEL, version: '1', description: 'd' }),
    t(rg, 'DELETE', 'model-versions/delete', { name: MISSING_MODEL, version: '1' }),
    t(rg, 'POST', 'model-versions/search', { filter: "name = 'fuzz-model'", max_results: 10, order_by: ['version_number DESC'] }, true),
    t(rg, 'GET', 'model-versions/get-download-uri', { name: MODEL, version: '1' }),
    t(rg, 'POST', 'model-versions/set-tag', { name: MISSING_MODEL, version: '1', key: 'k', value: 'v' }),
    t(rg, 'DELETE', 'model-versions/delete-tag', { name: MISSING_MODEL, version: '1', key: 'k' }),
    t(rg, 'POST', 'model-versions/transition-stage', { name: MISSING_MODEL, version: '1', stage: 'Staging', archive_existing_versions: false }),
  ];
}

/** Writes aimed at real targets (their own experiment, run and model), and creates. */
function realWrites(): TTarget[] {
  const t = (surface: string, method: TMethod, endpoint: string, example: Json): TTarget => ({ surface, method, endpoint, example });
  return [
    t('tracking', 'POST', 'experiments/create', { name: 'fuzz-created', artifact_location: 'mlflow-artifacts:/x', tags: [{ key: 'k', value: 'v' }] }),
    t('tracking', 'POST', 'experiments/set-experiment-tag', { experiment_id: ids.exp2, key: 'k', value: 'v' }),
    t('tracking', 'POST', 'runs/create', { experiment_id: ids.exp2, user_id: 'u', run_name: 'r', start_time: 1_700_000_000_000, tags: [{ key: 'k', value: 'v' }] }),
    t('tracking', 'POST', 'runs/update', { run_id: ids.run2, status: 'RUNNING', end_time: 1_700_000_000_500, run_name: 'n' }),
    t('tracking', 'POST', 'runs/log-metric', { run_id: ids.run2, key: 'm', value: 1.5, timestamp: 1_700_000_000_000, step: 3 }),
    t('tracking', 'POST', 'runs/log-parameter', { run_id: ids.run2, key: 'p', value: 'x' }),
    t('tracking', 'POST', 'runs/set-tag', { run_id: ids.run2, key: 'k', value: 'v' }),
    t('tracking', 'POST', 'runs/log-batch', {
      run_id: ids.run2,
      metrics: [{ key: 'm2', value: 1, timestamp: 1, step: 0 }],
      params: [{ key: 'p', value: 'x' }],
      tags: [{ key: 'k', value: 'v' }],
    }),
    t('tracking', 'POST', 'runs/log-inputs', { run_id: ids.run2, datasets: [{ tags: [{ key: 'k', value: 'v' }], dataset: { name: 'fuzz-exp-writes-data', digest: 'abc123', source_type: 'local', source: 's3://bucket/key?versionId=v1' } }] }),
    t('registry', 'POST', 'registered-models/create', { name: 'fuzz-created-model', description: 'd', tags: [{ key: 'k', value: 'v' }] }),
    t('registry', 'PATCH', 'registered-models/update', { name: MODEL2, description: 'd' }),
    t('registry', 'POST', 'registered-models/set-tag', { name: MODEL2, key: 'k', value: 'v' }),
    t('registry', 'POST', 'registered-models/alias', { name: MODEL2, alias: 'champion', version: '1' }),
    t('registry', 'POST', 'model-versions/create', { name: MODEL2, source: 'mem://m', run_id: ids.run2, tags: [{ key: 'k', value: 'v' }], description: 'd' }),
    t('registry', 'PATCH', 'model-versions/update', { name: MODEL2, version: '1', description: 'd' }),
    t('registry', 'POST', 'model-versions/set-tag', { name: MODEL2, version: '1', key: 'k', value: 'v' }),
  ];
}

const QUERY_VALUES = [...NASTY_PATH_SEGMENTS, '', '%0d%0aInjected:%201', '%01%1f', '%ud800', '1e999', '9007199254740993', '-9223372036854775809', '0x10', '%201', encodeURIComponent('é'.repeat(3000))];

function queryString(entries: [string, string][]): string {
  return entries.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
}

/** Body cases for POST / PATCH / DELETE, query cases for GET. */
function casesFor(target: TTarget, seed: number, prefix: string): TSent[] {
  const base = `${prefix}${target.endpoint}`;
  if (target.method !== 'GET') {
    // Oversized here means past any field's cap; bodies past the 16 MiB cap are mlflow-hardening's (streamed, chunked).
    return fuzzCases(seed, CASES_PER_BODY, target.example, { oversizeBytes: 256 << 10 }).map((c) => ({
      surface: target.surface,
      label: `${target.method} ${target.endpoint}: ${c.label}`,
      reads: target.reads,
      request: { method: target.method, path: base, headers: { ...auth, ...(c.contentType ? { 'content-type': c.contentType } : {}) }, body: c.body, chunked: c.chunked },
    }));
  }
  const random = seededRandom(seed);
  const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const valid = Object.entries(target.example).map(([k, v]) => [k, encodeURIComponent(String(v))] as [string, string]);
  const out: TSent[] = [];
  for (let i = 0; i < CASES_PER_BODY; i++) {
    const kind = random();
    let entries = valid.map((e) => [...e] as [string, string]);
    let label: string;
    if (kind < 0.6) {
      const at = Math.floor(random() * entries.length);
      const value = pick(QUERY_VALUES);
      entries[at]![1] = value;
      label = `${entries[at]![0]}=${value.slice(0, 40)}`;
    } else if (kind < 0.75) {
      const at = Math.floor(random() * entries.length);
      label = `${entries[at]![0]} removed`;
      entries = entries.filter((_, j) => j !== at);
    } else if (kind < 0.9) {
      const at = Math.floor(random() * entries.length);
      label = `${entries[at]![0]} repeated`;
      entries.push([entries[at]![0], pick(QUERY_VALUES)]);
    } else {
      const segment = pick(NASTY_PATH_SEGMENTS);
      out.push({ surface: target.surface, label: `GET ${target.endpoint}/${segment.slice(0, 40)}`, request: { method: 'GET', path: `${base}/${segment}?${queryString(entries)}`, headers: auth } });
      continue;
    }
    out.push({ surface: target.surface, label: `GET ${target.endpoint}?${label}`, request: { method: 'GET', path: `${base}?${queryString(entries)}`, headers: auth } });
  }
  return out;
}

/** Artifact proxy: nasty segments where a path is read; writes only where they must be refused or find no run. */
function artifactCases(seed: number): TSent[] {
  const random = seededRandom(seed);
  const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const root = '/api/2.0/mlflow-artifacts/artifacts';
  const real = `${ids.exp}/${ids.run}/artifacts`;
  // Dot segments ('..', '%2e%2e') are resolved by the URL parser before any handler (as in Next.js):
  // nested, they name a legitimate file, so they are refused only where they would climb out of the run.
  const refusedOnWrite = ['%', '%zz', '%E0%A4%A', '%00', 'a%00b', '..%2f..%2fetc', '%ff%fe', '%C0%AF', 'a%5Cb', '%2F..%2F..%2Fsecret'];
  const out: TSent[] = [];
  const add = (label: string, request: TRawRequest) => out.push({ surface: 'artifact proxy', label, request });
  for (const segment of NASTY_PATH_SEGMENTS) {
    add(`GET file ${segment.slice(0, 30)}`, { method: 'GET', path: `${root}/${real}/${segment}`, headers: auth });
    add(`GET nested ${segment.slice(0, 30)}`, { method: 'GET', path: `${root}/${real}/dir/${segment}/x`, headers: auth });
    add(`GET run ${segment.slice(0, 30)}`, { method: 'GET', path: `${root}/${ids.exp}/${segment}/artifacts/dir/notes.txt`, headers: auth });
    add(`GET experiment ${segment.slice(0, 30)}`, { method: 'GET', path: `${root}/${segment}/${ids.run}/artifacts/dir/notes.txt`, headers: auth });
    add(`GET list ${segment.slice(0, 30)}`, { method: 'GET', path: `${root}?path=${real}/${segment}`, headers: auth });
    add(`PUT missing run ${segment.slice(0, 30)}`, { method: 'PUT', path: `${root}/${ids.exp}/${MISSING_RUN}/artifacts/${segment}`, headers: auth, body: Buffer.from('x') });
    add(`artifacts/list path ${segment.slice(0, 30)}`, { method: 'GET', path: `/api/2.0/mlflow/artifacts/list?run_id=${ids.run}&path=${segment}`, headers: auth });
  }
  for (const segment of ['..', '%2e%2e', '../..', '%2e%2e/%2e%2e/%2e%2e']) {
    add(`PUT climbing ${segment}`, { method: 'PUT', path: `${root}/${real}/${segment}`, headers: auth, body: Buffer.from('x') });
  }
  for (const segment of refusedOnWrite) {
    add(`PUT refused ${segment}`, { method: 'PUT', path: `${root}/${real}/${segment}`, headers: auth, body: Buffer.from('x') });
    add(`PUT refused nested ${segment}`, { method: 'PUT', path: `${root}/${real}/dir/${segment}/y`, headers: auth, body: Buffer.from('x') });
  }
  for (let i = 0; i < 40; i++) {
    const parts = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick([...NASTY_PATH_SEGMENTS, 'dir', 'notes.txt', '.', '']));
    add(`GET fuzzed ${parts.join('/').slice(0, 60)}`, { method: 'GET', path: `${root}/${real}/${parts.join('/')}`, headers: auth });
    add(`PUT fuzzed refused ${i}`, { method: 'PUT', path: `${root}/${real}/${parts.join('/')}/${pick(refusedOnWrite)}`, headers: auth, body: Buffer.from('x') });
  }
  return out;
}

interface TTally {
  requests: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
}

const slowest: { ms: number; label: string }[] = [];

async function send(cases: TSent[]): Promise<{ tallies: Map<string, TTally>; failures: string[]; writes: string[] }> {
  const tallies = new Map<string, TTally>();
  const failures: string[] = [];
  const writes: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const index = next++;
        const c = cases[index]!;
        const tally = tallies.get(c.surface) ?? { requests: 0, '2xx': 0, '4xx': 0, '5xx': 0 };
        tallies.set(c.surface, tally);
        tally.requests++;
        let status: number;
        let body = '';
        try {
          const res = await sendRaw(server.url, { ...c.request, timeoutMs: 15_000 });
          slowest.push({ ms: res.ms, label: c.label });
          status = res.status;
          body = res.body;
        } catch (err) {
          // A server that refuses an oversized body may close before reading it all: that is a refusal.
          if ((err as { closedEarly?: boolean }).closedEarly) status = 413;
          else {
            failures.push(`#${index} ${c.label}: ${(err as Error).message}`);
            continue;
          }
        }
        if (status >= 500) {
          tally['5xx']++;
          failures.push(`#${index} ${c.label}: ${status} ${body.slice(0, 300)}`);
        } else if (status >= 400) tally['4xx']++;
        else {
          tally['2xx']++;
          if (c.request.method !== 'GET' && !c.reads) writes.push(`#${index} ${c.label}: ${status}`);
        }
      }
    }),
  );
  return { tallies, failures, writes };
}

function report(phase: string, tallies: Map<string, TTally>) {
  const rows = [...tallies].map(([surface, t]) => `  ${phase.padEnd(22)} ${surface.padEnd(16)} ${String(t.requests).padStart(8)} ${String(t['2xx']).padStart(6)} ${String(t['4xx']).padStart(6)} ${String(t['5xx']).padStart(6)}`);
  const slow = slowest.sort((a, b) => b.ms - a.ms).slice(0, 3).map((x) => `${Math.round(x.ms)} ms ${x.label.slice(0, 80)}`);
  slowest.length = 0;
  console.log(`MLflow fuzz (FUZZ_SEED=${SEED}); slowest: ${slow.join(' | ')}\n  ${'phase'.padEnd(22)} ${'surface'.padEnd(16)} requests    2xx    4xx    5xx\n${rows.join('\n')}`);
}

// api_tokens.last_used_at moves with every authenticated request; nothing else may.
const CHANGING = ['api_tokens'];

describe('MLflow surface fuzz', () => {
  it('malformed requests to reads and to writes on missing targets: no 5xx, no hang, no stored data changed', async () => {
    const targets = readsAndMissingWrites();
    const cases: TSent[] = [];
    targets.forEach((target, i) => {
      // Every fourth endpoint goes through the /ajax-api prefix the MLflow UI uses.
      const prefix = i % 4 === 3 ? '/ajax-api/2.0/mlflow/' : '/api/2.0/mlflow/';
      cases.push(...casesFor(target, SEED + i, prefix));
    });
    cases.push(...artifactCases(SEED + 1000));
    const before = await tableChecksums(testDb().db, { except: CHANGING });
    const { tallies, failures, writes } = await send(cases);
    report('reads, missing writes', tallies);
    expect(failures, `replay with FUZZ_SEED=${SEED}`).toEqual([]);
    expect(writes, 'a mutation made a valid write: the example must aim at a missing target').toEqual([]);
    expect(await tableChecksums(testDb().db, { except: CHANGING })).toEqual(before);
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    // Nothing was written outside the artifact root.
    const artifactParent = await artifactParentReady;
    expect(readdirSync(artifactParent)).toEqual(['root']);
    expect(readdirSync(path.join(artifactParent, 'root')).length).toBeGreaterThan(0);
  }, 120_000);

  it('malformed writes to real targets and creates: no 5xx, no hang', async () => {
    const cases = realWrites().flatMap((target, i) => casesFor(target, SEED + 2000 + i, '/api/2.0/mlflow/'));
    const { tallies, failures } = await send(cases);
    report('writes on real targets', tallies);
    expect(failures, `replay with FUZZ_SEED=${SEED}`).toEqual([]);
    expect(readdirSync(await artifactParentReady)).toEqual(['root']);
  }, 120_000);
});
