import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as healthRoute from '@/app/api/health/route';
import * as metricsRoute from '@/app/api/metrics/route';
import * as auditRoute from '@/app/api/v1/audit/route';
import * as feedbackRoute from '@/app/api/v1/feedback/route';
import * as modelFilesRoute from '@/app/api/v1/model-files/route';
import * as benchmarksRoute from '@/app/api/v1/models/[name]/versions/[version]/benchmarks/route';
import * as validationsRoute from '@/app/api/v1/models/[name]/versions/[version]/validations/route';
import * as usersRoute from '@/app/api/v1/users/route';
import * as whoamiRoute from '@/app/api/v1/whoami/route';
import * as desiredStateRoute from '@/app/api/worker/v1/desired-state/route';
import * as heartbeatRoute from '@/app/api/worker/v1/heartbeat/route';
import * as artifactRoute from '@/app/api/worker/v1/models/[name]/versions/[version]/artifact/route';
import * as logsRoute from '@/app/api/worker/v1/prediction-logs/route';
import { proxy } from '@/proxy';
import { LATENCY_BUCKETS_MS } from '../contracts/worker-report';
import { makeToken, makeUser, testDb } from '../testing/fixtures';
import { fuzzCases, NASTY_PATH_SEGMENTS } from '../testing/fuzz/fuzz-cases';
import { formatFuzzSummary, fuzzQueries, fuzzSeed, runFuzz, type TFuzzRequest } from '../testing/fuzz/run-fuzz';
import { tableChecksums } from '../testing/fuzz/table-checksums';
import { insertPredictionLogs, makeDeployment, makeMonitoredModel } from '../testing/monitoring-fixtures';
import { startRouteServer, type TRouteServer } from '../testing/route-server';

/*
 * Deliver item 9, Ballast's own REST routes (app/api/v1/*, app/api/worker/v1/*, health, metrics):
 * seeded malformed bodies, queries and path segments through the real route handlers behind
 * node:http and the root proxy, with API tokens and a session cookie. Nothing may answer 5xx or
 * hang, and no table may change, except the two a valid heartbeat writes by design (a worker's
 * row and its traffic counters). Writes are aimed where a valid variant is still refused (an
 * existing email, an unknown version or request). Replay a failure with FUZZ_SEED=<seed>.
 */

const SEED = fuzzSeed(20_261_206);

let server: TRouteServer;
let requests: TFuzzRequest[] = [];

beforeAll(async () => {
  server = await startRouteServer(
    {
      '/api/health': healthRoute,
      '/api/metrics': metricsRoute,
      '/api/v1/audit': auditRoute,
      '/api/v1/feedback': feedbackRoute,
      '/api/v1/model-files': modelFilesRoute,
      '/api/v1/models/[name]/versions/[version]/benchmarks': benchmarksRoute,
      '/api/v1/models/[name]/versions/[version]/validations': validationsRoute,
      '/api/v1/users': usersRoute,
      '/api/v1/whoami': whoamiRoute,
      '/api/worker/v1/desired-state': desiredStateRoute,
      '/api/worker/v1/heartbeat': heartbeatRoute,
      '/api/worker/v1/models/[name]/versions/[version]/artifact': artifactRoute,
      '/api/worker/v1/prediction-logs': logsRoute,
    },
    0,
    { proxy },
  );
  const db = testDb().db;
  const { bearer: admin, user: tokenOwner } = await makeToken('admin', ['admin']);
  const { bearer: worker } = await makeToken('admin', ['worker']);
  const person = await makeUser('admin');
  const session = { cookie: `next-auth.session-token=${await encode({ token: { sub: person.id, email: person.email }, secret: process.env.NEXTAUTH_SECRET! })}` };
  const { model, versions } = await makeMonitoredModel(db, { versions: 2 });
  await makeDeployment(db, model.id, { stableVersionId: versions[0]!.id, candidateVersionId: versions[1]!.id, outcomeKind: 'binary' });
  await insertPredictionLogs(db, [{ ts: new Date(), requestId: 'seed-req', routingKey: 'user-1', modelVersionId: versions[0]!.id, variant: 'a', inputs: [1, 2, 3, 4], prediction: 1, confidence: 0.9 }]);
  const name = model.name;
  const json = 'application/json';

  /** One route's body fuzz: `count` cases from one valid example. */
  const bodies = (path: string, headers: Record<string, string>, example: unknown, count: number, seed: number, opts: { oversizeBytes?: number } = {}): TFuzzRequest[] =>
    fuzzCases(seed, count, example, opts).map((c, i) => ({
      label: `seed ${SEED}: POST ${path} (fuzzCases(${seed}, ${count})[${i}]): ${c.label}`,
      method: 'POST',
      path,
      headers: { ...headers, ...(c.contentType ? { 'content-type': c.contentType } : {}) },
      body: c.body,
      chunked: c.chunked,
      oversized: c.label.startsWith('oversized'),
    }));
  /** One route's query fuzz. */
  const queries = (path: string, headers: Record<string, string>, example: Record<string, string>, count: number, seed: number): TFuzzRequest[] =>
    fuzzQueries(seed, count, example).map((q, i) => ({ label: `seed ${SEED}: GET ${path} (fuzzQueries(${seed}, ${count})[${i}]): ${q.label}`, method: 'GET', path: `${path}${q.search}`, headers }));
  /** Hostile dynamic segments in each position of a pattern like /a/{0}/b/{1}. */
  const segments = (method: string, pattern: (a: string, b: string) => string, valid: [string, string], headers: Record<string, string>, body?: unknown): TFuzzRequest[] =>
    NASTY_PATH_SEGMENTS.flatMap((s, i) =>
      [pattern(s, valid[1]), pattern(valid[0], s)].map((path, j) => ({
        label: `seed ${SEED}: ${method} path segment ${i} in position ${j}`,
        method,
        path,
        headers: { ...headers, 'content-type': json },
        body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      })),
    );

  const checks = { checks: [{ name: 'holdout-accuracy', metric: 'accuracy', comparator: '>=', threshold: 0.9, observed: 0.95 }] };
  const benchmark = { hardware: 'cpu-2', batchSize: 8, p50Ms: 2, p99Ms: 20, throughput: 1000 };
  const heartbeat = {
    worker_id: 'fuzz-worker',
    hostname: 'fuzz-host',
    started_at: new Date(Date.now() - 60_000).toISOString(),
    sent_at: new Date().toISOString(),
    uptime_s: 60,
    execution_provider: 'cpu',
    desired_revision: 'rev-1',
    versions: [
      {
        model: name,
        version: 1,
        state: 'serving',
        variant: 'stable',
        weight: 10_000,
        requests: 10,
        rows: 10,
        errors: 0,
        latency: { bounds_ms: [...LATENCY_BUCKETS_MS], counts: [...LATENCY_BUCKETS_MS, 0].map(() => 1), sum_ms: 50 },
        last_served_at: new Date().toISOString(),
        failure: null,
      },
    ],
  };
  const logRecord = { request_id: 'fuzz-req', item: 0, model: 'fuzz-no-such-model', model_version: 1, variant: 'stable', input_hash: 'a'.repeat(64), prediction: 1, confidence: 0.9, latency_ms: 3, timestamp: new Date().toISOString(), error: null, routing_key: 'user-1', inputs: [1, 2, 3, 4] };
  const j = (h: Record<string, string>) => ({ ...h, 'content-type': json });

  requests = [
    ...bodies('/api/v1/users', admin, { email: tokenOwner.email, name: 'Dup', role: 'viewer', password: 'long-enough-1' }, 130, SEED + 1),
    ...bodies('/api/v1/users', session, { email: tokenOwner.email, role: 'engineer', password: 'long-enough-2' }, 60, SEED + 2),
    ...bodies('/api/v1/feedback', admin, { request_id: 'fuzz-unknown-request', outcome: { kind: 'binary', converted: true } }, 90, SEED + 3),
    ...bodies('/api/v1/feedback', session, { items: [{ request_id: 'fuzz-unknown-1', outcome: { kind: 'continuous', value: 1.5 } }, { routing_key: 'fuzz-unknown-key', outcome: { kind: 'binary', converted: false } }] }, 70, SEED + 4),
    ...bodies(`/api/v1/models/${name}/versions/999/validations`, admin, checks, 90, SEED + 5),
    ...bodies(`/api/v1/models/${name}/versions/999/benchmarks`, worker, benchmark, 80, SEED + 6),
    ...bodies('/api/worker/v1/heartbeat', worker, heartbeat, 110, SEED + 7),
    ...bodies('/api/worker/v1/prediction-logs', worker, { worker_id: 'fuzz-worker', records: [logRecord, { ...logRecord, item: 1 }] }, 90, SEED + 8, { oversizeBytes: 33 << 20 }),
    ...bodies('/api/v1/model-files', admin, { not: 'an onnx file' }, 40, SEED + 9),
    ...queries('/api/v1/audit', admin, { action: 'model.created', actor: 'someone@test.local', subjectType: 'registered_model', from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z', cursor: '10', limit: '20' }, 110, SEED + 10),
    ...queries('/api/worker/v1/desired-state', worker, { models: `${name}@production,${name}@canary` }, 80, SEED + 11),
    ...queries('/api/metrics', admin, { format: 'text' }, 20, SEED + 12),
    ...queries('/api/v1/whoami', session, { verbose: '1' }, 20, SEED + 13),
    ...queries('/api/health', {}, { probe: '1' }, 10, SEED + 14),
    ...segments('POST', (a, b) => `/api/v1/models/${a}/versions/${b}/validations`, [name, '999'], admin, checks),
    ...segments('POST', (a, b) => `/api/v1/models/${a}/versions/${b}/benchmarks`, [name, '999'], worker, benchmark),
    ...segments('GET', (a, b) => `/api/worker/v1/models/${a}/versions/${b}/artifact`, [name, '999'], worker),
    // Credentials that are not: malformed bearer tokens and session cookies, on a route that needs them.
    ...['Bearer', 'Bearer ', 'Bearer a b', 'Basic dXNlcjpwYXNz', `Bearer ${'x'.repeat(8000)}`, 'Bearer blt_\u00ff\u00fe'].map((authorization, i) => ({ label: `seed ${SEED}: bad authorization ${i}`, method: 'GET', path: '/api/v1/whoami', headers: { authorization } })),
    ...['next-auth.session-token=%zz', 'next-auth.session-token=%E0%A4%A', 'next-auth.session-token=', 'next-auth.session-token=not.a.jwt', `next-auth.session-token=${'x'.repeat(8000)}`].map((cookie, i) => ({ label: `seed ${SEED}: bad session cookie ${i}`, method: 'GET', path: '/api/v1/whoami', headers: { cookie } })),
    { label: `seed ${SEED}: users with a body and no content-type`, method: 'POST', path: '/api/v1/users', headers: admin, body: Buffer.from('{}') },
    { label: `seed ${SEED}: heartbeat without credentials`, method: 'POST', path: '/api/worker/v1/heartbeat', headers: j({}), body: Buffer.from(JSON.stringify(heartbeat)) },
  ];
});
afterAll(() => server?.close());

describe('REST fuzz (Ballast routes)', () => {
  it('answers every malformed request with a 2xx or 4xx, in time, and changes no table', { timeout: 120_000 }, async () => {
    const db = testDb().db;
    // A valid heartbeat variant records its worker and traffic by design; a token's last use is stamped once a minute.
    const checksumOpts = { except: ['workers', 'version_traffic'], ignoreColumns: { api_tokens: ['last_used_at'] } };
    const before = await tableChecksums(db, checksumOpts);
    const summary = await runFuzz(server.url, requests, { concurrency: 4 });
    console.log(formatFuzzSummary('REST (Ballast routes)', SEED, summary));
    expect(summary.requests).toBeGreaterThanOrEqual(1000);
    expect(summary.failures.slice(0, 25)).toEqual([]);
    expect(summary.byClass['5xx']).toBe(0);
    expect(summary.byClass['4xx']).toBeGreaterThan(summary.requests / 2);
    expect(await tableChecksums(db, checksumOpts)).toEqual(before);
  });
});
