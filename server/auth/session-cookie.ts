import { serverEnv } from '../env';

/**
 * The session cookie next-auth sets. With an https NEXTAUTH_URL it is `Secure` and carries the
 * `__Secure-` prefix (browsers refuse that name from plain http, so an http page on the same host
 * cannot plant one); only that name is then believed.
 */
export function useSecureCookies(): boolean {
  return serverEnv().NEXTAUTH_URL?.startsWith('https://') ?? false;
}

export function sessionCookieName(): string {
  return useSecureCookies() ? '__Secure-next-auth.session-token' : 'next-auth.session-token';
}
