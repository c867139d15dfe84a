import { request } from 'node:http';
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import * as trpcRoute from '@/app/api/trpc/[trpc]/route';
import { proxy } from '@/proxy';
import { makeToken, makeUser, testDb } from '../testing/fixtures';
import { sendRaw } from '../testing/fuzz/send-raw';
import { startRouteServer, type TRouteServer } from '../testing/route-server';
import { appRouter } from './root';

// The tRPC route as Next runs it (real node:http, streamed bodies, the root proxy first):
// body caps before a body is read in full, the input floor, int4 ranges and database refusals.

let server: TRouteServer;
let admin: Record<string, string>;
let session: Record<string, string>;

beforeAll(async () => {
  server = await startRouteServer({ '/api/trpc/[trpc]': trpcRoute }, 0, { proxy });
  admin = (await makeToken('admin', ['admin'])).bearer;
  const engineer = await makeUser('engineer');
  const jwt = await encode({ token: { sub: engineer.id, email: engineer.email }, secret: process.env.NEXTAUTH_SECRET! });
  // A browser session: same-origin Origin, as the cross-site guard requires of signed-in mutations.
  session = { cookie: `next-auth.session-token=${jwt}`, origin: server.url };
});
afterAll(() => server?.close());

const json = { 'content-type': 'application/json' };
const mutate = (path: string, input: unknown, headers = admin) =>
  sendRaw(server.url, { method: 'POST', path: `/api/trpc/${path}`, headers: { ...headers, ...json }, body: Buffer.from(JSON.stringify({ json: input })) });
const query = (path: string, input: unknown, headers = admin) =>
  sendRaw(server.url, { method: 'GET', path: `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, headers });
const errorOf = (body: string) => (JSON.parse(body) as { error: { json: { message: string; data: { code: string; httpStatus: number } } } }).error.json;

describe('tRPC bodies are capped before they are read in full', () => {
  it('413 for a declared Content-Length over 1 MiB, naming the limit', async () => {
    const res = await sendRaw(server.url, { method: 'POST', path: '/api/trpc/models.create', headers: { ...admin, ...json }, body: Buffer.from(JSON.stringify({ json: { name: 'big', description: 'x'.repeat(2 << 20) } })) });
    expect(res.status).toBe(413);
    expect(errorOf(res.body)).toMatchObject({ message: expect.stringMatching(/limit is 1048576 bytes \(1 MiB\)/), data: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('413 for a chunked body past the cap, answered while the client is still sending (never read to its end)', async () => {
    // 2 MiB sent, then the request stays open: a reader that waited for the end would never answer.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(server.url);
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/api/trpc/models.create', headers: { ...admin, ...json, 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.setTimeout(15_000, () => req.destroy(new Error('no answer while the body was still open: the body was awaited in full')));
      req.write(`{"json":{"name":"chunked","description":"${'x'.repeat(2 << 20)}`);
    });
    expect(answer.status).toBe(413);
    expect(errorOf(answer.body).message).toBe('request body is over the limit of 1048576 bytes (1 MiB)');
    expect(await testDb().db.registeredModel.count({ where: { name: 'chunked' } })).toBe(0);
  });

  it('400 for a body that is not UTF-8, instead of storing U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('{"json":{"name":"utf8-model","description":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]);
    const res = await sendRaw(server.url, { method: 'POST', path: '/api/trpc/models.create', headers: { ...admin, ...json }, body });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).message).toBe('request body is not valid UTF-8');
    expect(await testDb().db.registeredModel.count({ where: { name: 'utf8-model' } })).toBe(0);
  });

  it('400 for ?input= with malformed escapes or a NUL (Next decodes the query leniently first)', async () => {
    const malformed = await sendRaw(server.url, { method: 'GET', path: '/api/trpc/models.get?input=%7B%22json%22%3A%7B%22name%22%3A%22a%ff%zz%22%7D%7D', headers: admin });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed.body).message).toMatch(/^name: must be 1-128 letters/);
    const nul = await sendRaw(server.url, { method: 'GET', path: '/api/trpc/audit.list?input=%7B%22json%22%3A%7B%22action%22%3A%22a%5Cu0000%22%7D%7D', headers: admin });
    expect(nul.status).toBe(400);
    expect(errorOf(nul.body).message).toBe('action: contains a NUL character (U+0000) at position 1');
  });
});

describe('tRPC input floor', () => {
  it('400 naming the field for a NUL or a lone surrogate in any string, before any schema runs', async () => {
    const nul = await mutate('models.create', { name: 'nul-model', description: 'poison\u0000' });
    expect(nul.status).toBe(400);
    expect(errorOf(nul.body).message).toBe('description: contains a NUL character (U+0000) at position 6');
    const surrogate = await sendRaw(server.url, { method: 'POST', path: '/api/trpc/models.create', headers: { ...admin, ...json }, body: Buffer.from('{"json":{"name":"s-model","tags":[{"key":"k","value":"\\ud800"}]}}') });
    expect(surrogate.status).toBe(400);
    expect(errorOf(surrogate.body).message).toMatch(/^tags\.0\.value: contains an unpaired surrogate/);
    expect(await testDb().db.registeredModel.count({ where: { name: { in: ['nul-model', 's-model'] } } })).toBe(0);
  });

  it('400 for nesting past 64 levels (100,000 levels do not overflow anything)', async () => {
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    const res = await sendRaw(server.url, { method: 'POST', path: '/api/trpc/models.create', headers: { ...admin, ...json }, body: Buffer.from(`{"json":{"name":"deep","description":${deep}}}`) });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).message).toMatch(/^description(\.0)+: is nested more than 64 levels deep$/);
  });

  it('the floor applies to queries and to each call of a batch', async () => {
    const res = await sendRaw(server.url, {
      method: 'GET',
      path: `/api/trpc/models.get,datasets.get?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: { name: 'ok-name' } }, 1: { json: { name: 'bad\u0000' } } }))}`,
      headers: admin,
    });
    const [first, second] = JSON.parse(res.body) as { error?: { json: { message: string; data: { httpStatus: number } } } }[];
    expect(first!.error!.json.data.httpStatus).toBe(404); // no such model: checked, not refused
    expect(second!.error!.json).toMatchObject({ message: 'name: contains a NUL character (U+0000) at position 3', data: { httpStatus: 400 } });
  });
});

describe('tRPC ranges and database refusals', () => {
  it('400 naming the field for a version past int4', async () => {
    const res = await query('versions.get', { modelName: 'any', version: 2147483648 });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).message).toBe('version: must be at most 2147483647 (it is stored as a 32-bit integer)');
  });

  it('400 for a length past the cap of a stored string', async () => {
    const res = await mutate('models.create', { name: 'long-tag', tags: [{ key: 'k'.repeat(251), value: 'v' }] });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).message).toMatch(/tags\.0\.key: must be at most 250 characters/);
  });

  it('concurrent creates of one name: one 200, the rest 409 CONFLICT naming it (session and token alike)', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => mutate('models.create', { name: 'raced-model' }, i % 2 ? admin : session)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.map((r) => r.status)).toEqual([409, 409, 409, 409, 409]);
    for (const r of refused) expect(errorOf(r.body)).toMatchObject({ data: { code: 'CONFLICT' }, message: expect.stringMatching(/already exists/) });
    expect(await testDb().db.registeredModel.count({ where: { name: 'raced-model' } })).toBe(1);
  });

  it('malformed percent-encoding in the path is a 400 JSON naming the segment', async () => {
    const res = await sendRaw(server.url, { method: 'GET', path: '/api/trpc/models.get%E0%A4%A', headers: admin });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/^path segment 3 \("models.get%E0%A4%A"\) is not valid percent-encoding/), details: { segment: 'models.get%E0%A4%A', position: 3 } },
    });
  });
});

describe('tRPC error formatter', () => {
  it('maps a database refusal raised outside any procedure (creating the context) through the same table', async () => {
    const db = testDb().db;
    await db.registeredModel.create({ data: { name: 'formatter-dup' } });
    const refusal = await db.registeredModel.create({ data: { name: 'formatter-dup' } }).catch((e: unknown) => e);
    const res = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req: new Request('http://localhost/api/trpc/models.list'),
      router: appRouter,
      createContext: () => Promise.reject(refusal),
    });
    expect(res.status).toBe(409);
    expect(errorOf(await res.text())).toMatchObject({ message: 'a registered model with this name already exists', data: { code: 'CONFLICT', httpStatus: 409 } });
  });
});
