import { serverEnv } from '../env';
import { refusal as refusalError } from '../domain/errors';
import { decideCrossSite } from './cross-site';
import { hasSessionCookie } from './resolve-principal';

/** Throws 403 SAME_ORIGIN or JSON_CONTENT_TYPE (the rule's own code) when a cookie-authenticated state change looks forged (see cross-site.ts). */
export function assertSameSiteRequest(request: Pick<Request, 'method' | 'url' | 'headers'>, opts: { expectsJson: boolean }): void {
  const refusal = decideCrossSite({
    method: request.method,
    url: request.url,
    headers: request.headers,
    cookieAuthenticated: hasSessionCookie(request.headers),
    expectsJson: opts.expectsJson,
    publicUrl: serverEnv().NEXTAUTH_URL,
  });
  if (refusal) throw refusalError(refusal.rule, refusal.message, { rule: refusal.rule });
}
