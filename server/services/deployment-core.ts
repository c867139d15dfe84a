import type { TPrincipal } from '../auth/principal';
import { principalLabel, principalUserId } from '../auth/principal';
import type { Tx } from '../db/client';
import type { Deployment, ModelVersion, Prisma, RegisteredModel } from '../db/generated/client';
import { DomainError, refusal } from '../domain/errors';
import { checkApprover } from '../domain/model-lifecycle';
import { promoteToProduction } from './decide-promotion';
import { aliasTarget, approverRefusal, enqueueWebhookEvent, isAdmin, isOwner, lockModel, moveAlias, nowOf } from './model-registry-core';
import { raiseAlert } from './raise-alert';
import { recordAuditEvent } from './record-audit-event';
import type { ServiceContext } from './service-context';

/*
 * The steps every deployment use-case shares, each inside the caller's transaction under the
 * model's row lock: promote (through the registry lifecycle, so production, previous and the
 * stage history stay what the registry says), roll back, and the audit + webhook of each.
 */

export const DEPLOYMENT_EVALUATOR: TPrincipal = { kind: 'system', name: 'deployment-evaluator', scopes: [] };

export const ACTIVE_STATUSES = ['running', 'paused'] as const;

export const toJson = (v: unknown) => (v === undefined || v === null ? undefined : (JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue));

/** Loads a deployment and locks its model for the rest of the transaction, then re-reads the deployment. */
export async function lockDeployment(tx: Tx, deploymentId: string): Promise<{ deployment: Deployment; model: RegisteredModel }> {
  const found = await tx.deployment.findUnique({ where: { id: deploymentId }, select: { modelId: true } });
  if (!found) throw new DomainError('NOT_FOUND', `no deployment ${deploymentId}`);
  const { name } = await tx.registeredModel.findUniqueOrThrow({ where: { id: found.modelId }, select: { name: true } });
  const model = await lockModel(tx, name);
  const deployment = await tx.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
  return { deployment, model };
}

export function requireActive(d: Deployment, action: string): void {
  if (d.status !== 'running' && d.status !== 'paused') throw new DomainError('CONFLICT', `cannot ${action}: the deployment is ${d.status.replace('_', ' ')}`, { status: d.status });
}

async function versionsOf(tx: Tx, d: Deployment): Promise<{ candidate: ModelVersion; stable: ModelVersion | null }> {
  const [candidate, stable] = await Promise.all([
    tx.modelVersion.findUniqueOrThrow({ where: { id: d.candidateVersionId } }),
    d.stableVersionId ? tx.modelVersion.findUnique({ where: { id: d.stableVersionId } }) : null,
  ]);
  return { candidate, stable };
}

async function clearCanaryAlias(tx: Tx, ctx: ServiceContext, model: RegisteredModel, candidate: ModelVersion, cause: string) {
  const canary = await aliasTarget(tx, model.id, 'canary');
  if (canary?.id === candidate.id) await moveAlias(tx, ctx, model, 'canary', null, cause);
}

/** The candidate goes to production through the lifecycle (gates checked there); the deployment ends promoted. */
export async function promoteDeploymentIn(tx: Tx, ctx: ServiceContext, model: RegisteredModel, d: Deployment, opts: { reason: string; figures?: unknown; approval: TDeploymentApproval }) {
  const now = nowOf(ctx);
  const { candidate } = await versionsOf(tx, d);
  const production = await aliasTarget(tx, model.id, 'production');
  if ((production?.id ?? null) !== d.stableVersionId) {
    throw refusal('STALE_SNAPSHOT', `production of ${model.name} is no longer the version this deployment compared against: roll the deployment back and start a new one`, { changed: 'deployment-baseline' });
  }
  const { replaced } = await promoteToProduction(tx, ctx, model, candidate, opts.approval, d.id);
  await clearCanaryAlias(tx, ctx, model, candidate, 'deployment promoted');
  const updated = await tx.deployment.update({
    where: { id: d.id },
    data: { status: 'promoted', activeModelId: null, candidateWeight: 10_000, endedAt: now, updatedAt: now, reason: opts.reason || null, figures: toJson(opts.figures) },
  });
  await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
    action: 'deployment.promoted',
    subjectType: 'deployment',
    subjectId: d.id,
    before: { status: d.status, candidateWeight: d.candidateWeight },
    after: { status: 'promoted', model: model.name, version: candidate.version, replaced: replaced?.version ?? null, approvedBy: opts.approval.approvedBy, override: opts.approval.override },
    reason: opts.reason || null,
  });
  await enqueueWebhookEvent(tx, now, model, 'deployment.promoted', { deploymentId: d.id, strategy: d.strategy, version: candidate.version, replaced: replaced?.version ?? null, reason: opts.reason, figures: opts.figures ?? null });
  return updated;
}

/** Traffic leaves the candidate (weight 0); production is untouched, since the candidate never reached it. */
export async function rollbackDeploymentIn(tx: Tx, ctx: ServiceContext, model: RegisteredModel, d: Deployment, opts: { reason: string; figures?: unknown; automated: boolean }) {
  const now = nowOf(ctx);
  const { candidate, stable } = await versionsOf(tx, d);
  await clearCanaryAlias(tx, ctx, model, candidate, 'deployment rolled back');
  const updated = await tx.deployment.update({
    where: { id: d.id },
    data: { status: 'rolled_back', activeModelId: null, candidateWeight: 0, endedAt: now, updatedAt: now, reason: opts.reason || null, figures: toJson(opts.figures) },
  });
  await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
    action: opts.automated ? 'deployment.rolled_back_automatically' : 'deployment.rolled_back',
    subjectType: 'deployment',
    subjectId: d.id,
    before: { status: d.status, candidateWeight: d.candidateWeight },
    after: { status: 'rolled_back', model: model.name, candidate: candidate.version, stable: stable?.version ?? null, candidateWeight: 0, figures: opts.figures ?? null },
    reason: opts.reason || null,
  });
  await enqueueWebhookEvent(tx, now, model, 'rollback', {
    deploymentId: d.id,
    strategy: d.strategy,
    fromVersion: candidate.version,
    toVersion: stable?.version ?? null,
    automated: opts.automated,
    reason: opts.reason,
    figures: opts.figures ?? null,
  });
  if (opts.automated) {
    await raiseAlert(tx, now, {
      kind: 'rollback',
      severity: 'critical',
      model,
      modelVersionId: candidate.id,
      deploymentId: d.id,
      title: `${model.name} v${candidate.version} rolled back`,
      message: opts.reason,
      figures: (toJson(opts.figures) ?? {}) as Record<string, unknown>,
      dedupeKey: `rollback:${d.id}`,
    });
  }
  return updated;
}

/** Records a change of a running deployment (pause, resume, canary step) with its audit event and webhook. */
export async function updateDeploymentIn(tx: Tx, ctx: ServiceContext, model: RegisteredModel, d: Deployment, action: string, data: Prisma.DeploymentUpdateInput, reason: string) {
  const now = nowOf(ctx);
  const updated = await tx.deployment.update({ where: { id: d.id }, data: { ...data, updatedAt: now } });
  await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
    action: `deployment.${action}`,
    subjectType: 'deployment',
    subjectId: d.id,
    before: { status: d.status, candidateWeight: d.candidateWeight, stepIndex: d.stepIndex },
    after: { status: updated.status, candidateWeight: updated.candidateWeight, stepIndex: updated.stepIndex, model: model.name },
    reason: reason || null,
  });
  await enqueueWebhookEvent(tx, now, model, 'deployment.updated', { deploymentId: d.id, action, status: updated.status, candidateWeight: updated.candidateWeight, stepIndex: updated.stepIndex, reason });
  return updated;
}

export type TDeploymentApproval = { approvedBy: string; override: string | null };

/**
 * Four-eyes for the promotion a deployment ends in, as for promotion requests: the approval of the
 * request it carries out (the canary then finishes by itself); otherwise an owner other than the
 * one who started it, clicking Promote (an admin may override with a written reason of 10+
 * characters). Null for the evaluator on a deployment started without an approved request: it
 * waits, healthy, for that second owner. A person who may not promote gets a 403.
 */
export async function deploymentApproval(tx: Tx, model: RegisteredModel, d: Deployment, actor: TPrincipal, reason = ''): Promise<TDeploymentApproval | null> {
  const request = d.promotionRequestId
    ? await tx.promotionRequest.findUnique({ where: { id: d.promotionRequestId }, select: { status: true, decidedByLabel: true, overrideReason: true, requestedById: true } })
    : null;
  const approved = request?.status === 'approved' && request.decidedByLabel ? request : null;
  if (actor.kind === 'system') return approved ? { approvedBy: `${approved.decidedByLabel} (promotion request ${d.promotionRequestId})`, override: approved.overrideReason } : null;
  // A person promoting: never the one who asked for this rollout (the approver agreed to a canary,
  // not to its requester cutting it short), nor the one who started a deployment nobody approved.
  const check = checkApprover({
    approverId: principalUserId(actor),
    requesterId: approved ? approved.requestedById : d.createdById,
    isOwner: await isOwner(tx, model.id, actor),
    isAdmin: isAdmin(actor),
    overrideReason: reason,
    selfApproval: approved
      ? 'you requested this rollout: the canary promotes itself when healthy, or another owner promotes it early (four-eyes)'
      : 'you started this deployment: another owner of the model promotes it (four-eyes), or start it from an approved promotion request',
  });
  if (!check.ok) throw approverRefusal(check, model, 'promote a deployment');
  if (approved) return { approvedBy: `${approved.decidedByLabel} (promotion request ${d.promotionRequestId}); promoted early by ${principalLabel(actor)}`, override: check.override ?? approved.overrideReason };
  return { approvedBy: principalLabel(actor), override: check.override };
}

/** Why a healthy deployment without an approved promotion request waits instead of promoting itself. */
export const AWAITING_SECOND_OWNER = 'waiting for an owner other than the one who started it to promote (four-eyes: it carries no approved promotion request)';
