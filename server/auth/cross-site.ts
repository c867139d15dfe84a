/**
 * Cross-site request forgery guard, as one pure decision. A browser attaches the session cookie to
 * requests a foreign page makes; SameSite=Lax alone still lets some through (top-level POSTs from
 * sibling sites, old browsers). So a state change authenticated by the cookie must
 * - come from our own origin: `Origin` (or, when a browser omits it, `Referer`) equals
 *   NEXTAUTH_URL's origin or the request's own host; and
 * - where a JSON body is expected, declare `application/json` (HTML forms cannot send it, so a
 *   forged form post fails even where Origin is missing).
 * Bearer tokens are exempt (a foreign page cannot attach them), as are GET, HEAD and OPTIONS.
 */
export type TCrossSiteRule = 'SAME_ORIGIN' | 'JSON_CONTENT_TYPE';

export interface TCrossSiteRequest {
  method: string;
  url: string;
  headers: Headers;
  /** Whether the request carries our session cookie. */
  cookieAuthenticated: boolean;
  /** Whether the route reads a JSON body (false for raw uploads). */
  expectsJson: boolean;
  /** NEXTAUTH_URL, the public address of the dashboard, when configured. */
  publicUrl?: string;
}

export type TCrossSiteRefusal = { rule: TCrossSiteRule; message: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function originOf(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

function hostOf(origin: string): string {
  return new URL(origin).host;
}

export function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const type = value.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

export function decideCrossSite(req: TCrossSiteRequest): TCrossSiteRefusal | null {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return null;
  if (req.headers.has('authorization') || !req.cookieAuthenticated) return null;
  const claimed = req.headers.get('origin');
  const origin = claimed !== null ? originOf(claimed) : originOf(req.headers.get('referer'));
  const allowed = new Set<string>();
  const publicOrigin = originOf(req.publicUrl ?? null);
  if (publicOrigin) allowed.add(publicOrigin);
  const requestHost = originOf(req.url) ? hostOf(originOf(req.url)!) : null;
  const sameOrigin = origin !== null && (allowed.has(origin) || (requestHost !== null && hostOf(origin) === requestHost));
  if (!sameOrigin) {
    const seen = claimed !== null ? `Origin ${JSON.stringify(claimed)}` : req.headers.has('referer') ? 'a foreign Referer' : 'no Origin or Referer';
    return {
      rule: 'SAME_ORIGIN',
      message: `cross-site request refused (SAME_ORIGIN): a signed-in ${req.method} must come from this site's own pages, and this one came with ${seen}; scripts should send "Authorization: Bearer <API token>"`,
    };
  }
  const contentType = req.headers.get('content-type');
  const bodiless = contentType === null && req.headers.get('content-length') === '0';
  if (req.expectsJson && !bodiless && !isJsonContentType(contentType)) {
    return {
      rule: 'JSON_CONTENT_TYPE',
      message: `cross-site request refused (JSON_CONTENT_TYPE): a signed-in ${req.method} must send content-type application/json, not ${JSON.stringify(req.headers.get('content-type') ?? '(none)')}`,
    };
  }
  return null;
}
