import { generateTokenSecret } from '../auth/api-token-secret';
import { canGrantToken } from '../auth/permissions';
import { ZCreateApiTokenInput, type TCreateApiTokenInput } from '../contracts/api-tokens';
import { DomainError, parseInput } from '../domain/errors';
import type { ServiceContext } from './service-context';
import { recordAuditEvent } from '../records/record-audit-event';

/** Creates a token for the acting person. The secret is returned once and never stored. */
export async function createApiToken(ctx: ServiceContext, raw: TCreateApiTokenInput) {
  const input = parseInput(ZCreateApiTokenInput, raw);
  const actor = ctx.actor;
  if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'API tokens are created by a signed-in person, not by another token');
  const refused = input.scopes.filter((s) => !canGrantToken(actor.role, s));
  if (refused.length) {
    throw new DomainError('FORBIDDEN', `your role (${actor.role}) cannot grant the scope(s): ${refused.join(', ')}`);
  }
  const { secret, hash, displayPrefix } = generateTokenSecret();
  const now = ctx.now?.() ?? new Date();
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
  const token = await ctx.db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { name: input.name, prefix: displayPrefix, tokenHash: hash, scopes: [...new Set(input.scopes)], createdById: actor.userId, expiresAt },
    });
    await recordAuditEvent(tx, actor, ctx.requestId, {
      action: 'token.created',
      subjectType: 'api_token',
      subjectId: created.id,
      after: { name: created.name, scopes: created.scopes, expiresAt },
    });
    return created;
  });
  return { id: token.id, name: token.name, scopes: token.scopes, prefix: token.prefix, secret };
}
