import { principalLabel } from '../auth/principal';
import { ZAlertActionInput, ZListAlertsInput, type TAlertActionInput, type TListAlertsInput } from '../contracts/monitoring';
import type { DbOrTx } from '../db/client';
import type { Alert, Prisma } from '../db/generated/client';
import { DomainError, parseInput } from '../domain/errors';
import { recordAuditEvent } from '../records/record-audit-event';
import type { ServiceContext } from './service-context';

/*
 * The alert inbox: list with filters, the open count for the header badge, and the two human
 * actions — acknowledge (someone is on it; the condition stays deduplicated) and resolve (closed;
 * the same condition may raise a new alert). Both are audited in the same transaction.
 */

export async function listAlerts(db: DbOrTx, raw: TListAlertsInput = {}) {
  const q = parseInput(ZListAlertsInput, raw, 'alert query');
  const where: Prisma.AlertWhereInput = {
    ...(q.status ? { status: { in: q.status } } : {}),
    ...(q.kind ? { kind: { in: q.kind } } : {}),
    ...(q.severity ? { severity: { in: q.severity } } : {}),
  };
  if (q.modelName) {
    const model = await db.registeredModel.findUnique({ where: { name: q.modelName }, select: { id: true } });
    if (!model) return { alerts: [], nextCursor: null };
    where.modelId = model.id;
  }
  const rows = await db.alert.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: q.limit + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, q.limit);
  const [models, versions] = await Promise.all([
    db.registeredModel.findMany({ where: { id: { in: uniq(page.map((a) => a.modelId)) } }, select: { id: true, name: true } }),
    db.modelVersion.findMany({ where: { id: { in: uniq(page.map((a) => a.modelVersionId)) } }, select: { id: true, version: true } }),
  ]);
  return {
    alerts: page.map((a) => ({
      ...a,
      model: models.find((m) => m.id === a.modelId)?.name ?? null,
      version: versions.find((v) => v.id === a.modelVersionId)?.version ?? null,
    })),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

const uniq = (ids: (string | null)[]) => [...new Set(ids.filter((x): x is string => x !== null))];

/** Open (not yet acknowledged) alerts, and how many of them are critical: the header badge. */
export async function countOpenAlerts(db: DbOrTx): Promise<{ open: number; critical: number }> {
  const rows = await db.alert.groupBy({ by: ['severity'], where: { status: 'open' }, _count: { _all: true } });
  return { open: rows.reduce((n, r) => n + r._count._all, 0), critical: rows.find((r) => r.severity === 'critical')?._count._all ?? 0 };
}

async function transition(ctx: ServiceContext, raw: TAlertActionInput, to: 'acknowledged' | 'resolved'): Promise<Alert> {
  const input = parseInput(ZAlertActionInput, raw, 'alert action');
  const now = ctx.now?.() ?? new Date();
  return ctx.db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM alerts WHERE id = ${input.alertId}::uuid FOR UPDATE`;
    if (!rows.length) throw new DomainError('NOT_FOUND', `no alert ${input.alertId}`);
    const alert = await tx.alert.findUniqueOrThrow({ where: { id: input.alertId } });
    if (alert.status === 'resolved') throw new DomainError('CONFLICT', `alert ${alert.id} is already resolved`);
    if (to === 'acknowledged' && alert.status === 'acknowledged') throw new DomainError('CONFLICT', `alert ${alert.id} is already acknowledged`);
    const who = principalLabel(ctx.actor);
    const updated = await tx.alert.update({
      where: { id: alert.id },
      data:
        to === 'acknowledged'
          ? { status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: who }
          : { status: 'resolved', resolvedAt: now, ...(alert.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedBy: who }) },
    });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: to === 'acknowledged' ? 'alert.acknowledged' : 'alert.resolved',
      subjectType: 'alert',
      subjectId: alert.id,
      before: { status: alert.status, kind: alert.kind, title: alert.title },
      after: { status: to },
      reason: input.comment || null,
    });
    return updated;
  });
}

export const acknowledgeAlert = (ctx: ServiceContext, input: TAlertActionInput) => transition(ctx, input, 'acknowledged');
export const resolveAlert = (ctx: ServiceContext, input: TAlertActionInput) => transition(ctx, input, 'resolved');
