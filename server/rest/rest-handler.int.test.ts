import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GET as auditGet } from '@/app/api/v1/audit/route';
import { GET as healthGet } from '@/app/api/health/route';
import { POST as usersPost } from '@/app/api/v1/users/route';
import { GET as whoamiGet } from '@/app/api/v1/whoami/route';
import { ctxAs, makeToken, testDb } from '../testing/fixtures';
import { revokeApiToken } from '../services/revoke-api-token';
import { restHandler } from './rest-handler';

const BASE = 'http://localhost:3000';

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return new Request(BASE + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

describe('REST wrapper: authentication and scopes', () => {
  it('401 without credentials, naming how to authenticate', async () => {
    const res = await whoamiGet(new Request(`${BASE}/api/v1/whoami`));
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toMatch(/Bearer/);
  });

  it('401 for an unknown or revoked token, 200 for a valid one', async () => {
    const unknown = await whoamiGet(new Request(`${BASE}/api/v1/whoami`, { headers: { authorization: 'Bearer blt_unknown-token-xxxxxxxxxxxxxxxxxxxx' } }));
    expect(unknown.status).toBe(401);
    expect((await unknown.json()).error.message).toBe('unknown API token');

    const { user, token, bearer } = await makeToken('engineer', ['ingest']);
    const ok = await whoamiGet(new Request(`${BASE}/api/v1/whoami`, { headers: bearer }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ kind: 'token', label: `token:${token.name}` });

    await revokeApiToken(ctxAs(user.principal), token.id);
    const revoked = await whoamiGet(new Request(`${BASE}/api/v1/whoami`, { headers: bearer }));
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).error.message).toMatch(/revoked/);
  });

  it('403 for a valid token without the scope, and nothing is written', async () => {
    const { bearer } = await makeToken('engineer', ['ingest']);
    const before = await testDb().db.user.count();
    const res = await usersPost(post('/api/v1/users', JSON.stringify({ email: 'x@test.local', role: 'viewer', password: 'long-enough-1' }), bearer));
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toMatch(/user:manage/);
    expect(await testDb().db.user.count()).toBe(before);
  });
});

describe('REST wrapper: bodies', () => {
  it('201 for a valid body, with an audit event', async () => {
    const { bearer } = await makeToken('admin', ['admin']);
    const res = await usersPost(post('/api/v1/users', JSON.stringify({ email: 'New.Person@Test.Local', role: 'engineer', password: 'long-enough-1' }), bearer));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ email: 'new.person@test.local', role: 'engineer' });
    expect(await testDb().db.auditEvent.count({ where: { action: 'user.created', after: { path: ['email'], equals: 'new.person@test.local' } } })).toBe(1);
  });

  it('400 for malformed JSON and for a body failing its schema, naming the field; nothing written', async () => {
    const { bearer } = await makeToken('admin', ['admin']);
    const before = await testDb().db.user.count();
    const malformed = await usersPost(post('/api/v1/users', '{"email": "a@b.c",', bearer));
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.message).toMatch(/not valid JSON/);

    const invalid = await usersPost(post('/api/v1/users', JSON.stringify({ email: 'not-an-email', role: 'overlord', password: 'x' }), bearer));
    expect(invalid.status).toBe(400);
    const message = (await invalid.json()).error.message as string;
    expect(message).toMatch(/email: must be an email address/);
    expect(message).toMatch(/role: /);
    expect(message).toMatch(/password: must be at least 12 characters/);
    expect(await testDb().db.user.count()).toBe(before);
  });

  it('409 for a duplicate, leaving the stored user unchanged', async () => {
    const { bearer } = await makeToken('admin', ['admin']);
    const body = { email: 'dup@test.local', role: 'viewer', password: 'long-enough-1' };
    expect((await usersPost(post('/api/v1/users', JSON.stringify(body), bearer))).status).toBe(201);
    const again = await usersPost(post('/api/v1/users', JSON.stringify({ ...body, role: 'admin' }), bearer));
    expect(again.status).toBe(409);
    expect((await testDb().db.user.findUniqueOrThrow({ where: { email: 'dup@test.local' } })).role).toBe('viewer');
  });

  it('413 for a body over the limit', async () => {
    const { bearer } = await makeToken('admin', ['admin']);
    const res = await usersPost(post('/api/v1/users', JSON.stringify({ email: 'big@test.local', role: 'viewer', password: 'x'.repeat(2 << 20) }), bearer));
    expect(res.status).toBe(413);
  });

  it('400 for a bad query parameter, naming it', async () => {
    const { bearer } = await makeToken('admin', ['admin']);
    const res = await auditGet(new Request(`${BASE}/api/v1/audit?limit=5000`, { headers: bearer }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/limit: /);
  });

  it('hides the details of a 500 from the caller', async () => {
    const failing = restHandler({ scope: null, body: z.object({}) }, async () => {
      throw new Error('relation "secret_table" does not exist');
    });
    const res = await failing(post('/x', '{}'));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret_table');
    expect(JSON.parse(text).error.message).toMatch(/Internal error/);
  });
});

describe('GET /api/health', () => {
  it('reports the database reachable and the migrations current', async () => {
    const res = await healthGet();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: { reachable: true, migrations: { current: true, pending: [] } } });
  });
});
