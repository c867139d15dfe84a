import { hashTokenSecret } from '../auth/api-token-secret';
import { effectiveTokenScopes, grantsInForce } from '../auth/permissions';
import type { TPrincipal } from '../auth/principal';
import type { Db } from '../db/client';
import { DomainError } from '../domain/errors';

// Writing last-used on every request would turn every read into a write; a minute's precision is enough.
const LAST_USED_PRECISION_MS = 60_000;

export async function authenticateApiToken(db: Db, secret: string, now = new Date()): Promise<Extract<TPrincipal, { kind: 'token' }>> {
  const token = await db.apiToken.findUnique({ where: { tokenHash: hashTokenSecret(secret) }, include: { createdBy: true } });
  if (!token) throw new DomainError('UNAUTHORIZED', 'unknown API token');
  if (token.revokedAt) throw new DomainError('UNAUTHORIZED', `API token "${token.name}" was revoked`);
  if (token.expiresAt && token.expiresAt <= now) throw new DomainError('UNAUTHORIZED', `API token "${token.name}" expired`);
  if (token.createdBy.disabledAt) throw new DomainError('UNAUTHORIZED', `API token "${token.name}" belongs to a disabled user`);
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
  }
  return {
    kind: 'token',
    tokenId: token.id,
    userId: token.createdById,
    name: token.name,
    // Cut like the scopes, so checks that read a grant (an admin token's override) see today's role.
    grants: grantsInForce(token.scopes, token.createdBy.role),
    scopes: effectiveTokenScopes(token.scopes, token.createdBy.role),
  };
}
