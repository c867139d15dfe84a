import { encode } from 'next-auth/jwt';
import { beforeAll, describe, expect, it } from 'vitest';
import * as mlflow from '@/app/api/2.0/mlflow/[...path]/route';
import * as trpc from '@/app/api/trpc/[trpc]/route';
import * as validations from '@/app/api/v1/models/[name]/versions/[version]/validations/route';
import { makeToken, testDb } from '../testing/fixtures';

// The real route handlers, called as Next.js calls them. NEXTAUTH_URL is http://localhost:3000 (integration setup).
const BASE = 'http://localhost:3000';
const FOREIGN = 'https://evil.example';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let cookie: string;
let bearer: Record<string, string>;

beforeAll(async () => {
  const made = await makeToken('engineer', ['ingest']);
  bearer = made.bearer;
  cookie = `next-auth.session-token=${await encode({ token: { sub: made.user.id, email: made.user.email }, secret: process.env.NEXTAUTH_SECRET! })}`;
});

async function send(handler: (r: Request, c?: any) => Promise<Response>, url: string, headers: Record<string, string>, body: unknown, params?: Record<string, string>) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await handler(new Request(`${BASE}${url}`, { method: 'POST', headers, body: JSON.stringify(body) }), params ? { params: Promise.resolve(params) } : undefined);
  return { status: res.status, json: (await res.json()) as Json };
}

const forged = () => ({ cookie, origin: FOREIGN, 'content-type': 'text/plain' });
const sameSiteText = () => ({ cookie, origin: BASE, 'content-type': 'text/plain' });
const sameSiteJson = () => ({ cookie, origin: BASE, 'content-type': 'application/json' });
const tokenForged = () => ({ ...bearer, origin: FOREIGN, 'content-type': 'text/plain' });

describe('cross-site requests on REST routes', () => {
  it('experiments/create: a forged signed-in request is refused 403 (SAME_ORIGIN / JSON_CONTENT_TYPE) and stores nothing; Bearer is exempt', async () => {
    const before = await testDb().db.experiment.count();
    const refused = await send(mlflow.POST, '/api/2.0/mlflow/experiments/create', forged(), { name: `forged-${Date.now()}` });
    expect(refused).toMatchObject({ status: 403, json: { error_code: 'PERMISSION_DENIED', message: expect.stringMatching(/SAME_ORIGIN/) } });
    const notJson = await send(mlflow.POST, '/api/2.0/mlflow/experiments/create', sameSiteText(), { name: `plain-${Date.now()}` });
    expect(notJson).toMatchObject({ status: 403, json: { message: expect.stringMatching(/JSON_CONTENT_TYPE/) } });
    const noOrigin = await send(mlflow.POST, '/api/2.0/mlflow/experiments/create', { cookie, 'content-type': 'application/json' }, { name: `bare-${Date.now()}` });
    expect(noOrigin).toMatchObject({ status: 403, json: { message: expect.stringMatching(/no Origin or Referer/) } });
    expect(await testDb().db.experiment.count()).toBe(before);

    expect((await send(mlflow.POST, '/api/2.0/mlflow/experiments/create', sameSiteJson(), { name: `ok-${Date.now()}` })).status).toBe(200);
    expect((await send(mlflow.POST, '/api/2.0/mlflow/experiments/create', tokenForged(), { name: `token-${Date.now()}` })).status).toBe(200);
    const referred = await send(mlflow.POST, '/api/2.0/mlflow/experiments/create', { cookie, referer: `${BASE}/experiments`, 'content-type': 'application/json' }, { name: `ref-${Date.now()}` });
    expect(referred.status).toBe(200);
  });

  it('registered-models/rename: forged 403, Bearer passes the guard', async () => {
    const refused = await send(mlflow.POST, '/api/2.0/mlflow/registered-models/rename', forged(), { name: 'no-such-model', new_name: 'stolen' });
    expect(refused).toMatchObject({ status: 403, json: { message: expect.stringMatching(/SAME_ORIGIN/) } });
    // Past the guard the model is looked up: it does not exist.
    const passed = await send(mlflow.POST, '/api/2.0/mlflow/registered-models/rename', tokenForged(), { name: 'no-such-model', new_name: 'stolen' });
    expect(passed).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });

  it('validations: forged 403 naming the rule, Bearer passes the guard', async () => {
    const body = { checks: [{ name: 'acc', metric: 'accuracy', comparator: '>=', threshold: 0.9, observed: 0.95 }] };
    const params = { name: 'no-such-model', version: '1' };
    const url = '/api/v1/models/no-such-model/versions/1/validations';
    const refused = await send(validations.POST, url, forged(), body, params);
    expect(refused).toMatchObject({ status: 403, json: { error: { code: 'SAME_ORIGIN', details: { rule: 'SAME_ORIGIN' } } } });
    const notJson = await send(validations.POST, url, sameSiteText(), body, params);
    expect(notJson).toMatchObject({ status: 403, json: { error: { code: 'JSON_CONTENT_TYPE', details: { rule: 'JSON_CONTENT_TYPE' } } } });
    // Past the guard (and, for the token, past the text/plain body) the version is looked up.
    expect((await send(validations.POST, url, tokenForged(), body, params)).status).toBe(404);
    expect((await send(validations.POST, url, sameSiteJson(), body, params)).status).toBe(404);
  });
});

describe('cross-site requests on tRPC', () => {
  const mutate = (headers: Record<string, string>) =>
    send(trpc.POST, '/api/trpc/tokens.create', headers, { json: { name: `t-${Date.now()}-${Math.random()}`, scopes: ['ingest'] } });

  it('refuses a forged signed-in mutation with 403 and creates nothing; same-origin JSON and Bearer calls pass', async () => {
    const before = await testDb().db.apiToken.count();
    const refused = await mutate({ cookie, origin: FOREIGN, 'content-type': 'application/json' });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.json)).toMatch(/SAME_ORIGIN/);
    // tRPC answers a text/plain body 415 itself; a form-data body (which tRPC would read) reaches the guard.
    expect((await mutate(sameSiteText())).status).toBe(415);
    expect((await mutate(forged())).status).toBe(415);
    const form = await mutate({ cookie, origin: BASE, 'content-type': 'multipart/form-data; boundary=x' });
    expect(form.status).toBe(403);
    expect(JSON.stringify(form.json)).toMatch(/JSON_CONTENT_TYPE/);
    expect(await testDb().db.apiToken.count()).toBe(before);
    expect((await mutate(sameSiteJson())).status).toBe(200);
    expect(await testDb().db.apiToken.count()).toBe(before + 1);
    // A token caller is not refused as cross-site: it gets to the scope check (ingest lacks token:manage).
    const token = await mutate({ ...bearer, origin: FOREIGN, 'content-type': 'application/json' });
    expect(token.status).toBe(403);
    expect(JSON.stringify(token.json)).toMatch(/needs the token:manage permission/);
  });
});
