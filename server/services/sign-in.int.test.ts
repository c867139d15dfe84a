import { describe, expect, it } from 'vitest';
import { makeUser, testDb } from '../testing/fixtures';
import { SIGN_IN_FAILURE_LIMIT, verifySignIn } from './verify-sign-in';

describe('sign-in', () => {
  it('accepts the right password and stores only a scrypt hash', async () => {
    const user = await makeUser('engineer');
    const principal = await verifySignIn(testDb().db, { email: user.email.toUpperCase(), password: user.password, address: 'a1' });
    expect(principal).toMatchObject({ kind: 'user', userId: user.id, role: 'engineer' });
    expect(principal.scopes).toContain('experiment:write');
    const row = await testDb().db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain(user.password);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const user = await makeUser('viewer');
    await expect(verifySignIn(testDb().db, { email: user.email, password: 'wrong-password', address: 'a2' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'wrong email or password',
    });
    await expect(verifySignIn(testDb().db, { email: 'nobody@test.local', password: 'whatever-pass', address: 'a2' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'wrong email or password',
    });
  });

  it('refuses an address with 429 after more than 5 failures in a minute, even with the right password', async () => {
    const user = await makeUser('viewer');
    for (let i = 0; i < SIGN_IN_FAILURE_LIMIT; i++) {
      await expect(verifySignIn(testDb().db, { email: user.email, password: 'nope-nope', address: 'a3' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    await expect(verifySignIn(testDb().db, { email: user.email, password: user.password, address: 'a3' })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    // Another address is not affected.
    await expect(verifySignIn(testDb().db, { email: user.email, password: user.password, address: 'a4' })).resolves.toMatchObject({ userId: user.id });
  });

  it('refuses a disabled account', async () => {
    const user = await makeUser('admin');
    await testDb().db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    await expect(verifySignIn(testDb().db, { email: user.email, password: user.password, address: 'a5' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
