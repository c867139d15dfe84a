import { randomUUID } from 'node:crypto';
import type { TWebhookEvent, TWebhookPayload } from '../contracts/model-registry';
import type { Tx } from '../db/client';
import type { Prisma } from '../db/generated/client';

export async function enqueueWebhookEvent(tx: Tx, now: Date, model: { id: string; name: string }, event: TWebhookEvent, data: Record<string, unknown>): Promise<void> {
  const hooks = await tx.webhook.findMany({ where: { active: true, events: { has: event }, OR: [{ modelId: model.id }, { modelId: null }] }, select: { id: true } });
  if (!hooks.length) return;
  const payload: TWebhookPayload = { id: randomUUID(), event, occurredAt: now.toISOString(), model: model.name, data };
  const json = JSON.parse(JSON.stringify(payload)) as Prisma.InputJsonValue;
  await tx.webhookDelivery.createMany({ data: hooks.map((h) => ({ webhookId: h.id, event, payload: json, nextAttemptAt: now })) });
}
