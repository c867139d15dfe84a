import { encode } from 'next-auth/jwt';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as trpcRoute from '@/app/api/trpc/[trpc]/route';
import { proxy } from '@/proxy';
import { createRegisteredModel } from '../services/create-registered-model';
import { registerDatasetVersion } from '../services/register-dataset-version';
import { ctxAs, makeToken, makeUser, testDb } from '../testing/fixtures';
import { fuzzCases, NASTY_PATH_SEGMENTS } from '../testing/fuzz/fuzz-cases';
import { formatFuzzSummary, fuzzSeed, percentEncodeBytes, runFuzz, type TFuzzRequest } from '../testing/fuzz/run-fuzz';
import { tableChecksums } from '../testing/fuzz/table-checksums';
import { insertPredictionLogs, makeDeployment, makeMonitoredModel } from '../testing/monitoring-fixtures';
import { startRouteServer, type TRouteServer } from '../testing/route-server';

/*
 * Deliver item 9, tRPC: seeded malformed requests against many procedures through the real
 * route (node:http, streamed bodies, the root proxy), as queries (GET ?input=), mutations (POST),
 * batches, with an API token and with session cookies. Nothing may answer 5xx or hang, and no
 * table may change. Mutations are aimed where a valid variant is still refused by the domain
 * (an existing name, an unknown version), so every case exercises the input parsing and none
 * may write. Replay a failure with FUZZ_SEED=<seed>.
 */

const SEED = fuzzSeed(11_2026);
const PER_PROCEDURE = 22;

type TIdentity = 'token' | 'adminSession' | 'engineerSession';
interface TProcedure {
  path: string;
  type: 'query' | 'mutation';
  input?: unknown;
  as?: TIdentity;
}

let server: TRouteServer;
const identities = {} as Record<TIdentity | 'anonymous', Record<string, string>>;
let procedures: TProcedure[] = [];

beforeAll(async () => {
  server = await startRouteServer({ '/api/trpc/[trpc]': trpcRoute }, 0, { proxy });
  const db = testDb().db;
  const { bearer, user: tokenOwner } = await makeToken('admin', ['admin']);
  const admin = await makeUser('admin');
  const engineer = await makeUser('engineer');
  const cookie = async (u: { id: string; email: string }) => ({ cookie: `next-auth.session-token=${await encode({ token: { sub: u.id, email: u.email }, secret: process.env.NEXTAUTH_SECRET! })}` });
  Object.assign(identities, { token: bearer, adminSession: await cookie(admin), engineerSession: await cookie(engineer), anonymous: {} });

  // Seed data every read can find: an owned model with tags, a monitored model with versions, a
  // deployment and prediction logs, an experiment with runs, a dataset version.
  const owned = await createRegisteredModel(ctxAs(engineer.principal), { name: 'fuzz-owned', description: 'seed', tags: [{ key: 'team', value: 'risk' }] });
  const { model, experiment, versions } = await makeMonitoredModel(db, { versions: 2 });
  const deployment = await makeDeployment(db, model.id, { stableVersionId: versions[0]!.id, candidateVersionId: versions[1]!.id, outcomeKind: 'binary' });
  const now = Date.now();
  await insertPredictionLogs(
    db,
    Array.from({ length: 200 }, (_, i) => ({ ts: new Date(now - i * 10_000), requestId: `seed-${i}`, routingKey: `user-${i % 7}`, modelVersionId: versions[i % 2]!.id, variant: i % 2 ? 'b' : 'a', inputs: [i % 3, 1, 2, 3], prediction: i % 2, confidence: 0.7 })),
  );
  const FP = `sha256:${'b'.repeat(64)}`;
  await registerDatasetVersion(ctxAs(engineer.principal), { name: 'fuzz-data', version: '1.0.0', fingerprint: FP });
  const runs = await db.run.findMany({ where: { experimentId: experiment.id }, select: { id: true } });
  const name = model.name;
  const experimentId = String(experiment.id);
  const missing = '00000000-0000-4000-8000-000000000000';
  const from = new Date(now - 3_600_000);
  const to = new Date(now);

  procedures = [
    // Reads: any valid variant is fine, none may write.
    { path: 'session.me', type: 'query' },
    { path: 'models.list', type: 'query' },
    { path: 'models.get', type: 'query', input: { name } },
    { path: 'models.servedAt', type: 'query', input: { name, at: to, alias: 'production' } },
    { path: 'versions.get', type: 'query', input: { modelName: name, version: 1 } },
    { path: 'runs.list', type: 'query', input: { experimentId, tags: [{ key: 'k', op: '=', value: 'v' }], params: [{ key: 'lr', op: 'LIKE', value: '0.%' }], metrics: [{ key: 'accuracy', op: '>', value: 0.5 }], filter: 'metrics.accuracy > 0.5', sort: { by: 'metric', key: 'accuracy', direction: 'desc' }, page: 0, pageSize: 50 } },
    { path: 'runs.keys', type: 'query', input: { experimentId } },
    { path: 'runs.get', type: 'query', input: { runId: runs[0]!.id } },
    { path: 'runs.compare', type: 'query', input: { runIds: runs.map((r) => r.id) } },
    { path: 'runs.metricSeries', type: 'query', input: { runId: runs[0]!.id, key: 'accuracy', maxPoints: 100 } },
    { path: 'experiments.list', type: 'query', input: { filter: "name LIKE 'mon%'", includeDeleted: false } },
    { path: 'experiments.get', type: 'query', input: { experimentId } },
    { path: 'datasets.list', type: 'query' },
    { path: 'datasets.get', type: 'query', input: { name: 'fuzz-data' } },
    { path: 'deployments.list', type: 'query', input: { modelName: name, active: true, limit: 10 } },
    { path: 'deployments.get', type: 'query', input: { deploymentId: deployment.id } },
    { path: 'monitoring.modelOverview', type: 'query', input: { modelName: name } },
    { path: 'monitoring.versionSeries', type: 'query', input: { modelName: name, from, to, versions: [1, 2] } },
    { path: 'monitoring.driftSeries', type: 'query', input: { modelName: name, version: 1, from, to, windowS: 300, features: ['f0'] } },
    { path: 'monitoring.confidence', type: 'query', input: { modelName: name, version: 1, from, to, bins: 10 } },
    { path: 'monitoring.trainingVsLive', type: 'query', input: { modelName: name, version: 1, feature: 'f0', windowS: 3600 } },
    { path: 'monitoring.abResults', type: 'query', input: { deploymentId: deployment.id } },
    { path: 'alerts.list', type: 'query', input: { status: ['open'], kind: ['drift'], severity: ['critical'], modelName: name, limit: 10 } },
    { path: 'alerts.openCount', type: 'query' },
    { path: 'audit.list', type: 'query', input: { action: 'model.created', actor: 'someone', from, to, limit: 10 } },
    { path: 'webhooks.list', type: 'query', input: { modelName: name } },
    { path: 'webhooks.deliveries', type: 'query', input: { modelName: name, limit: 10 } },
    { path: 'workers.list', type: 'query', input: { modelName: name } },
    { path: 'tokens.list', type: 'query' },
    { path: 'users.list', type: 'query' },
    { path: 'promotions.inbox', type: 'query', as: 'engineerSession' },
    // Writes: aimed where even a valid variant is refused (409, 404, 403), after the input is parsed.
    { path: 'models.create', type: 'mutation', input: { name: owned.name, description: 'again', slaClass: 'batch', tags: [{ key: 'team', value: 'x' }], ownerEmails: [] } },
    { path: 'models.update', type: 'mutation', input: { name: 'fuzz-no-such-model', description: 'x', slaClass: 'batch' } },
    { path: 'models.setOwners', type: 'mutation', input: { name: 'fuzz-no-such-model', ownerEmails: [engineer.email] } },
    { path: 'models.createVersion', type: 'mutation', input: { modelName: 'fuzz-no-such-model', runId: runs[0]!.id, source: 'runs:/x/model', description: '', tags: [{ key: 'k', value: 'v' }], features: ['a', 'b'] } },
    { path: 'models.recordValidation', type: 'mutation', input: { modelName: name, version: 999, checks: [{ name: 'acc', metric: 'accuracy', comparator: '>=', threshold: 0.9, observed: 0.95 }] } },
    { path: 'models.setAlias', type: 'mutation', input: { modelName: name, alias: 'champion', version: 999 } },
    { path: 'models.deleteAlias', type: 'mutation', input: { modelName: 'fuzz-no-such-model', alias: 'champion' } },
    { path: 'versions.promote', type: 'mutation', input: { modelName: name, version: 999 } },
    { path: 'versions.archive', type: 'mutation', input: { modelName: name, version: 999, reason: 'retired' } },
    { path: 'versions.rollback', type: 'mutation', input: { modelName: 'fuzz-no-such-model', reason: 'bad' } },
    { path: 'promotions.request', type: 'mutation', input: { modelName: name, version: 999, comment: 'please', canary: { percent: 5, durationS: 60, steps: [5, 25], autoPromote: true } } },
    { path: 'promotions.approve', type: 'mutation', input: { requestId: missing, comment: 'ok', overrideReason: 'an urgent fix for customers' } },
    { path: 'promotions.withdraw', type: 'mutation', input: { requestId: missing } },
    { path: 'deployments.create', type: 'mutation', input: { modelName: name, version: 999, strategy: 'ab_test', split: { a: 50, b: 50 }, outcomeKind: 'binary', comment: '' } },
    { path: 'deployments.pause', type: 'mutation', input: { deploymentId: missing, reason: 'why' } },
    { path: 'deployments.rollback', type: 'mutation', input: { deploymentId: missing, reason: 'why' } },
    { path: 'alerts.acknowledge', type: 'mutation', input: { alertId: missing, comment: 'seen' } },
    { path: 'tokens.create', type: 'mutation', input: { name: 'fuzz', scopes: ['admin'], expiresInDays: 30 }, as: 'engineerSession' },
    { path: 'tokens.revoke', type: 'mutation', input: { id: missing } },
    { path: 'users.create', type: 'mutation', input: { email: tokenOwner.email, name: 'Dup', role: 'viewer', password: 'long-enough-1' } },
    { path: 'webhooks.create', type: 'mutation', input: { modelName: 'fuzz-no-such-model', url: 'https://hooks.test.invalid/x', events: ['version.created'] }, as: 'engineerSession' },
    { path: 'workers.requestBenchmark', type: 'mutation', input: { modelName: name, version: 999, batchSize: 8, iterations: 200 } },
    { path: 'datasets.registerVersion', type: 'mutation', input: { name: 'fuzz-data', version: '1.0.0', fingerprint: `sha256:${'c'.repeat(64)}`, description: 'x', rowCount: 10 } },
  ];
});
afterAll(() => server?.close());

const ROTATION: TIdentity[] = ['token', 'adminSession', 'engineerSession'];
const wire = (input: unknown) => (input === undefined ? {} : superjson.serialize(input));

function requestsFor(p: TProcedure, index: number): TFuzzRequest[] {
  const example = wire(p.input);
  const cases = fuzzCases(SEED + index * 7919, PER_PROCEDURE, example, p.type === 'query' ? { oversizeBytes: 20_000 } : {});
  return cases.map((c, i) => {
    const as = p.as ?? ROTATION[i % ROTATION.length]!;
    const label = `seed ${SEED}, ${p.path} case ${i} (fuzzCases(${SEED + index * 7919}, ${PER_PROCEDURE})[${i}]): ${c.label}, as ${as}`;
    const headers = { ...identities[as], ...(c.contentType ? { 'content-type': c.contentType } : {}) };
    const oversized = c.label.startsWith('oversized');
    if (p.type === 'query') return { label, method: 'GET', path: `/api/trpc/${p.path}?input=${percentEncodeBytes(c.body)}`, headers: identities[as], oversized };
    return { label, method: 'POST', path: `/api/trpc/${p.path}`, headers, body: c.body, chunked: c.chunked, oversized };
  });
}

/** Two procedures of one kind in one batch request, the batch body itself fuzzed. */
function batchRequests(a: TProcedure, b: TProcedure, index: number, count: number): TFuzzRequest[] {
  const example = { 0: wire(a.input), 1: wire(b.input) };
  const seed = SEED + 1_000_003 + index;
  return fuzzCases(seed, count, example, a.type === 'query' ? { oversizeBytes: 20_000 } : {}).map((c, i) => {
    const label = `seed ${SEED}, batch ${a.path},${b.path} (fuzzCases(${seed}, ${count})[${i}]): ${c.label}`;
    const oversized = c.label.startsWith('oversized');
    const path = `/api/trpc/${a.path},${b.path}?batch=1`;
    if (a.type === 'query') return { label, method: 'GET', path: `${path}&input=${percentEncodeBytes(c.body)}`, headers: identities.token, oversized };
    return { label, method: 'POST', path, headers: { ...identities.adminSession, 'content-type': c.contentType || 'application/json' }, body: c.body, chunked: c.chunked, oversized };
  });
}

describe('tRPC fuzz', () => {
  it('answers every malformed request with a 2xx or 4xx, in time, and changes no table', { timeout: 120_000 }, async () => {
    const db = testDb().db;
    // A token's last use is stamped by design on an authenticated call (once a minute).
    const checksumOpts = { ignoreColumns: { api_tokens: ['last_used_at'] } };
    const before = await tableChecksums(db, checksumOpts);

    const requests: TFuzzRequest[] = procedures.flatMap((p, i) => requestsFor(p, i));
    const queries = procedures.filter((p) => p.type === 'query' && p.input !== undefined);
    const mutations = procedures.filter((p) => p.type === 'mutation');
    for (let i = 0; i < 6; i++) {
      requests.push(...batchRequests(queries[i]!, queries[i + 6]!, i, 12));
      requests.push(...batchRequests(mutations[i]!, mutations[i + 6]!, 100 + i, 12));
    }
    // Hostile paths and methods: undecodable or odd procedure names, mutations sent as GET, anonymous callers.
    for (const [i, segment] of NASTY_PATH_SEGMENTS.entries()) {
      requests.push({ label: `seed ${SEED}, path segment ${i}`, method: 'GET', path: `/api/trpc/${segment}`, headers: identities.token });
      requests.push({ label: `seed ${SEED}, path segment ${i} (POST)`, method: 'POST', path: `/api/trpc/models.get${segment}`, headers: { ...identities.token, 'content-type': 'application/json' }, body: Buffer.from('{}') });
    }
    for (const p of mutations) requests.push({ label: `seed ${SEED}, ${p.path} as GET`, method: 'GET', path: `/api/trpc/${p.path}?input=${encodeURIComponent(JSON.stringify(wire(p.input)))}`, headers: identities.token });
    for (const p of procedures.slice(0, 20)) requests.push({ label: `seed ${SEED}, ${p.path} anonymous`, method: p.type === 'query' ? 'GET' : 'POST', path: `/api/trpc/${p.path}`, headers: { 'content-type': 'application/json' }, body: p.type === 'query' ? undefined : Buffer.from(JSON.stringify(wire(p.input))) });

    // Dates at the ends of what JavaScript can hold, far past what timestamptz stores.
    const datedInputs = procedures.filter((p) => p.input && Object.values(p.input as object).some((v) => v instanceof Date));
    for (const p of datedInputs) {
      for (const at of [new Date(-8.64e15), new Date(8.64e15), new Date(0)]) {
        const input = Object.fromEntries(Object.entries(p.input as object).map(([k, v]) => [k, v instanceof Date ? at : v]));
        requests.push({ label: `seed ${SEED}, ${p.path} with dates at ${at.toISOString()}`, method: 'GET', path: `/api/trpc/${p.path}?input=${encodeURIComponent(JSON.stringify(wire(input)))}`, headers: identities.token });
      }
    }

    // Credentials that are not: malformed bearer tokens and session cookies.
    const badCredentials = [
      ...['Bearer', 'Bearer a b', 'Basic dXNlcjpwYXNz', `Bearer ${'x'.repeat(8000)}`, 'Bearer blt_\u00ff\u00fe'].map((authorization) => ({ authorization })),
      ...['%zz', '%E0%A4%A', '', 'not.a.jwt', 'x'.repeat(8000)].map((v) => ({ cookie: `next-auth.session-token=${v}` })),
    ];
    for (const [i, headers] of badCredentials.entries()) {
      requests.push({ label: `seed ${SEED}, bad credentials ${i} (query)`, method: 'GET', path: '/api/trpc/models.list', headers });
      requests.push({ label: `seed ${SEED}, bad credentials ${i} (mutation)`, method: 'POST', path: '/api/trpc/tokens.revoke', headers: { ...headers, 'content-type': 'application/json' }, body: Buffer.from('{"json":{"id":"00000000-0000-4000-8000-000000000000"}}') });
    }

    const summary = await runFuzz(server.url, requests, { concurrency: 4 });
    console.log(formatFuzzSummary('tRPC', SEED, summary));
    expect(summary.requests).toBeGreaterThanOrEqual(1000);
    expect(summary.failures.slice(0, 25)).toEqual([]);
    expect(summary.byClass['5xx']).toBe(0);
    expect(summary.byClass['4xx']).toBeGreaterThan(summary.requests / 2);
    expect(await tableChecksums(db, checksumOpts)).toEqual(before);
  });
});
