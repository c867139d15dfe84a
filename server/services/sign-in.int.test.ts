import { describe, expect, it } from 'vitest';
import { SHARED_ADDRESS } from '../auth/client-address';
import { refuseRateLimitedSignIn } from '../auth/next-auth-options';
import { ADDRESS_ATTEMPT_LIMIT, SIGN_IN_RETENTION_MS } from '../domain/sign-in-limits';
import { makeUser, testDb } from '../testing/fixtures';
import { SIGN_IN_FAILURE_LIMIT, verifySignIn } from './verify-sign-in';

const db = () => testDb().db;
const attemptsOn = (email: string) => db().signInFailure.count({ where: { email } });

describe('sign-in', () => {
  it('accepts the right password and stores only a scrypt hash', async () => {
    const user = await makeUser('engineer');
    const principal = await verifySignIn(db(), { email: user.email.toUpperCase(), password: user.password, address: 'a1' });
    expect(principal).toMatchObject({ kind: 'user', userId: user.id, role: 'engineer' });
    expect(principal.scopes).toContain('experiment:write');
    const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain(user.password);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const user = await makeUser('viewer');
    await expect(verifySignIn(db(), { email: user.email, password: 'wrong-password', address: 'a2' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'wrong email or password',
    });
    await expect(verifySignIn(db(), { email: 'nobody@test.local', password: 'whatever-pass', address: 'a2' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'wrong email or password',
    });
  });

  it('refuses an account with 429 after 5 attempts in a minute from any address, even with the right password', async () => {
    const user = await makeUser('viewer');
    for (let i = 0; i < SIGN_IN_FAILURE_LIMIT; i++) {
      await expect(verifySignIn(db(), { email: user.email, password: 'nope-nope', address: `a3-${i}` })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    await expect(verifySignIn(db(), { email: user.email, password: user.password, address: 'a3-fresh' })).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      details: { rule: 'SIGN_IN_LIMIT', bucket: 'account', limit: 5 },
    });
    // A minute later (the clock is a parameter) the account signs in again.
    await expect(verifySignIn(db(), { email: user.email, password: user.password, address: 'a3-fresh' }, new Date(Date.now() + 61_000))).resolves.toMatchObject({
      userId: user.id,
    });
  });

  it('checks at most 5 of 20 concurrent wrong passwords, and the right user on the same shared address still signs in', async () => {
    const victim = await makeUser('admin');
    const bystander = await makeUser('engineer');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => verifySignIn(db(), { email: victim.email, password: `guess-number-${i}`, address: SHARED_ADDRESS })),
    );
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'OK'));
    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(SIGN_IN_FAILURE_LIMIT);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(20 - SIGN_IN_FAILURE_LIMIT);
    // Every checked attempt left exactly one row: 5 passwords were checked, not 20.
    expect(await attemptsOn(victim.email)).toBe(SIGN_IN_FAILURE_LIMIT);
    await expect(verifySignIn(db(), { email: bystander.email, password: bystander.password, address: SHARED_ADDRESS })).resolves.toMatchObject({ userId: bystander.id });
  });

  it('lets no concurrent guess in once the account is used up, even the right one arriving 18th', async () => {
    const user = await makeUser('viewer');
    const attempts = Array.from({ length: 20 }, (_, i) => (i === 17 ? user.password : `wrong-guess-${i}`));
    const results = await Promise.allSettled(attempts.map((password) => verifySignIn(db(), { email: user.email, password, address: SHARED_ADDRESS })));
    const checked = results.filter((r) => r.status === 'fulfilled' || (r.reason as { code: string }).code !== 'TOO_MANY_REQUESTS');
    expect(checked.length).toBeLessThanOrEqual(SIGN_IN_FAILURE_LIMIT);
  });

  it('refuses a distinct address after 20 attempts on any accounts, but the shared address never locks out an account it did not try', async () => {
    const target = await makeUser('viewer');
    for (let i = 0; i < ADDRESS_ATTEMPT_LIMIT; i++) {
      await expect(verifySignIn(db(), { email: `spray-${i}@test.local`, password: 'spray-password', address: '203.0.113.9' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(verifySignIn(db(), { email: `spray-${i}@test.local`, password: 'spray-password', address: SHARED_ADDRESS })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    await expect(verifySignIn(db(), { email: target.email, password: target.password, address: '203.0.113.9' })).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      details: { bucket: 'address', limit: 20 },
    });
    await expect(verifySignIn(db(), { email: target.email, password: target.password, address: SHARED_ADDRESS })).resolves.toMatchObject({ userId: target.id });
    // Even an account the shared address did try is limited only by its own bucket (1 of 5 used).
    await expect(verifySignIn(db(), { email: 'spray-0@test.local', password: 'spray-password', address: SHARED_ADDRESS })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('does not count successful sign-ins against either bucket', async () => {
    const user = await makeUser('viewer');
    for (let i = 0; i < SIGN_IN_FAILURE_LIMIT * 2; i++) {
      await expect(verifySignIn(db(), { email: user.email, password: user.password, address: 'a6' })).resolves.toMatchObject({ userId: user.id });
    }
    expect(await attemptsOn(user.email)).toBe(0);
  });

  it('prunes attempts older than the retention', async () => {
    const user = await makeUser('viewer');
    const old = new Date(Date.now() - SIGN_IN_RETENTION_MS - 60_000);
    await db().signInFailure.create({ data: { email: 'ancient@test.local', address: 'a7', at: old } });
    await verifySignIn(db(), { email: user.email, password: user.password, address: 'a7' });
    expect(await attemptsOn('ancient@test.local')).toBe(0);
  });

  it('refuses a disabled account', async () => {
    const user = await makeUser('admin');
    await db().user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    await expect(verifySignIn(db(), { email: user.email, password: user.password, address: 'a5' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('answers a real 429 on the sign-in route for a used-up account (form body read from a clone), and lets other accounts through', async () => {
    const user = await makeUser('viewer');
    for (let i = 0; i < SIGN_IN_FAILURE_LIMIT; i++) {
      await expect(verifySignIn(db(), { email: user.email, password: 'wrong-password', address: SHARED_ADDRESS })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    const form = (email: string) =>
      new Request('http://localhost:3000/api/auth/callback/credentials', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, password: 'whatever-it-is', csrfToken: 'x' }),
      });
    const refused = await refuseRateLimitedSignIn(form(user.email.toUpperCase()));
    expect(refused?.status).toBe(429);
    expect(refused?.headers.get('retry-after')).toBe('60');
    expect(await refused?.json()).toMatchObject({ error: { code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/this account/) } });
    const request = form('someone-else@test.local');
    expect(await refuseRateLimitedSignIn(request)).toBeNull();
    // The body is still there for next-auth to read.
    expect((await request.formData()).get('email')).toBe('someone-else@test.local');
  });
});
