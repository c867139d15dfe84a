import { hasScope } from '../auth/permissions';
import { principalUserId } from '../auth/principal';
import type { TApiTokenView } from '../contracts/api-tokens';
import type { ServiceContext } from './service-context';

/** The actor's own tokens; admins (user:manage) see everyone's. Secrets are never readable. */
export async function listApiTokens(ctx: ServiceContext): Promise<TApiTokenView[]> {
  const all = hasScope(ctx.actor.scopes, 'user:manage');
  const rows = await ctx.db.apiToken.findMany({
    where: all ? {} : { createdById: principalUserId(ctx.actor) ?? '00000000-0000-0000-0000-000000000000' },
    include: { createdBy: { select: { email: true } } },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
    createdBy: t.createdBy.email,
  }));
}
