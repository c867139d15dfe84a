import { afterEach, describe, expect, it, vi } from 'vitest';

async function withUrl(url: string | undefined) {
  vi.resetModules();
  if (url === undefined) delete process.env.NEXTAUTH_URL;
  else process.env.NEXTAUTH_URL = url;
  process.env.NEXTAUTH_SECRET ??= 'unit-test-secret-0123456789';
  const cookie = await import('./session-cookie');
  const { authOptions } = await import('./next-auth-options');
  return { ...cookie, options: authOptions() };
}

describe('session cookie', () => {
  const saved = process.env.NEXTAUTH_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.NEXTAUTH_URL;
    else process.env.NEXTAUTH_URL = saved;
  });

  it('is Secure and __Secure- prefixed when NEXTAUTH_URL is https, and next-auth is told the same name', async () => {
    const { useSecureCookies, sessionCookieName, options } = await withUrl('https://ballast.example.com');
    expect(useSecureCookies()).toBe(true);
    expect(sessionCookieName()).toBe('__Secure-next-auth.session-token');
    expect(options.useSecureCookies).toBe(true);
    expect(options.cookies?.sessionToken).toMatchObject({ name: '__Secure-next-auth.session-token', options: { secure: true, httpOnly: true, sameSite: 'lax' } });
  });

  it('is plain on http (a local start), where browsers would drop a Secure cookie', async () => {
    for (const url of ['http://localhost:3000', undefined]) {
      const { useSecureCookies, sessionCookieName, options } = await withUrl(url);
      expect(useSecureCookies()).toBe(false);
      expect(sessionCookieName()).toBe('next-auth.session-token');
      expect(options.cookies?.sessionToken).toMatchObject({ name: 'next-auth.session-token', options: { secure: false } });
    }
  });
});
