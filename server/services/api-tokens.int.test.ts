import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ctxAs, makeToken, makeUser, testDb } from '../testing/fixtures';
import { authenticateApiToken } from './authenticate-api-token';
import { createApiToken } from './create-api-token';
import { listApiTokens } from './list-api-tokens';
import { revokeApiToken } from './revoke-api-token';

describe('API tokens', () => {
  it('are shown once and stored only as a sha256 hash, with an audit event', async () => {
    const user = await makeUser('engineer');
    const created = await createApiToken(ctxAs(user.principal), { name: 'ci', scopes: ['ingest'] });
    expect(created.secret).toMatch(/^blt_/);
    const row = await testDb().db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(createHash('sha256').update(created.secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.secret);
    const listed = await listApiTokens(ctxAs(user.principal));
    expect(listed.map((t) => t.id)).toEqual([created.id]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const events = await testDb().db.auditEvent.findMany({ where: { subjectId: created.id } });
    expect(events.map((e) => e.action)).toEqual(['token.created']);
    expect(events[0]!.actorLabel).toBe(user.email);
  });

  it('authenticate with their scopes and record the last use', async () => {
    const { token } = await makeToken('engineer', ['ingest']);
    const principal = await authenticateApiToken(testDb().db, token.secret);
    expect(principal.scopes).toContain('experiment:write');
    expect(principal.scopes).not.toContain('user:manage');
    const row = await testDb().db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.lastUsedAt).not.toBeNull();
  });

  it('refuse unknown, revoked and expired tokens with 401', async () => {
    await expect(authenticateApiToken(testDb().db, 'blt_not-a-real-token-at-all-xxxxxxxx')).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'unknown API token' });
    const { user, token } = await makeToken('engineer', ['ingest']);
    await revokeApiToken(ctxAs(user.principal), token.id);
    await expect(authenticateApiToken(testDb().db, token.secret)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/revoked/) });
    const expiring = await createApiToken(ctxAs(user.principal), { name: 'short', scopes: ['ingest'], expiresInDays: 1 });
    await expect(authenticateApiToken(testDb().db, expiring.secret, new Date(Date.now() + 2 * 86_400_000))).rejects.toMatchObject({
      message: expect.stringMatching(/expired/),
    });
  });

  it('cannot carry more than the creator holds', async () => {
    const engineer = await makeUser('engineer');
    await expect(createApiToken(ctxAs(engineer.principal), { name: 'x', scopes: ['admin'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const viewer = await makeUser('viewer');
    await expect(createApiToken(ctxAs(viewer.principal), { name: 'x', scopes: ['ingest'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const count = await testDb().db.apiToken.count({ where: { createdById: { in: [engineer.id, viewer.id] } } });
    expect(count).toBe(0);
  });

  it('can be revoked only by their owner or an admin', async () => {
    const { user: owner, token } = await makeToken('engineer', ['ingest']);
    const other = await makeUser('engineer');
    await expect(revokeApiToken(ctxAs(other.principal), token.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await testDb().db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).toBeNull();
    const admin = await makeUser('admin');
    await revokeApiToken(ctxAs(admin.principal), token.id);
    const events = await testDb().db.auditEvent.findMany({ where: { subjectId: token.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.action, e.actorLabel])).toEqual([
      ['token.created', owner.email],
      ['token.revoked', admin.email],
    ]);
  });

  it('reject a bad name or an empty scope list with a 400 naming the field', async () => {
    const user = await makeUser('engineer');
    await expect(createApiToken(ctxAs(user.principal), { name: '', scopes: [] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/name: .*; scopes: /),
    });
  });
});
