import type { TAlertKind } from '../contracts/alerts';
import type { Tx } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { enqueueWebhookEvent } from './enqueue-webhook-event';

export interface TRaiseAlertInput {
  kind: TAlertKind;
  severity?: 'info' | 'warning' | 'critical';
  model: { id: string; name: string };
  modelVersionId?: string | null;
  deploymentId?: string | null;
  title: string;
  message: string;
  figures?: Record<string, unknown>;
  /** The condition's identity: while an alert with this key is open, it is not raised again. */
  dedupeKey: string;
}

/**
 * Stores an alert (unless the same condition is already open or acknowledged) and queues its
 * webhook deliveries in the same transaction: `alert.raised` for every alert, and
 * `drift.detected` for drift, which a retraining pipeline subscribes to. Returns the alert id,
 * or null when it was already open.
 */
export async function raiseAlert(tx: Tx, now: Date, input: TRaiseAlertInput): Promise<string | null> {
  // Serialise raisers of the same condition (replicas, overlapping job runs) until this commits.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${input.dedupeKey}))`;
  const existing = await tx.alert.findFirst({ where: { dedupeKey: input.dedupeKey, status: { in: ['open', 'acknowledged'] } }, select: { id: true } });
  if (existing) return null;
  const figures = (input.figures ? JSON.parse(JSON.stringify(input.figures)) : undefined) as Prisma.InputJsonValue | undefined;
  const alert = await tx.alert.create({
    data: {
      kind: input.kind,
      severity: input.severity ?? 'warning',
      modelId: input.model.id,
      modelVersionId: input.modelVersionId ?? null,
      deploymentId: input.deploymentId ?? null,
      title: input.title,
      message: input.message,
      figures,
      dedupeKey: input.dedupeKey,
      createdAt: now,
    },
  });
  const data = { alertId: alert.id, kind: input.kind, severity: alert.severity, title: input.title, message: input.message, versionId: input.modelVersionId ?? null, figures: input.figures ?? {} };
  await enqueueWebhookEvent(tx, now, input.model, 'alert.raised', data);
  if (input.kind === 'drift') await enqueueWebhookEvent(tx, now, input.model, 'drift.detected', data);
  return alert.id;
}
