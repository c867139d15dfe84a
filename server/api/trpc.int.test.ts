import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it } from 'vitest';
import type { TPrincipal } from '../auth/principal';
import { makeToken, makeUser, testDb } from '../testing/fixtures';
import { appRouter, createCaller } from './root';
import { createTRPCContext } from './trpc';

function callerAs(principal: TPrincipal | null) {
  return createCaller({ db: testDb().db, principal, authError: null, requestId: 'test' });
}

describe('tRPC procedures', () => {
  it('refuse anonymous callers with UNAUTHORIZED', async () => {
    await expect(callerAs(null).audit.list({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('check the scope declared in meta', async () => {
    const viewer = await makeUser('viewer');
    await expect(callerAs(viewer.principal).tokens.create({ name: 'x', scopes: ['ingest'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(viewer.principal).users.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const events = await callerAs(viewer.principal).audit.list({});
    expect(Array.isArray(events.events)).toBe(true);
  });

  it('map domain errors through the one error table', async () => {
    const engineer = await makeUser('engineer');
    await expect(callerAs(engineer.principal).tokens.create({ name: 'x', scopes: ['admin'] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/cannot grant/),
    });
    await expect(callerAs(engineer.principal).tokens.revoke({ id: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('page the audit log newest first with a stable cursor', async () => {
    const admin = await makeUser('admin');
    const caller = callerAs(admin.principal);
    for (let i = 0; i < 5; i++) await caller.tokens.create({ name: `paging-${i}`, scopes: ['ingest'] });
    const first = await caller.audit.list({ action: 'token.created', actor: admin.email, limit: 3 });
    expect(first.events).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const second = await caller.audit.list({ action: 'token.created', actor: admin.email, limit: 3, cursor: first.nextCursor! });
    expect(second.events).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const names = [...first.events, ...second.events].map((e) => (e.after as { name: string }).name);
    expect(names).toEqual(['paging-4', 'paging-3', 'paging-2', 'paging-1', 'paging-0']);
  });

  it('accept an API token as Authorization: Bearer over HTTP, and reject a bad one with 401', async () => {
    const { bearer } = await makeToken('admin', ['admin']);
    const call = (headers: Record<string, string>) => {
      const req = new Request('http://localhost/api/trpc/users.list', { headers });
      return fetchRequestHandler({ endpoint: '/api/trpc', req, router: appRouter, createContext: () => createTRPCContext({ headers: req.headers }) });
    };
    const ok = await call(bearer);
    expect(ok.status).toBe(200);
    const bad = await call({ authorization: 'Bearer blt_bogus-bogus-bogus-bogus-bogus' });
    expect(bad.status).toBe(401);
    expect(JSON.stringify(await bad.json())).toContain('unknown API token');
  });
});
