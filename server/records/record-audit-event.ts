import type { TPrincipal } from '../auth/principal';
import { principalLabel } from '../auth/principal';
import type { DbOrTx } from '../db/client';
import type { Prisma } from '../db/generated/client';

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

function actorId(p: TPrincipal): string | null {
  if (p.kind === 'user') return p.userId;
  if (p.kind === 'token') return p.tokenId;
  return null;
}

/**
 * Appends one audit event. Call it with the transaction that makes the change, so the record
 * and the change commit together or not at all. There is no update or delete counterpart
 * (and the table's trigger refuses both).
 */
export async function recordAuditEvent(tx: DbOrTx, actor: TPrincipal, requestId: string | null, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorType: actor.kind,
      actorId: actorId(actor),
      actorLabel: principalLabel(actor),
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId ?? null,
      before: toJson(entry.before),
      after: toJson(entry.after),
      reason: entry.reason ?? null,
      requestId,
    },
  });
}

function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  return value === undefined || value === null ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);
}
