import { encode } from 'next-auth/jwt';
import { beforeEach, describe, expect, it } from 'vitest';
import * as users from '@/app/api/v1/users/route';
import * as userById from '@/app/api/v1/users/[id]/route';
import * as userPassword from '@/app/api/v1/users/[id]/password/route';
import { createCaller } from '../api/root';
import type { TPrincipal } from '../auth/principal';
import { resolvePrincipal } from '../auth/resolve-principal';
import { ctxAs, makeToken, makeUser, testDb } from '../testing/fixtures';
import { authenticateApiToken } from './authenticate-api-token';
import { resetUserPassword, updateUser } from './manage-users';
import { verifySignIn } from './verify-sign-in';

const BASE = 'http://localhost:3000';
const db = () => testDb().db;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const trpcAs = (principal: TPrincipal) => createCaller({ db: db(), principal, authError: null, requestId: 'test' });
const sessionOf = async (user: { id: string; email: string }, signedInAt = Date.now()) =>
  new Headers({ cookie: `next-auth.session-token=${await encode({ token: { sub: user.id, email: user.email, signedInAt }, secret: process.env.NEXTAUTH_SECRET! })}` });

async function rest(handler: (r: Request, c?: any) => Promise<Response>, method: string, url: string, headers: Record<string, string>, body?: unknown, params?: Record<string, string>) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const init: RequestInit = { method, headers: { ...headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
  const res = await handler(new Request(`${BASE}${url}`, init), { params: Promise.resolve(params ?? {}) });
  return { status: res.status, json: (await res.json()) as Json };
}

const auditOf = (subjectId: string) => db().auditEvent.findMany({ where: { subjectId }, orderBy: { id: 'asc' } });

// Each test decides who the active admins are: the file's database is its own.
beforeEach(async () => {
  await db().user.updateMany({ where: { role: 'admin' }, data: { disabledAt: new Date() } });
});

describe('people administration', () => {
  it('changes a role and audits it in the same transaction, with the reason', async () => {
    const admin = await makeUser('admin');
    const person = await makeUser('engineer');
    const changed = await trpcAs(admin.principal).users.update({ userId: person.id, role: 'viewer', reason: 'moved to sales' });
    expect(changed).toMatchObject({ id: person.id, role: 'viewer', disabledAt: null });
    expect(await auditOf(person.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'user.role_changed', actorLabel: admin.email, before: { email: person.email, role: 'engineer' }, after: { email: person.email, role: 'viewer' }, reason: 'moved to sales' }),
      ]),
    );
    // The change takes effect on the very next request of that person's session.
    expect(await resolvePrincipal(await sessionOf(person))).toMatchObject({ role: 'viewer' });
  });

  it('refuses (409 LAST_ACTIVE_ADMIN) an admin demoting or disabling themselves when no other active admin remains, and writes nothing', async () => {
    const admin = await makeUser('admin');
    const userEvents = () => db().auditEvent.count({ where: { action: { startsWith: 'user.' } } });
    const userEventsBefore = await userEvents();
    await expect(updateUser(ctxAs(admin.principal), { userId: admin.id, role: 'engineer' })).rejects.toMatchObject({ code: 'LAST_ACTIVE_ADMIN', details: { rule: 'LAST_ACTIVE_ADMIN' } });
    const viaRest = await rest(userById.PATCH, 'PATCH', `/api/v1/users/${admin.id}`, (await makeTokenFor(admin)).bearer, { disabled: true }, { id: admin.id });
    expect(viaRest).toMatchObject({ status: 409, json: { error: { code: 'LAST_ACTIVE_ADMIN', message: expect.stringMatching(/last active admin/), details: { rule: 'LAST_ACTIVE_ADMIN' } } } });
    expect(await db().user.findUniqueOrThrow({ where: { id: admin.id } })).toMatchObject({ role: 'admin', disabledAt: null });
    expect(await userEvents()).toBe(userEventsBefore);
    // With a second admin, stepping down is fine.
    const second = await makeUser('admin');
    await expect(updateUser(ctxAs(admin.principal), { userId: admin.id, role: 'engineer' })).resolves.toMatchObject({ role: 'engineer' });
    await expect(updateUser(ctxAs(second.principal), { userId: second.id, disabled: true })).rejects.toMatchObject({ code: 'LAST_ACTIVE_ADMIN' });
  });

  it('lets only one of two admins demoting each other at once succeed', async () => {
    const a = await makeUser('admin');
    const b = await makeUser('admin');
    const results = await Promise.allSettled([updateUser(ctxAs(a.principal), { userId: b.id, role: 'viewer' }), updateUser(ctxAs(b.principal), { userId: a.id, role: 'viewer' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['LAST_ACTIVE_ADMIN']);
    expect(await db().user.count({ where: { role: 'admin', disabledAt: null } })).toBe(1);
  });

  it('a disabled user\'s session and tokens stop at once, and work again when re-enabled; both audited', async () => {
    const admin = await makeUser('admin');
    const { user: person, token, bearer } = await makeToken('engineer', ['ingest']);
    const session = await sessionOf(person);
    expect(await resolvePrincipal(session)).toMatchObject({ userId: person.id });
    await trpcAs(admin.principal).users.update({ userId: person.id, disabled: true });
    expect(await resolvePrincipal(session)).toBeNull();
    await expect(authenticateApiToken(db(), token.secret)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/disabled user/) });
    expect((await rest(users.GET, 'GET', '/api/v1/users', bearer)).status).toBe(401);
    await expect(verifySignIn(db(), { email: person.email, password: person.password, address: 'm1' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    await trpcAs(admin.principal).users.update({ userId: person.id, disabled: false });
    expect(await resolvePrincipal(session)).toMatchObject({ userId: person.id });
    await expect(authenticateApiToken(db(), token.secret)).resolves.toMatchObject({ userId: person.id });
    expect((await auditOf(person.id)).map((e) => e.action)).toEqual(['user.created', 'user.disabled', 'user.enabled']);
  });

  it('an admin demoted to viewer keeps no admin powers through an old admin token', async () => {
    await makeUser('admin'); // someone stays admin
    const { user: formerAdmin, bearer } = await makeToken('admin', ['admin']);
    const created = await rest(users.POST, 'POST', '/api/v1/users', bearer, { email: `by-token-${Date.now()}@test.local`, role: 'admin', password: 'a-long-new-password' });
    expect(created.status).toBe(201);
    await updateUser(ctxAs((await makeUser('admin')).principal), { userId: formerAdmin.id, role: 'viewer' });
    const refused = await rest(users.POST, 'POST', '/api/v1/users', bearer, { email: `after-demotion-${Date.now()}@test.local`, role: 'admin', password: 'a-long-new-password' });
    expect(refused).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN', message: expect.stringMatching(/user:manage/) } } });
    // What is left is what a viewer holds: reads.
    const principal = await resolvePrincipal(new Headers(bearer));
    expect(principal?.scopes.every((s) => s.endsWith(':read'))).toBe(true);
    expect(principal?.scopes).toContain('model:read');
    // ...and no grant that checks read directly (the registry's admin override) still says admin.
    expect(principal).toMatchObject({ kind: 'token', grants: [] });
  });

  it('resets a password (policy applied): the old one stops, the new one signs in, earlier sessions end; audited without the secret', async () => {
    const admin = await makeUser('admin');
    const person = await makeUser('viewer');
    const earlier = await sessionOf(person, Date.now() - 5_000);
    expect(await resolvePrincipal(earlier)).not.toBeNull();
    await expect(resetUserPassword(ctxAs(admin.principal), { userId: person.id, password: 'password1234' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/password: is on the list of common passwords/) });
    const short = await rest(userPassword.POST, 'POST', `/api/v1/users/${person.id}/password`, (await makeTokenFor(admin)).bearer, { password: 'short' }, { id: person.id });
    expect(short).toMatchObject({ status: 400, json: { error: { message: expect.stringMatching(/password: must be at least 12 characters/) } } });

    const viaRest = await rest(userPassword.POST, 'POST', `/api/v1/users/${person.id}/password`, (await makeTokenFor(admin)).bearer, { password: 'a-brand-new-secret' }, { id: person.id });
    expect(viaRest).toMatchObject({ status: 200, json: { id: person.id } });
    await expect(verifySignIn(db(), { email: person.email, password: person.password, address: 'm2' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(verifySignIn(db(), { email: person.email, password: 'a-brand-new-secret', address: 'm2' })).resolves.toMatchObject({ userId: person.id });
    expect(await resolvePrincipal(earlier)).toBeNull();
    // A session without the sign-in stamp (issued before it existed) counts as older than the reset.
    const unstamped = new Headers({ cookie: `next-auth.session-token=${await encode({ token: { sub: person.id, email: person.email }, secret: process.env.NEXTAUTH_SECRET! })}` });
    expect(await resolvePrincipal(unstamped)).toBeNull();
    expect(await resolvePrincipal(await sessionOf(person))).toMatchObject({ userId: person.id });
    const event = (await auditOf(person.id)).find((e) => e.action === 'user.password_reset');
    expect(event).toBeDefined();
    expect(JSON.stringify([event?.before, event?.after, event?.reason])).not.toContain('a-brand-new-secret');
  });

  it('lists users with the actions a screen may offer; every change needs user:manage', async () => {
    const admin = await makeUser('admin');
    const engineer = await makeUser('engineer');
    const listed = await trpcAs(admin.principal).users.list();
    expect(listed.find((u) => u.id === admin.id)?.actions).toEqual({ demote: expect.stringMatching(/last active admin/), disable: expect.stringMatching(/last active admin/) });
    expect(listed.find((u) => u.id === engineer.id)?.actions).toEqual({ demote: null, disable: null });
    await expect(trpcAs(engineer.principal).users.update({ userId: admin.id, role: 'viewer' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(trpcAs(engineer.principal).users.resetPassword({ userId: admin.id, password: 'a-brand-new-secret' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const { bearer } = await makeToken('engineer', ['ingest']);
    expect((await rest(userById.PATCH, 'PATCH', `/api/v1/users/${admin.id}`, bearer, { role: 'viewer' }, { id: admin.id })).status).toBe(403);
    expect(await rest(userById.PATCH, 'PATCH', `/api/v1/users/${admin.id}`, (await makeTokenFor(admin)).bearer, {}, { id: admin.id })).toMatchObject({ status: 400, json: { error: { message: expect.stringMatching(/role: give a role/) } } });
    expect((await rest(userById.PATCH, 'PATCH', '/api/v1/users/not-a-uuid', (await makeTokenFor(admin)).bearer, { role: 'viewer' }, { id: 'not-a-uuid' })).status).toBe(400);
    expect((await rest(userById.PATCH, 'PATCH', '/api/v1/users/00000000-0000-4000-8000-000000000000', (await makeTokenFor(admin)).bearer, { role: 'viewer' }, { id: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });
});

async function makeTokenFor(user: { principal: TPrincipal }) {
  const { createApiToken } = await import('./create-api-token');
  const token = await createApiToken(ctxAs(user.principal), { name: `admin-${Math.random()}`, scopes: ['admin'] });
  return { bearer: { authorization: `Bearer ${token.secret}` } };
}
