import { hasScope } from '../auth/permissions';
import { principalUserId } from '../auth/principal';
import { DomainError } from '../domain/errors';
import type { ServiceContext } from './service-context';
import { recordAuditEvent } from '../records/record-audit-event';

/** Revokes a token: its owner or an admin (user:manage) may. Revoking twice is a no-op. */
export async function revokeApiToken(ctx: ServiceContext, tokenId: string) {
  return ctx.db.$transaction(async (tx) => {
    const token = await tx.apiToken.findUnique({ where: { id: tokenId } });
    const mayManageAll = hasScope(ctx.actor.scopes, 'user:manage');
    if (!token || (!mayManageAll && token.createdById !== principalUserId(ctx.actor))) {
      throw new DomainError('NOT_FOUND', `no API token with id ${tokenId}`);
    }
    if (token.revokedAt) return { id: token.id, revokedAt: token.revokedAt };
    const revokedAt = ctx.now?.() ?? new Date();
    await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'token.revoked',
      subjectType: 'api_token',
      subjectId: token.id,
      before: { name: token.name, revokedAt: null },
      after: { name: token.name, revokedAt },
    });
    return { id: token.id, revokedAt };
  });
}
