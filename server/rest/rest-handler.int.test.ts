import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as validationsRoute from '@/app/api/v1/models/[name]/versions/[version]/validations/route';
import { proxy } from '@/proxy';
import { GET as auditGet } from '@/app/api/v1/audit/route';
import { GET as healthGet } from '@/app/api/health/route';
import { POST as usersPost } from '@/app/api/v1/users/route';
import { GET as whoamiGet } from '@/app/api/v1/whoami/route';
import { ctxAs, makeToken, testDb } from '../testing/fixtures';
import { revokeApiToken } from '../services/revoke-api-token';
import { sendRaw } from '../testing/fuzz/send-raw';
import { startRouteServer, type TRouteServer } from '../testing/route-server';
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

describe('REST wrapper over HTTP: caps, the input floor, ranges and refusals from the database', () => {
  let server: TRouteServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    server = await startRouteServer(
      {
        '/api/v1/users': { POST: usersPost },
        '/api/v1/audit': { GET: auditGet },
        '/api/v1/models/[name]/versions/[version]/validations': validationsRoute,
      },
      0,
      { proxy },
    );
    admin = (await makeToken('admin', ['admin'])).bearer;
  });
  afterAll(() => server?.close());

  const json = { 'content-type': 'application/json' };
  const send = (method: string, path: string, body?: Buffer | string, chunked = false) =>
    sendRaw(server.url, { method, path, headers: { ...admin, ...json }, body: body === undefined ? undefined : Buffer.from(body), chunked });
  const errorOf = (res: { body: string }) => (JSON.parse(res.body) as { error: { code: string; message: string } }).error;

  it('413 for a chunked body past 1 MiB, naming the limit; nothing written', async () => {
    const before = await testDb().db.user.count();
    const res = await send('POST', '/api/v1/users', JSON.stringify({ email: 'chunked@test.local', role: 'viewer', password: 'x'.repeat(3 << 20) }), true);
    expect(res.status).toBe(413);
    expect(errorOf(res)).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'request body is over the limit of 1048576 bytes (1 MiB)', details: { limitBytes: 1048576 } });
    expect(await testDb().db.user.count()).toBe(before);
  });

  it('400 for bytes that are not UTF-8', async () => {
    const res = await send('POST', '/api/v1/users', Buffer.concat([Buffer.from('{"email":"a@b.c","name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","role":"viewer","password":"long-enough-1"}')]));
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toBe('request body is not valid UTF-8');
  });

  it('400 naming the field for a NUL or over-deep nesting in a body, and for a NUL in a query value', async () => {
    const nul = await send('POST', '/api/v1/users', JSON.stringify({ email: 'nul@test.local', name: 'Ann\u0000', role: 'viewer', password: 'long-enough-1' }));
    expect(nul.status).toBe(400);
    expect(errorOf(nul).message).toBe('invalid request body: name: contains a NUL character (U+0000) at position 3');
    const deep = await send('POST', '/api/v1/users', `{"email":"deep@test.local","role":"viewer","password":"long-enough-1","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(deep.status).toBe(400);
    expect(errorOf(deep).message).toMatch(/^invalid request body: x(\.0)+: is nested more than 64 levels deep$/);
    const query = await send('GET', '/api/v1/audit?action=a%00b');
    expect(query.status).toBe(400);
    expect(errorOf(query).message).toBe('invalid query: action: contains a NUL character (U+0000) at position 1');
    // Next decodes the query leniently before any handler sees it ("%zz" stays text): a 400 from the schema.
    const malformed = await send('GET', '/api/v1/audit?limit=%zz');
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed).message).toMatch(/^invalid query: limit: /);
    expect(await testDb().db.user.count({ where: { email: { in: ['nul@test.local', 'deep@test.local'] } } })).toBe(0);
  });

  it('400 naming the segment for a version past int4 or not a number in the path', async () => {
    const checks = JSON.stringify({ checks: [{ name: 'acc', metric: 'accuracy', threshold: 0.9, observed: 0.95 }] });
    for (const [version, rule] of [
      ['2147483648', 'version: must be at most 2147483647 (it is stored as a 32-bit integer)'],
      ['abc', 'version: must be an integer'],
      ['0', 'version: must be at least 1'],
    ]) {
      const res = await send('POST', `/api/v1/models/churn/versions/${version}/validations`, checks);
      expect(res.status, version).toBe(400);
      expect(errorOf(res).message).toBe(`invalid path: ${rule}`);
    }
  });

  it('400 JSON naming the segment for malformed percent-encoding in a dynamic segment', async () => {
    for (const segment of ['%E0%A4%A', '%zz', '%', '%ff%fe']) {
      const res = await send('POST', `/api/v1/models/${segment}/versions/1/validations`, '{}');
      expect(res.status, segment).toBe(400);
      expect(errorOf(res)).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining(`path segment 4 ("${segment}")`) });
    }
  });

  it('concurrent creates of one email: one 201, the rest 409 naming the field, one row', async () => {
    const body = JSON.stringify({ email: 'raced@test.local', role: 'viewer', password: 'long-enough-1' });
    const results = await Promise.all(Array.from({ length: 6 }, () => send('POST', '/api/v1/users', body)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(errorOf(r).message).toMatch(/^a user with (this )?email .*already exists$/);
    expect(await testDb().db.user.count({ where: { email: 'raced@test.local' } })).toBe(1);
  });
});
