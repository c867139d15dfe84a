import { randomUUID } from 'node:crypto';
import { hasScope } from '../auth/permissions';
import type { TPrincipal } from '../auth/principal';
import { principalLabel, principalUserId } from '../auth/principal';
import type { TModelStage, TWebhookEvent, TWebhookPayload } from '../contracts/model-registry';
import type { DbOrTx, Tx } from '../db/client';
import type { ModelVersion, Prisma, RegisteredModel } from '../db/generated/client';
import { DomainError, refusal } from '../domain/errors';
import { decideModelAdministration, decideRename, type TAdministration, type TRefusal } from '../domain/model-administration';
import { APPROVER_OVERRIDE_MIN_LENGTH, checkTransition, describeUnmet, unmetGates, type TApprovalEvidence, type TApproverCheck, type TGateEvidence, type TTransitionCause } from '../domain/model-lifecycle';
import { recordAuditEvent } from './record-audit-event';
import type { ServiceContext } from './service-context';

/*
 * The building blocks every registry use-case shares: lookups with MLflow's wording for a miss,
 * the per-model row lock, ownership, gate evidence, and the three side-effects of a lifecycle
 * step (stage change, alias move, webhook event) - each writing its audit event in the caller's
 * transaction.
 */

export const nowOf = (ctx: Pick<ServiceContext, 'now'>) => ctx.now?.() ?? new Date();

export function isAdmin(actor: TPrincipal): boolean {
  if (actor.kind === 'user') return actor.role === 'admin';
  if (actor.kind === 'token') return actor.grants.includes('admin');
  return false;
}

export async function loadModel(db: DbOrTx, name: string): Promise<RegisteredModel> {
  const model = await db.registeredModel.findUnique({ where: { name } });
  if (!model) throw new DomainError('NOT_FOUND', `Registered Model with name=${name} not found`);
  return model;
}

/**
 * Locks the model's row for the rest of the transaction: lifecycle steps of one model run one
 * at a time, so two concurrent promotions cannot both see "no other production version".
 */
export async function lockModel(tx: Tx, name: string): Promise<RegisteredModel> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM registered_models WHERE name = ${name} FOR UPDATE`;
  if (!rows[0]) throw new DomainError('NOT_FOUND', `Registered Model with name=${name} not found`);
  return tx.registeredModel.findUniqueOrThrow({ where: { id: rows[0].id } });
}

export async function loadVersion(db: DbOrTx, model: RegisteredModel, version: number): Promise<ModelVersion> {
  const found = Number.isInteger(version) ? await db.modelVersion.findUnique({ where: { modelId_version: { modelId: model.id, version } } }) : null;
  if (!found) throw new DomainError('NOT_FOUND', `Model Version (name=${model.name}, version=${version}) not found`);
  return found;
}

export async function isOwner(db: DbOrTx, modelId: string, actor: TPrincipal): Promise<boolean> {
  const userId = principalUserId(actor);
  if (!userId) return false;
  return (await db.modelOwner.count({ where: { modelId, userId } })) > 0;
}

/**
 * Owner-only actions (promote, demote, roll back, archive, decide): the model:approve scope is
 * necessary, and the actor must own the model (admins act on any model; it is audited as theirs).
 */
export async function requireOwner(db: DbOrTx, model: RegisteredModel, actor: TPrincipal, action: string): Promise<void> {
  if (!hasScope(actor.scopes, 'model:approve')) throw new DomainError('FORBIDDEN', `to ${action} you need the model:approve permission, which your credentials do not grant`);
  if (isAdmin(actor) || (await isOwner(db, model.id, actor))) return;
  throw refusal('NOT_OWNER', `only an owner of model ${model.name} may ${action}`, { model: model.name, action });
}

/** A four-eyes check that failed, as the refusal its rule names (FOUR_EYES, NOT_OWNER; no person acting is plain FORBIDDEN). */
export function approverRefusal(check: Extract<TApproverCheck, { ok: false }>, model: RegisteredModel, action: string): DomainError {
  if (check.rule === 'FOUR_EYES') return refusal('FOUR_EYES', check.reason, { adminOverride: check.adminOverride, minReasonLength: APPROVER_OVERRIDE_MIN_LENGTH });
  if (check.rule === 'NOT_OWNER') return refusal('NOT_OWNER', check.reason, { model: model.name, action });
  return new DomainError('FORBIDDEN', check.reason);
}

export function throwRefusal(refused: TRefusal): never {
  throw new DomainError(refused.code, refused.message, { rule: refused.rule, ...refused.details });
}

/**
 * Administration of a model (rename, delete, description and tags, webhooks): model:approve and
 * ownership, or an admin with a written reason - decided by domain/model-administration.ts.
 * Returns how the actor acts, for the audit event.
 */
export async function requireModelAdministration(db: DbOrTx, model: RegisteredModel, actor: TPrincipal, action: string, adminReason?: string | null): Promise<TAdministration> {
  const owner = await isOwner(db, model.id, actor);
  const decision = decideModelAdministration({ modelName: model.name, hasApproveScope: hasScope(actor.scopes, 'model:approve'), isOwner: owner, isAdmin: isAdmin(actor) }, action, adminReason);
  if (!decision.ok) throwRefusal(decision);
  return decision;
}

/** 409 while a worker or a deployment serves the model (they address it by name): see decideRename. */
export async function refuseRenameWhileServed(tx: Tx, model: RegisteredModel, now: Date): Promise<void> {
  const ids = (await tx.modelVersion.findMany({ where: { modelId: model.id }, select: { id: true } })).map((v) => v.id);
  const production = await tx.modelVersion.findMany({ where: { modelId: model.id, stage: 'production' }, select: { version: true }, orderBy: { version: 'asc' } });
  const active = await tx.deployment.findUnique({ where: { activeModelId: model.id }, select: { id: true, status: true } });
  // Both indexed by version and time: the newest row per model is one index probe each.
  const traffic = ids.length ? await tx.versionTraffic.findFirst({ where: { modelVersionId: { in: ids } }, orderBy: { minute: 'desc' }, select: { minute: true } }) : null;
  const logged = ids.length ? await tx.predictionLog.findFirst({ where: { modelVersionId: { in: ids } }, orderBy: { ts: 'desc' }, select: { ts: true } }) : null;
  const last = [traffic?.minute, logged?.ts].filter((d): d is Date => d instanceof Date).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  const decision = decideRename({ productionVersions: production.map((v) => v.version), activeDeployment: active, lastTrafficAt: last }, model.name, now);
  if (!decision.ok) throwRefusal(decision);
}

// ---- evidence -------------------------------------------------------------------------------

export async function latestValidations(db: DbOrTx, versionId: string) {
  const rows = await db.validationCheck.findMany({ where: { versionId }, orderBy: { id: 'desc' } });
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.name) ? false : (seen.add(r.name), true))).reverse();
}

export async function latestBenchmark(db: DbOrTx, versionId: string) {
  return db.latencyBenchmark.findFirst({ where: { versionId }, orderBy: { id: 'desc' } });
}

export async function gateEvidence(db: DbOrTx, model: RegisteredModel, version: ModelVersion, approval: TApprovalEvidence = null): Promise<TGateEvidence> {
  const [validations, benchmark] = await Promise.all([latestValidations(db, version.id), latestBenchmark(db, version.id)]);
  return {
    complete: version.complete,
    missing: version.missing,
    validations: validations.map((v) => ({ name: v.name, metric: v.metric, comparator: v.comparator, threshold: v.threshold, observed: v.observed, passed: v.passed })),
    benchmark: benchmark
      ? { hardware: benchmark.hardware, batchSize: benchmark.batchSize, p50Ms: benchmark.p50Ms, p99Ms: benchmark.p99Ms, throughput: benchmark.throughput, measuredAt: benchmark.measuredAt.toISOString() }
      : null,
    slaClass: model.slaClass,
    approval,
  };
}

/** Identifies the evidence a promotion request was made on; new evidence makes the request stale. */
export async function evidenceMarker(db: DbOrTx, versionId: string): Promise<{ lastValidationId: string | null; lastBenchmarkId: string | null }> {
  const [v, b] = await Promise.all([
    db.validationCheck.findFirst({ where: { versionId }, orderBy: { id: 'desc' }, select: { id: true } }),
    db.latencyBenchmark.findFirst({ where: { versionId }, orderBy: { id: 'desc' }, select: { id: true } }),
  ]);
  return { lastValidationId: v ? String(v.id) : null, lastBenchmarkId: b ? String(b.id) : null };
}

/** Open requests on evidence that no longer holds become stale (same transaction as the change). */
export async function staleOpenRequests(tx: Tx, where: Prisma.PromotionRequestWhereInput, reason: string): Promise<number> {
  const result = await tx.promotionRequest.updateMany({ where: { ...where, status: 'requested' }, data: { status: 'stale', staleReason: reason } });
  return result.count;
}

// ---- side-effects -----------------------------------------------------------------------------

export async function enqueueWebhookEvent(tx: Tx, now: Date, model: { id: string; name: string }, event: TWebhookEvent, data: Record<string, unknown>): Promise<void> {
  const hooks = await tx.webhook.findMany({ where: { active: true, events: { has: event }, OR: [{ modelId: model.id }, { modelId: null }] }, select: { id: true } });
  if (!hooks.length) return;
  const payload: TWebhookPayload = { id: randomUUID(), event, occurredAt: now.toISOString(), model: model.name, data };
  const json = JSON.parse(JSON.stringify(payload)) as Prisma.InputJsonValue;
  await tx.webhookDelivery.createMany({ data: hooks.map((h) => ({ webhookId: h.id, event, payload: json, nextAttemptAt: now })) });
}

/**
 * A running deployment splits traffic between its stable and candidate versions and ends by
 * promoting over its stable one, so it alone decides production until it ends: 409 (the message
 * naming it, then `tail`) while one other than `exceptDeploymentId` runs.
 */
export async function refuseWhileDeploying(tx: Tx, model: RegisteredModel, tail: string, exceptDeploymentId?: string): Promise<void> {
  const active = await tx.deployment.findUnique({ where: { activeModelId: model.id } });
  if (!active || active.id === exceptDeploymentId) return;
  throw refusal('DEPLOYMENT_RUNNING', `model ${model.name} has a ${active.status} ${active.strategy.replace('_', ' ')} deployment (${active.id})${tail}`, {
    deploymentId: active.id,
    status: active.status,
    strategy: active.strategy,
    mlflowErrorCode: 'INVALID_STATE',
  });
}

/**
 * Moves a version through the lifecycle table: refused (409, listing the unmet gates) unless the
 * transition exists for this cause and its gates pass. Records the audit event and the webhook.
 */
export async function changeStage(
  tx: Tx,
  ctx: ServiceContext,
  model: RegisteredModel,
  version: ModelVersion,
  to: TModelStage,
  cause: TTransitionCause,
  opts: { approval?: TApprovalEvidence; reason?: string | null; deploymentId?: string } = {},
): Promise<ModelVersion> {
  const check = checkTransition(version.stage, to, cause);
  if (to === 'production' || version.stage === 'production') {
    await refuseWhileDeploying(tx, model, ': promote or roll it back before changing production', opts.deploymentId);
  }
  if (!check.ok) {
    throw refusal('INVALID_TRANSITION', `version ${version.version} of ${model.name} cannot move ${version.stage} -> ${to}: ${check.reason}`, { from: version.stage, to, cause, mlflowErrorCode: 'INVALID_STATE' });
  }
  if (check.gates.length) {
    const unmet = unmetGates(check.gates, await gateEvidence(tx, model, version, opts.approval ?? null));
    if (unmet.length) {
      throw refusal('GATES_UNMET', `version ${version.version} of ${model.name} cannot move to ${to}; unmet gates: ${describeUnmet(unmet)}`, {
        model: model.name,
        version: version.version,
        to,
        unmet,
        mlflowErrorCode: 'INVALID_STATE',
      });
    }
  }
  const now = nowOf(ctx);
  const updated = await tx.modelVersion.update({
    where: { id: version.id },
    data: {
      stage: to,
      stageChangedAt: now,
      updatedAt: now,
      ...(to === 'production' ? { enteredProductionAt: now } : {}),
      ...(version.stage === 'production' ? { leftProductionAt: now } : {}),
      ...(to === 'archived' ? { archivedAt: now } : {}),
    },
  });
  await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
    action: 'model_version.stage_changed',
    subjectType: 'model_version',
    subjectId: version.id,
    before: { model: model.name, version: version.version, stage: version.stage },
    after: { model: model.name, version: version.version, stage: to, cause, ...(opts.approval ? { approvedBy: opts.approval.approvedBy } : {}) },
    reason: opts.reason ?? null,
  });
  await enqueueWebhookEvent(tx, now, model, 'stage.changed', { version: version.version, from: version.stage, to, cause, actor: principalLabel(ctx.actor) });
  return updated;
}

/** Points an alias at a version (or removes it: null), recording the move in the alias history. */
export async function moveAlias(tx: Tx, ctx: ServiceContext, model: RegisteredModel, alias: string, to: ModelVersion | null, cause: string): Promise<void> {
  const current = await tx.modelAlias.findUnique({ where: { modelId_alias: { modelId: model.id, alias } } });
  if ((current?.versionId ?? null) === (to?.id ?? null)) return;
  const from = current ? await tx.modelVersion.findUnique({ where: { id: current.versionId }, select: { id: true, version: true } }) : null;
  const now = nowOf(ctx);
  if (to) {
    await tx.modelAlias.upsert({
      where: { modelId_alias: { modelId: model.id, alias } },
      create: { modelId: model.id, alias, versionId: to.id, updatedAt: now },
      update: { versionId: to.id, updatedAt: now },
    });
  } else {
    await tx.modelAlias.delete({ where: { modelId_alias: { modelId: model.id, alias } } });
  }
  const actorId = principalUserId(ctx.actor);
  await tx.modelAliasHistory.create({
    data: {
      modelId: model.id,
      alias,
      fromVersionId: from?.id ?? null,
      toVersionId: to?.id ?? null,
      fromVersion: from?.version ?? null,
      toVersion: to?.version ?? null,
      at: now,
      actorId,
      actorLabel: principalLabel(ctx.actor),
      cause,
    },
  });
  await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
    action: 'model_alias.moved',
    subjectType: 'registered_model',
    subjectId: model.id,
    before: { model: model.name, alias, version: from?.version ?? null },
    after: { model: model.name, alias, version: to?.version ?? null, cause },
  });
  await enqueueWebhookEvent(tx, now, model, 'alias.moved', { alias, fromVersion: from?.version ?? null, toVersion: to?.version ?? null, cause });
}

export async function aliasTarget(db: DbOrTx, modelId: string, alias: string): Promise<ModelVersion | null> {
  const row = await db.modelAlias.findUnique({ where: { modelId_alias: { modelId, alias } } });
  return row ? db.modelVersion.findUnique({ where: { id: row.versionId } }) : null;
}

export async function touchModel(tx: Tx, ctx: ServiceContext, model: RegisteredModel): Promise<void> {
  await tx.registeredModel.update({ where: { id: model.id }, data: { updatedAt: nowOf(ctx) } });
}
