import type { TAuditEventView, TAuditQuery } from '../contracts/audit';
import { ZAuditQuery } from '../contracts/audit';
import { parseInput } from '../domain/errors';
import type { Prisma } from '../db/generated/client';
import type { ServiceContext } from './service-context';

/** Newest first, keyset-paged by id so pages stay stable while events are appended. */
export async function listAuditEvents(ctx: ServiceContext, raw: Partial<TAuditQuery>): Promise<{ events: TAuditEventView[]; nextCursor: string | null }> {
  const q = parseInput(ZAuditQuery, raw, 'audit query');
  const where: Prisma.AuditEventWhereInput = {
    ...(q.action ? { action: { startsWith: q.action } } : {}),
    ...(q.actor ? { actorLabel: { contains: q.actor, mode: 'insensitive' } } : {}),
    ...(q.subjectType ? { subjectType: q.subjectType } : {}),
    ...(q.subjectId ? { subjectId: q.subjectId } : {}),
    ...(q.from || q.to ? { at: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } } : {}),
    ...(q.cursor ? { id: { lt: BigInt(q.cursor) } } : {}),
  };
  const rows = await ctx.db.auditEvent.findMany({ where, orderBy: { id: 'desc' }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return {
    events: page.map((e) => ({ ...e, id: e.id.toString() })),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id.toString() : null,
  };
}
