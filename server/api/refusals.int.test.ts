import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import superjson from 'superjson';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { TPrincipal } from '../auth/principal';
import type { TErrorData } from '../contracts/refusals';
import { addVersion, callerAs, makeRegistryPeople, newModel, type TRegistry } from '../testing/deployment-fixtures';
import { DomainError, INTERNAL_ERROR_MESSAGE } from '../domain/errors';
import { testDb } from '../testing/fixtures';
import { appRouter } from './root';

vi.hoisted(async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  process.env.BALLAST_ARTIFACT_ROOT = mkdtempSync(path.join(tmpdir(), 'ballast-refusals-'));
});

/*
 * Refusals keep their meaning over the wire: the tRPC HTTP answer of a refused step carries the
 * rule's code in error.data.code and its details, with the status of the one error table.
 */

type TErrorBody = { error: { json: { message: string; code: number; data: TErrorData } } };

let p: TRegistry;
beforeAll(async () => {
  p = await makeRegistryPeople();
});

/** One tRPC call over the fetch adapter (the real router, formatter and status), signed in as `principal`. */
async function call(principal: TPrincipal, type: 'query' | 'mutation', path: string, input: unknown, db = testDb().db): Promise<{ status: number; body: unknown }> {
  const url = `http://localhost/api/trpc/${path}`;
  const req =
    type === 'mutation'
      ? new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(superjson.serialize(input)) })
      : new Request(`${url}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`);
  const res = await fetchRequestHandler({ endpoint: '/api/trpc', req, router: appRouter, createContext: () => ({ db, principal, authError: null, requestId: 'refusals' }) });
  return { status: res.status, body: await res.json() };
}

async function refusalOf(principal: TPrincipal, path: string, input: unknown) {
  const { status, body } = await call(principal, 'mutation', path, input);
  return { status, ...(body as TErrorBody).error.json };
}

describe('tRPC refusals carry the rule code and its details', () => {
  it('a promotion request with an unmet gate: 409 GATES_UNMET listing the gate and its reason', async () => {
    const name = await newModel(p);
    // 250 ms p99 against the realtime SLA of p99 <= 100 ms.
    const slow = await addVersion(p, name, { p99Ms: 250 });
    const refused = await refusalOf(p.engineer.principal, 'promotions.request', { modelName: name, version: slow.version });
    expect(refused.status).toBe(409);
    expect(refused.data).toMatchObject({ code: 'GATES_UNMET', httpStatus: 409 });
    expect(refused.data.details).toEqual({
      model: name,
      version: slow.version,
      to: 'production',
      unmet: [{ gate: 'benchmark', met: false, reason: 'p99 250 ms breaks the realtime SLA (p99 <= 100 ms)' }],
      mlflowErrorCode: 'INVALID_STATE',
    });
    expect(refused.message).toMatch(/unmet gates: benchmark: p99 250 ms/);
  });

  it('four-eyes, ownership and a closed request each name their rule', async () => {
    const name = await newModel(p);
    const v = await addVersion(p, name);
    // The owner asks, and may not approve their own request.
    const request = await callerAs(p.owner.principal).promotions.request({ modelName: name, version: v.version });
    const own = await refusalOf(p.owner.principal, 'promotions.approve', { requestId: request.id });
    expect(own).toMatchObject({ status: 403, data: { code: 'FOUR_EYES', httpStatus: 403, details: { adminOverride: false, minReasonLength: 10 } } });
    expect(own.message).toMatch(/four-eyes/);
    // Someone who owns nothing here.
    const outsider = await refusalOf(p.outsider.principal, 'promotions.approve', { requestId: request.id });
    expect(outsider).toMatchObject({ status: 403, data: { code: 'NOT_OWNER', details: { model: name, action: 'approve a promotion' } } });
    // Only the requester withdraws.
    const notMine = await refusalOf(p.engineer.principal, 'promotions.withdraw', { requestId: request.id });
    expect(notMine).toMatchObject({ status: 403, data: { code: 'NOT_REQUESTER', details: { requestId: request.id } } });
    // Withdrawn, it cannot be approved any more: what the approver decided on has changed.
    await callerAs(p.owner.principal).promotions.withdraw({ requestId: request.id });
    const closed = await refusalOf(p.owner2.principal, 'promotions.approve', { requestId: request.id });
    expect(closed).toMatchObject({ status: 409, data: { code: 'STALE_SNAPSHOT', details: { changed: 'request', status: 'withdrawn' } } });
  });

  it('a running deployment decides production: DEPLOYMENT_RUNNING names it', async () => {
    const name = await newModel(p);
    await addVersion(p, name, { stage: 'production' });
    const candidate = await addVersion(p, name);
    const other = await addVersion(p, name);
    const d = await callerAs(p.owner.principal).deployments.create({ modelName: name, version: candidate.version, strategy: 'canary' });
    const refused = await refusalOf(p.engineer.principal, 'promotions.request', { modelName: name, version: other.version });
    expect(refused).toMatchObject({ status: 409, data: { code: 'DEPLOYMENT_RUNNING', details: { deploymentId: d.id, status: 'running', strategy: 'canary' } } });
    const second = await refusalOf(p.owner.principal, 'deployments.create', { modelName: name, version: other.version, strategy: 'canary' });
    expect(second).toMatchObject({ status: 409, data: { code: 'DEPLOYMENT_RUNNING', details: { deploymentId: d.id } } });
  });

  it('input the schema refuses keeps its generic code and field list; no details leak on a scope refusal', async () => {
    const bad = await refusalOf(p.engineer.principal, 'promotions.request', { modelName: '', version: 1 });
    expect(bad.status).toBe(400);
    expect(bad.data.code).toBe('BAD_REQUEST');
    expect(bad.data.zodIssues?.[0]).toMatch(/^modelName: /);
    const viewer: TPrincipal = { ...p.engineer.principal, scopes: ['model:read'] } as TPrincipal;
    const scope = await refusalOf(viewer, 'promotions.request', { modelName: 'x', version: 1 });
    expect(scope).toMatchObject({ status: 403, data: { code: 'FORBIDDEN', httpStatus: 403 } });
    expect(scope.data.details).toBeUndefined();
  });
});

describe('5xx answers still hide internals', () => {
  it('an unexpected error and an INTERNAL domain error both read as the generic message, without details', async () => {
    const failingWith = (err: Error) =>
      new Proxy(testDb().db, { get: (target, key) => (key === 'registeredModel' ? { findUnique: () => Promise.reject(err) } : Reflect.get(target, key)) }) as ReturnType<typeof testDb>['db'];
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const err of [new Error('relation "secret_table" does not exist'), new DomainError('INTERNAL', 'SELECT * FROM secret_table failed', { sql: 'SELECT * FROM secret_table' })]) {
      const { status, body } = await call(p.owner.principal, 'query', 'models.get', { name: 'any-model' }, failingWith(err));
      const json = (body as TErrorBody).error.json;
      expect(status).toBe(500);
      expect(json.message).toBe(INTERNAL_ERROR_MESSAGE);
      expect(json.data.details).toBeUndefined();
      expect(JSON.stringify(body)).not.toContain('secret_table');
    }
    vi.restoreAllMocks();
  });
});

describe('deployments.get answers the canary decision with typed figures and the policy it is judged by', () => {
  it('a fresh canary: no traffic yet, so the threshold is the floor (2 x 0.5% = 1%) and p99 is null', async () => {
    const name = await newModel(p);
    await addVersion(p, name, { stage: 'production' });
    const candidate = await addVersion(p, name);
    const d = await callerAs(p.owner.principal).deployments.create({ modelName: name, version: candidate.version, strategy: 'canary' });
    const { status, body } = await call(p.owner.principal, 'query', 'deployments.get', { deploymentId: d.id });
    expect(status).toBe(200);
    const view = superjson.deserialize((body as { result: { data: Parameters<typeof superjson.deserialize>[0] } }).result.data) as Record<string, unknown>;
    // Values by hand: realtime SLA p99 <= 100 ms; rollback above 2x max(stable rate 0, floor 0.005) = 0.01.
    expect(view.canaryPolicy).toEqual({ minCandidateRequests: 200, errorRateFactor: 2, errorRateFloor: 0.005, lowestErrorRateThreshold: 0.01, errorRateThreshold: 0.01, slaP99Ms: 100 });
    expect(view.liveDecision).toEqual({
      action: 'continue',
      reason: null,
      message: 'waiting for 200 candidate requests (0 so far)',
      figures: { candidateRequests: 0, candidateErrorRate: 0, stableErrorRate: 0, errorRateThreshold: 0.01, candidateP99Ms: null, slaP99Ms: 100 },
    });
    expect(view.createdAt).toBeInstanceOf(Date);
  });
});
