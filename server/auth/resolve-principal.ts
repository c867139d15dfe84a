import { decode } from 'next-auth/jwt';
import { db } from '../db/client';
import { DomainError } from '../domain/errors';
import { authenticateApiToken } from '../services/authenticate-api-token';
import { authSecret } from './auth-secret';
import { scopesOfRole } from './permissions';
import type { TPrincipal } from './principal';
import { sessionCookieName } from './session-cookie';

function decodeCookieValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // malformed %-escapes: not a session of ours, and decode() refuses it
  }
}

function readCookie(headers: Headers, name: string): string | undefined {
  const header = headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeCookieValue(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * When the session was signed in, as stamped by next-auth-options at sign-in. (iat will not do:
 * next-auth re-issues the JWT, with a new iat, each time the session is refreshed.) A session
 * without the stamp predates it, so it counts as older than any reset.
 */
function sessionStartedMs(jwt: Record<string, unknown>): number {
  return typeof jwt.signedInAt === 'number' ? jwt.signedInAt : 0;
}

/** Whether the request carries a session cookie (what cross-site checks guard). */
export function hasSessionCookie(headers: Headers): boolean {
  return readCookie(headers, sessionCookieName()) !== undefined;
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
  const raw = readCookie(headers, sessionCookieName());
  if (!raw) return null;
  const jwt = await decode({ token: raw, secret: authSecret() }).catch(() => null);
  if (!jwt?.sub) return null;
  const user = await db().user.findUnique({ where: { id: jwt.sub } });
  if (!user || user.disabledAt) return null;
  if (user.sessionsValidAfter && sessionStartedMs(jwt) < user.sessionsValidAfter.getTime()) return null;
  return { kind: 'user', userId: user.id, email: user.email, role: user.role, scopes: scopesOfRole(user.role) };
}
