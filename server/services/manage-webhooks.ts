import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { principalUserId } from '../auth/principal';
import { ZCreateWebhookInput, ZModelName, type TCreateWebhookInput } from '../contracts/model-registry';
import type { DbOrTx } from '../db/client';
import { DomainError, parseInput } from '../domain/errors';
import { isAdmin, loadModel, requireOwner } from './model-registry-core';
import { recordAuditEvent } from './record-audit-event';
import type { ServiceContext } from './service-context';

/**
 * Registers a webhook: for one model (its owners) or for every model (admins). The signing
 * secret is returned once here; afterwards only its first characters are shown.
 */
export async function createWebhook(ctx: ServiceContext, raw: TCreateWebhookInput) {
  const input = parseInput(ZCreateWebhookInput, raw, 'webhook');
  const model = input.modelName ? await loadModel(ctx.db, input.modelName) : null;
  if (model) await requireOwner(ctx.db, model, ctx.actor, 'add a webhook');
  else if (!isAdmin(ctx.actor)) throw new DomainError('FORBIDDEN', 'only an admin may add a webhook for every model');
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  return ctx.db.$transaction(async (tx) => {
    const hook = await tx.webhook.create({ data: { modelId: model?.id ?? null, url: input.url, secret, events: [...new Set(input.events)], createdById: principalUserId(ctx.actor) } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, { action: 'webhook.created', subjectType: 'webhook', subjectId: hook.id, after: { model: model?.name ?? null, url: hook.url, events: hook.events } });
    return { id: hook.id, model: model?.name ?? null, url: hook.url, events: hook.events, secret };
  });
}

export async function listWebhooks(db: DbOrTx, input: { modelName?: string } = {}) {
  const model = input.modelName ? await loadModel(db, input.modelName) : null;
  const hooks = await db.webhook.findMany({ where: model ? { modelId: model.id } : {}, include: { model: { select: { name: true } } }, orderBy: { createdAt: 'asc' } });
  return hooks.map((h) => ({ id: h.id, model: h.model?.name ?? null, url: h.url, events: h.events, active: h.active, secretHint: `${h.secret.slice(0, 10)}...`, createdAt: h.createdAt }));
}

export const ZDeliveryQuery = z.object({ webhookId: z.string().uuid().optional(), modelName: ZModelName.optional(), limit: z.number().int().min(1).max(500).default(100) });

/** The delivery log, newest first: status, attempts, last error and response code per delivery. */
export async function listWebhookDeliveries(db: DbOrTx, raw: z.input<typeof ZDeliveryQuery>) {
  const input = parseInput(ZDeliveryQuery, raw, 'query');
  const model = input.modelName ? await loadModel(db, input.modelName) : null;
  const rows = await db.webhookDelivery.findMany({
    where: { ...(input.webhookId ? { webhookId: input.webhookId } : {}), ...(model ? { webhook: { modelId: model.id } } : {}) },
    include: { webhook: { select: { url: true } } },
    orderBy: { id: 'desc' },
    take: input.limit,
  });
  return rows.map((d) => ({
    id: String(d.id),
    webhookId: d.webhookId,
    url: d.webhook.url,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
    lastError: d.lastError,
    responseCode: d.responseCode,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
  }));
}
