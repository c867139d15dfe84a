import { SHARED_ADDRESS } from '../auth/client-address';
import { dummyPasswordHash, verifyPassword } from '../auth/password';
import { scopesOfRole } from '../auth/permissions';
import type { TPrincipal } from '../auth/principal';
import type { Db, DbOrTx } from '../db/client';
import { DomainError } from '../domain/errors';
import { decideSignInAttempt, SIGN_IN_RETENTION_MS, SIGN_IN_WINDOW_MS, type TSignInCounts } from '../domain/sign-in-limits';

export { ACCOUNT_ATTEMPT_LIMIT as SIGN_IN_FAILURE_LIMIT } from '../domain/sign-in-limits';

interface TAttempt {
  email: string;
  address: string;
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

async function countAttempts(db: DbOrTx, attempt: TAttempt, now: Date): Promise<TSignInCounts> {
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  const addressShared = attempt.address === SHARED_ADDRESS;
  const [account, address] = await Promise.all([
    db.signInFailure.count({ where: { email: attempt.email, at: { gt: since } } }),
    // The shared address's bucket never applies: no need to count it.
    addressShared ? 0 : db.signInFailure.count({ where: { address: attempt.address, at: { gt: since } } }),
  ]);
  return { account, address, addressShared };
}

function refuse(counts: TSignInCounts): void {
  const refusal = decideSignInAttempt(counts);
  if (refusal) throw new DomainError('TOO_MANY_REQUESTS', refusal.message, { rule: 'SIGN_IN_LIMIT', bucket: refusal.bucket, limit: refusal.limit });
}

/**
 * A read-only look at the limits (no attempt recorded): lets the sign-in route answer a real 429
 * before next-auth would turn the refusal into a redirect. The binding check is admitAttempt's.
 */
export async function assertSignInAllowed(db: Db, input: { email: string; address: string }, now = new Date()): Promise<void> {
  refuse(await countAttempts(db, { email: normalizeEmail(input.email), address: input.address }, now));
}

/**
 * Counts the attempt before any password is checked: under one advisory lock per bucket (always
 * account, then address, so two sign-ins never wait on each other in a cycle) it counts the
 * window and records this attempt in the same transaction, so N concurrent guesses see each other.
 * Returns the attempt's row, or throws 429 without recording anything.
 */
async function admitAttempt(db: Db, attempt: TAttempt, now: Date): Promise<bigint> {
  const id = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sign-in:account:${attempt.email}`}))`;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sign-in:address:${attempt.address}`}))`;
    refuse(await countAttempts(tx, attempt, now));
    const row = await tx.signInFailure.create({ data: { email: attempt.email, address: attempt.address, at: now }, select: { id: true } });
    return row.id;
  });
  await db.signInFailure.deleteMany({ where: { at: { lt: new Date(now.getTime() - SIGN_IN_RETENTION_MS) } } });
  return id;
}

/**
 * Checks an email and password. Unknown email and wrong password answer the same message and
 * take the same time (the hash is always computed), so sign-in does not reveal who has an account.
 * The attempt is counted first; a successful one is then removed, so signing in never uses up the
 * account's or the address's allowance (failures stay counted).
 */
export async function verifySignIn(
  db: Db,
  input: { email: string; password: string; address: string },
  now = new Date(),
): Promise<Extract<TPrincipal, { kind: 'user' }>> {
  const email = normalizeEmail(input.email);
  const attemptId = await admitAttempt(db, { email, address: input.address }, now);
  const user = await db.user.findUnique({ where: { email } });
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok || user.disabledAt) throw new DomainError('UNAUTHORIZED', 'wrong email or password');
  await db.signInFailure.deleteMany({ where: { id: attemptId } });
  return { kind: 'user', userId: user.id, email: user.email, role: user.role, scopes: scopesOfRole(user.role) };
}
