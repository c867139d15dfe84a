/**
 * Sign-in limiting, as one pure rule. An attempt is counted before its password is checked (the
 * service records it under a lock first), so these counts already include every attempt in flight.
 *
 * Two buckets:
 * - per account (the email tried): 5 a minute, whoever tries, so guessing one account is slow;
 * - per client address: 20 a minute, so one caller cannot spray many accounts.
 * An address that is not one client ("local": no trusted proxy names the caller, so everybody
 * shares it) cannot be limited as a client: the address bucket does not apply to it, so strangers'
 * failures never lock out an account they did not try. (Limiting it only for accounts it had
 * tried would lock out a user who mistyped once while someone else sprays, and protect nothing
 * the account bucket does not.)
 */
export const SIGN_IN_WINDOW_MS = 60_000;
export const ACCOUNT_ATTEMPT_LIMIT = 5;
export const ADDRESS_ATTEMPT_LIMIT = 20;
/** Rows older than this are of no use to any decision and are pruned. */
export const SIGN_IN_RETENTION_MS = 10 * SIGN_IN_WINDOW_MS;

export interface TSignInCounts {
  /** Attempts (failed or in flight) on this account within the window, from any address. */
  account: number;
  /** Attempts from this address within the window, on any account. */
  address: number;
  /** Whether the address stands for many callers (no trusted proxy identified the caller). */
  addressShared: boolean;
}

export type TSignInRefusal = { bucket: 'account' | 'address'; limit: number; message: string };

export function decideSignInAttempt(counts: TSignInCounts): TSignInRefusal | null {
  if (counts.account >= ACCOUNT_ATTEMPT_LIMIT) {
    return { bucket: 'account', limit: ACCOUNT_ATTEMPT_LIMIT, message: `too many sign-in attempts for this account (limit ${ACCOUNT_ATTEMPT_LIMIT} a minute): wait a minute and try again` };
  }
  if (!counts.addressShared && counts.address >= ADDRESS_ATTEMPT_LIMIT) {
    return { bucket: 'address', limit: ADDRESS_ATTEMPT_LIMIT, message: `too many sign-in attempts from this address (limit ${ADDRESS_ATTEMPT_LIMIT} a minute): wait a minute and try again` };
  }
  return null;
}
