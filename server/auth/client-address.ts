import { serverEnv } from '../env';

/** The address of every caller no trusted proxy identified: many callers, never one client. */
export const SHARED_ADDRESS = 'local';

/**
 * The caller's address for rate limiting. X-Forwarded-For is set by whoever sends the request, so
 * it is believed only behind a proxy that overwrites it (BALLAST_TRUST_PROXY=on); otherwise, as
 * with `npm start` on one machine, every caller shares one address (see server/domain/sign-in-limits.ts).
 */
export function clientAddress(headers: Headers): string {
  if (serverEnv().BALLAST_TRUST_PROXY !== 'on') return SHARED_ADDRESS;
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || headers.get('x-real-ip') || SHARED_ADDRESS;
}
