import { decode } from 'next-auth/jwt';
import { db } from '../db/client';
import { DomainError } from '../domain/errors';
import { authenticateApiToken } from '../services/authenticate-api-token';
import { authSecret } from './auth-secret';
import { scopesOfRole } from './permissions';
import type { TPrincipal } from './principal';

const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

function readCookie(headers: Headers, name: string): string | undefined {
  const header = headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      // A value that is not valid percent-encoding cannot be a session we issued: no session, not a 500.
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Who is calling: an API token (`Authorization: Bearer`) or a next-auth session cookie.
 * Returns null for anonymous callers; throws 401 for a bad token. The user row is read on
 * every request so a changed role or a disabled account takes effect at once, not at JWT expiry.
 */
export async function resolvePrincipal(headers: Headers): Promise<TPrincipal | null> {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) throw new DomainError('UNAUTHORIZED', 'Authorization header must be "Bearer <token>"');
    return authenticateApiToken(db(), match[1]);
  }
  for (const name of SESSION_COOKIES) {
    const raw = readCookie(headers, name);
    if (!raw) continue;
    const jwt = await decode({ token: raw, secret: authSecret() }).catch(() => null);
    if (!jwt?.sub) return null;
    const user = await db().user.findUnique({ where: { id: jwt.sub } });
    if (!user || user.disabledAt) return null;
    return { kind: 'user', userId: user.id, email: user.email, role: user.role, scopes: scopesOfRole(user.role) };
  }
  return null;
}
