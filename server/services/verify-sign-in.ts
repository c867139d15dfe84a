import { dummyPasswordHash, verifyPassword } from '../auth/password';
import { scopesOfRole } from '../auth/permissions';
import type { TPrincipal } from '../auth/principal';
import type { Db } from '../db/client';
import { DomainError } from '../domain/errors';

export const SIGN_IN_FAILURE_LIMIT = 5;
const WINDOW_MS = 60_000;

/** Refuses with 429 once an address has failed more than the limit within the last minute. */
export async function assertSignInAllowed(db: Db, address: string, now = new Date()): Promise<void> {
  const failures = await db.signInFailure.count({
    where: { address, at: { gt: new Date(now.getTime() - WINDOW_MS) } },
  });
  if (failures >= SIGN_IN_FAILURE_LIMIT) {
    throw new DomainError('TOO_MANY_REQUESTS', 'too many failed sign-ins from this address: wait a minute and try again');
  }
}

/**
 * Checks an email and password. Unknown email and wrong password answer the same message and
 * take the same time (the hash is always computed), so sign-in does not reveal who has an account.
 */
export async function verifySignIn(db: Db, input: { email: string; password: string; address: string }): Promise<Extract<TPrincipal, { kind: 'user' }>> {
  await assertSignInAllowed(db, input.address);
  const email = input.email.trim().toLowerCase();
  const user = await db.user.findUnique({ where: { email } });
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok || user.disabledAt) {
    await db.signInFailure.create({ data: { address: input.address, email } });
    throw new DomainError('UNAUTHORIZED', 'wrong email or password');
  }
  return { kind: 'user', userId: user.id, email: user.email, role: user.role, scopes: scopesOfRole(user.role) };
}
