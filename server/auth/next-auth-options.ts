import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { ZSignInInput } from '../contracts/users';
import { db } from '../db/client';
import { isDomainError } from '../domain/errors';
import { assertSignInAllowed, verifySignIn } from '../services/verify-sign-in';
import { authSecret } from './auth-secret';
import { clientAddress } from './client-address';
import { sessionCookieName, useSecureCookies } from './session-cookie';

export const SESSION_MAX_AGE_S = 12 * 60 * 60;

export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_S },
    // Spelled out (next-auth would derive the same) because resolve-principal reads this name.
    useSecureCookies: useSecureCookies(),
    cookies: {
      sessionToken: { name: sessionCookieName(), options: { httpOnly: true, sameSite: 'lax', path: '/', secure: useSecureCookies() } },
    },
    pages: { signIn: '/signin', signOut: '/signout', error: '/signin' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, req) {
          const parsed = ZSignInInput.safeParse(credentials ?? {});
          if (!parsed.success) throw new Error('enter an email address and a password');
          try {
            const user = await verifySignIn(db(), { ...parsed.data, address: clientAddress(new Headers(req.headers as Record<string, string>)) });
            return { id: user.userId, email: user.email, role: user.role };
          } catch (err) {
            // next-auth shows an authorize() error's message on the sign-in page.
            if (isDomainError(err)) throw new Error(err.message);
            throw err;
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          // A password reset refuses sessions signed in before it (resolve-principal).
          token.signedInAt = Date.now();
        }
        return token;
      },
    },
  };
}

/**
 * A rate-limited account or address gets a real 429 before next-auth would turn the refusal into
 * a redirect; null lets the sign-in proceed (authorize() then counts the attempt for real).
 */
export async function refuseRateLimitedSignIn(req: Request): Promise<Response | null> {
  try {
    const form = await req
      .clone()
      .formData()
      .catch(() => null);
    const email = form?.get('email');
    await assertSignInAllowed(db(), { email: typeof email === 'string' ? email : '', address: clientAddress(req.headers) });
    return null;
  } catch (err) {
    if (!isDomainError(err)) throw err;
    return Response.json({ error: { code: err.code, message: err.message } }, { status: err.httpStatus, headers: { 'retry-after': '60' } });
  }
}
