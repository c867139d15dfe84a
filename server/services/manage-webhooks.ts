import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { hasScope } from '../auth/permissions';
import type { TPrincipal } from '../auth/principal';
import { principalLabel, principalUserId } from '../auth/principal';
import { WEBHOOK_TEST_EVENT, ZCreateWebhookInput, ZModelName, type TCreateWebhookInput, type TWebhookPayload } from '../contracts/model-registry';
import { zSafeText } from '../contracts/safe-text';
import type { DbOrTx, Tx } from '../db/client';
import type { Prisma, Webhook } from '../db/generated/client';
import { DomainError, parseInput } from '../domain/errors';
import { decideGlobalWebhookAdministration, maySeeWebhookDetails, type TAdministration } from '../domain/model-administration';
import { webhookDestinationPolicy } from '../env';
import { isAdminPrincipal as isAdmin } from './rollout/rollout-actor';
import { isOwner, requireModelAdministration, throwRefusal } from './registry/model-ownership';
import { loadModel } from './registry/model-lookup';
import { nowOf } from './service-context';
import { recordAuditEvent } from '../records/record-audit-event';
import type { ServiceContext } from './service-context';
import { checkWebhookDestination, type TResolveHost } from './webhook-destination-guard';

/*
 * Webhooks of one model (its owners administer them) or of every model (admins): create,
 * disable and enable, delete, send a test event, redeliver a failed delivery - each audited in
 * its transaction. URLs and secrets are shown only to those who administer the webhook
 * (domain/model-administration.ts); the audit log, readable more widely, records the host only.
 */

const ZReason = zSafeText({ max: 5000, kind: 'text' }).optional();

type THookWithModel = Webhook & { model: { id: string; name: string } | null };

/** Audit entries name where a webhook points without its path or query (which may hold a token). */
const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
};

async function requireWebhookAdministration(db: DbOrTx, model: { id: string; name: string } | null, actor: TPrincipal, action: string, reason?: string | null): Promise<TAdministration> {
  if (!model) {
    const decision = decideGlobalWebhookAdministration(isAdmin(actor), action);
    if (!decision.ok) throwRefusal(decision);
    return decision;
  }
  const full = await db.registeredModel.findUniqueOrThrow({ where: { id: model.id } });
  return requireModelAdministration(db, full, actor, action, reason);
}

async function loadWebhook(db: DbOrTx, id: string): Promise<THookWithModel> {
  const hook = z.string().uuid().safeParse(id).success ? await db.webhook.findUnique({ where: { id }, include: { model: { select: { id: true, name: true } } } }) : null;
  if (!hook) throw new DomainError('NOT_FOUND', `no webhook with id ${id}`);
  return hook;
}

/**
 * Registers a webhook. The destination must be https:// (http:// with BALLAST_WEBHOOK_ALLOW_HTTP=on)
 * and resolve to public addresses only, unless its host is in BALLAST_WEBHOOK_ALLOW_HOSTS. The
 * signing secret is returned once here; afterwards only its first characters are shown.
 */
export async function createWebhook(ctx: ServiceContext, raw: TCreateWebhookInput, resolve?: TResolveHost) {
  const input = parseInput(ZCreateWebhookInput, raw, 'webhook');
  const model = input.modelName ? await loadModel(ctx.db, input.modelName) : null;
  const as = await requireWebhookAdministration(ctx.db, model, ctx.actor, 'add a webhook', input.reason);
  await checkWebhookDestination(input.url, webhookDestinationPolicy(), resolve);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  return ctx.db.$transaction(async (tx) => {
    const hook = await tx.webhook.create({ data: { modelId: model?.id ?? null, url: input.url, secret, events: [...new Set(input.events)], createdById: principalUserId(ctx.actor) } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'webhook.created',
      subjectType: 'webhook',
      subjectId: hook.id,
      after: { model: model?.name ?? null, host: hostOf(hook.url), events: hook.events, as: as.as },
      reason: as.reason,
    });
    return { id: hook.id, model: model?.name ?? null, url: hook.url, events: hook.events, active: hook.active, secret };
  });
}

/** Whether `actor` sees the URL and secret hint of webhooks of `modelId` (null: every model). */
async function seesDetails(db: DbOrTx, modelId: string | null, actor: TPrincipal): Promise<boolean> {
  const facts = { hasApproveScope: hasScope(actor.scopes, 'model:approve'), isOwner: modelId ? await isOwner(db, modelId, actor) : false, isAdmin: isAdmin(actor) };
  return maySeeWebhookDetails(facts, modelId === null);
}

export type TWebhookView = {
  id: string;
  model: string | null;
  /** null when redacted: the viewer does not administer this webhook. */
  url: string | null;
  events: string[];
  active: boolean;
  secretHint: string | null;
  createdAt: Date;
  /** The viewer may disable, enable, delete, test and redeliver. */
  canManage: boolean;
};

/** The webhooks of one model (with `modelName`) or all of them; redacted where the viewer does not administer them. */
export async function listWebhooks(ctx: Pick<ServiceContext, 'db' | 'actor'>, input: { modelName?: string } = {}): Promise<TWebhookView[]> {
  const model = input.modelName ? await loadModel(ctx.db, input.modelName) : null;
  const hooks = await ctx.db.webhook.findMany({ where: model ? { modelId: model.id } : {}, include: { model: { select: { name: true } } }, orderBy: { createdAt: 'asc' } });
  const sees = new Map<string | null, boolean>();
  const out: TWebhookView[] = [];
  for (const h of hooks) {
    if (!sees.has(h.modelId)) sees.set(h.modelId, await seesDetails(ctx.db, h.modelId, ctx.actor));
    const full = sees.get(h.modelId)!;
    out.push({
      id: h.id,
      model: h.model?.name ?? null,
      url: full ? h.url : null,
      events: h.events,
      active: h.active,
      secretHint: full ? `${h.secret.slice(0, 10)}...` : null,
      createdAt: h.createdAt,
      canManage: full && hasScope(ctx.actor.scopes, 'model:approve'),
    });
  }
  return out;
}

export const ZDeliveryQuery = z.object({ webhookId: z.string().uuid().optional(), modelName: ZModelName.optional(), limit: z.number().int().min(1).max(500).default(100) });

/**
 * The delivery log, newest first: status, attempts, last error and response code per delivery.
 * It shows where each went and what the receiver answered, so it is for those who administer
 * the webhooks: deliveries of webhooks the viewer may not see in full are left out.
 */
export async function listWebhookDeliveries(ctx: Pick<ServiceContext, 'db' | 'actor'>, raw: z.input<typeof ZDeliveryQuery>) {
  const input = parseInput(ZDeliveryQuery, raw, 'query');
  const model = input.modelName ? await loadModel(ctx.db, input.modelName) : null;
  const hook = input.webhookId ? await loadWebhook(ctx.db, input.webhookId) : null;
  const scopeModelId = hook ? hook.modelId : model ? model.id : undefined;
  let visible: Prisma.WebhookWhereInput;
  if (scopeModelId !== undefined) {
    if (!(await seesDetails(ctx.db, scopeModelId, ctx.actor))) {
      throw new DomainError('FORBIDDEN', `only ${scopeModelId === null ? 'admins' : `the owners of model ${hook?.model?.name ?? model?.name} and admins`} may read this delivery log`);
    }
    visible = { modelId: scopeModelId };
  } else if (isAdmin(ctx.actor)) {
    visible = {};
  } else {
    const userId = principalUserId(ctx.actor);
    visible = hasScope(ctx.actor.scopes, 'model:approve') && userId ? { model: { owners: { some: { userId } } } } : { id: { in: [] } };
  }
  const rows = await ctx.db.webhookDelivery.findMany({
    where: { ...(hook ? { webhookId: hook.id } : {}), webhook: visible },
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

const ZWebhookRef = z.object({ id: z.string().uuid('must be a webhook id (a UUID)'), reason: ZReason });
const ZSetActive = ZWebhookRef.extend({ active: z.boolean() });

/** Disables a webhook (no events are queued for it; deliveries already queued wait) or enables it again. */
export async function setWebhookActive(ctx: ServiceContext, raw: z.input<typeof ZSetActive>) {
  const input = parseInput(ZSetActive, raw, 'webhook');
  return ctx.db.$transaction(async (tx) => {
    const hook = await lockWebhook(tx, input.id);
    const as = await requireWebhookAdministration(tx, hook.model, ctx.actor, input.active ? 'enable a webhook' : 'disable a webhook', input.reason);
    if (hook.active === input.active) return { id: hook.id, active: hook.active };
    const updated = await tx.webhook.update({ where: { id: hook.id }, data: { active: input.active } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: input.active ? 'webhook.enabled' : 'webhook.disabled',
      subjectType: 'webhook',
      subjectId: hook.id,
      before: { model: hook.model?.name ?? null, host: hostOf(hook.url), active: hook.active },
      after: { model: hook.model?.name ?? null, host: hostOf(hook.url), active: updated.active, as: as.as },
      reason: as.reason,
    });
    return { id: updated.id, active: updated.active };
  });
}

/** Deletes a webhook and its delivery log (the audit event keeps what it was). */
export async function deleteWebhook(ctx: ServiceContext, raw: z.input<typeof ZWebhookRef>): Promise<void> {
  const input = parseInput(ZWebhookRef, raw, 'webhook');
  await ctx.db.$transaction(async (tx) => {
    const hook = await lockWebhook(tx, input.id);
    const as = await requireWebhookAdministration(tx, hook.model, ctx.actor, 'delete a webhook', input.reason);
    const deliveries = await tx.webhookDelivery.count({ where: { webhookId: hook.id } });
    await tx.webhook.delete({ where: { id: hook.id } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'webhook.deleted',
      subjectType: 'webhook',
      subjectId: hook.id,
      before: { model: hook.model?.name ?? null, host: hostOf(hook.url), events: hook.events, active: hook.active, deliveries },
      after: { as: as.as },
      reason: as.reason,
    });
  });
}

/** Queues a `webhook.test` event to this one webhook; the delivery worker sends it within seconds. */
export async function sendTestWebhookEvent(ctx: ServiceContext, raw: z.input<typeof ZWebhookRef>) {
  const input = parseInput(ZWebhookRef, raw, 'webhook');
  return ctx.db.$transaction(async (tx) => {
    const hook = await lockWebhook(tx, input.id);
    const as = await requireWebhookAdministration(tx, hook.model, ctx.actor, 'send a test event', input.reason);
    refuseWhileDisabled(hook, 'send it a test event');
    const now = nowOf(ctx);
    const payload: TWebhookPayload = { id: randomUUID(), event: WEBHOOK_TEST_EVENT, occurredAt: now.toISOString(), model: hook.model?.name ?? '*', data: { test: true, requestedBy: principalLabel(ctx.actor) } };
    const delivery = await tx.webhookDelivery.create({ data: { webhookId: hook.id, event: WEBHOOK_TEST_EVENT, payload: toJson(payload), nextAttemptAt: now } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'webhook.test_sent',
      subjectType: 'webhook',
      subjectId: hook.id,
      after: { model: hook.model?.name ?? null, host: hostOf(hook.url), deliveryId: String(delivery.id), as: as.as },
      reason: as.reason,
    });
    return { deliveryId: String(delivery.id), event: WEBHOOK_TEST_EVENT };
  });
}

const ZRedeliver = z.object({ deliveryId: z.string().regex(/^\d{1,18}$/, 'must be a delivery id (digits)'), reason: ZReason });

/**
 * Sends a failed delivery again as a new delivery with the same event and payload (the payload's
 * id stays, so a receiver that did get it can tell); the failed one stays in the log as it was.
 */
export async function redeliverWebhookDelivery(ctx: ServiceContext, raw: z.input<typeof ZRedeliver>) {
  const input = parseInput(ZRedeliver, raw, 'redelivery');
  return ctx.db.$transaction(async (tx) => {
    const original = await tx.webhookDelivery.findUnique({ where: { id: BigInt(input.deliveryId) } });
    if (!original) throw new DomainError('NOT_FOUND', `no webhook delivery with id ${input.deliveryId}`);
    const hook = await lockWebhook(tx, original.webhookId);
    const as = await requireWebhookAdministration(tx, hook.model, ctx.actor, 'redeliver a webhook delivery', input.reason);
    if (original.status !== 'failed') {
      throw new DomainError('CONFLICT', `delivery ${input.deliveryId} is ${original.status}: only a failed delivery is redelivered`, { rule: 'DELIVERY_NOT_FAILED', status: original.status });
    }
    refuseWhileDisabled(hook, 'redeliver to it');
    const delivery = await tx.webhookDelivery.create({ data: { webhookId: hook.id, event: original.event, payload: toJson(original.payload), nextAttemptAt: nowOf(ctx) } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'webhook.redelivered',
      subjectType: 'webhook',
      subjectId: hook.id,
      after: { model: hook.model?.name ?? null, host: hostOf(hook.url), event: original.event, of: String(original.id), deliveryId: String(delivery.id), as: as.as },
      reason: as.reason,
    });
    return { deliveryId: String(delivery.id), of: String(original.id), event: original.event };
  });
}

/** Row lock: a delete and a test event on one webhook never interleave. */
async function lockWebhook(tx: Tx, id: string): Promise<THookWithModel> {
  const hook = await loadWebhook(tx, id);
  await tx.$queryRaw`SELECT id FROM webhooks WHERE id = ${hook.id}::uuid FOR UPDATE`;
  return hook;
}

function refuseWhileDisabled(hook: Webhook, what: string): void {
  if (!hook.active) throw new DomainError('CONFLICT', `webhook ${hook.id} is disabled: enable it before you ${what}`, { rule: 'WEBHOOK_DISABLED' });
}

const toJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
