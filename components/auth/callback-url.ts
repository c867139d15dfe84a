export const DEFAULT_AFTER_SIGN_IN = '/experiments';

/**
 * Where to go after signing in. Only a path on this site is accepted (an absolute URL only when
 * its origin is ours), so a crafted link cannot send a fresh session to another site; the
 * sign-in and sign-out pages themselves are never a destination.
 */
export function safeCallbackUrl(raw: string | null | undefined, ownOrigin?: string): string {
  if (!raw) return DEFAULT_AFTER_SIGN_IN;
  let path: string | null = null;
  if (raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/\\')) {
    path = raw;
  } else if (ownOrigin) {
    try {
      const url = new URL(raw);
      if (url.origin === ownOrigin) path = `${url.pathname}${url.search}${url.hash}`;
    } catch {
      path = null;
    }
  }
  if (!path || /^\/(signin|signout)(\/|\?|#|$)/.test(path)) return DEFAULT_AFTER_SIGN_IN;
  return path;
}

export function signInPath(callbackPath: string): string {
  return `/signin?${new URLSearchParams({ callbackUrl: callbackPath })}`;
}
