import { getCsrfToken } from 'next-auth/react';
import { describeSignInError } from './sign-in-errors';

export type TSignInOutcome = { ok: true } | { ok: false; message: string };

/**
 * The credentials sign-in of next-auth's `signIn('credentials', { redirect: false })`, done by
 * hand because `signIn` cannot report a refusal our auth route answers itself: the rate limiter's
 * 429 carries `{ error: { message } }` and no `url`, and `signIn` then throws while parsing the
 * missing URL. Same endpoint, same CSRF token, same `json: true` protocol.
 */
export async function signInWithPassword(input: { email: string; password: string; callbackUrl: string }): Promise<TSignInOutcome> {
  let res: Response;
  try {
    const csrfToken = (await getCsrfToken()) ?? '';
    res = await fetch('/api/auth/callback/credentials', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: input.email, password: input.password, csrfToken, callbackUrl: input.callbackUrl, json: 'true' }),
    });
  } catch {
    return { ok: false, message: 'could not reach the server: check your connection and try again' };
  }
  const body = (await res.json().catch(() => null)) as { url?: unknown; error?: { message?: unknown } } | null;
  if (res.status === 429) {
    const message = typeof body?.error?.message === 'string' ? body.error.message : 'too many failed sign-ins: wait a minute and try again';
    return { ok: false, message };
  }
  if (typeof body?.url !== 'string') {
    return { ok: false, message: res.ok ? 'sign-in failed: the server gave no answer' : `sign-in failed (HTTP ${res.status})` };
  }
  const error = new URL(body.url, window.location.origin).searchParams.get('error');
  if (error) return { ok: false, message: describeSignInError(error) };
  if (!res.ok) return { ok: false, message: `sign-in failed (HTTP ${res.status})` };
  return { ok: true };
}
