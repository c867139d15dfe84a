import { principalLabel, principalUserId } from '../auth/principal';
import { ZCanaryOptions } from '../contracts/canary-options';
import { ZDecidePromotionInput, type TDecidePromotionInput } from '../contracts/model-registry';
import type { Tx } from '../db/client';
import type { ModelVersion, PromotionRequest, RegisteredModel } from '../db/generated/client';
import { DomainError, parseInput, refusal } from '../domain/errors';
import { checkApprover } from '../domain/model-lifecycle';
import { aliasTarget, approverRefusal, changeStage, enqueueWebhookEvent, evidenceMarker, isAdmin, isOwner, lockModel, moveAlias, nowOf, requireOwner, staleOpenRequests } from './model-registry-core';
import { startDeploymentIn } from './create-deployment';
import { recordAuditEvent } from './record-audit-event';
import type { ServiceContext } from './service-context';

/*
 * Owners decide promotion requests. Approval is four-eyes (an owner who is not the requester;
 * an admin may override with a written reason) and carries the promotion out in the same
 * transaction: the version goes to production, the one it replaces steps down to staging and
 * becomes `previous` - or, when the request asked for a canary, the canary starts. Every refusal throws before anything is written, so nothing changes.
 */

async function loadOpenRequest(tx: Tx, requestId: string) {
  const found = await tx.promotionRequest.findUnique({ where: { id: requestId }, include: { model: true } });
  if (!found) throw new DomainError('NOT_FOUND', `no promotion request ${requestId}`);
  const model = await lockModel(tx, found.model.name);
  const request = await tx.promotionRequest.findUniqueOrThrow({ where: { id: requestId }, include: { version: true } });
  return { model, request };
}

/** Puts `version` in production (gates checked by the stage change), demoting and remembering the one it replaces. */
export async function promoteToProduction(
  tx: Tx,
  ctx: ServiceContext,
  model: RegisteredModel,
  version: ModelVersion,
  approval: { approvedBy: string; override: string | null },
  /** The deployment carrying this promotion out (the one allowed to change production while it runs). */
  deploymentId?: string,
) {
  const replaced = await aliasTarget(tx, model.id, 'production');
  const promoted = await changeStage(tx, ctx, model, version, 'production', 'promote', { approval, reason: approval.override, deploymentId });
  if (replaced) {
    await changeStage(tx, ctx, model, replaced, 'staging', 'replaced', { deploymentId });
    await moveAlias(tx, ctx, model, 'previous', replaced, 'promotion');
  }
  await moveAlias(tx, ctx, model, 'production', promoted, 'promotion');
  await staleOpenRequests(tx, { modelId: model.id }, `version ${version.version} went to production`);
  return { promoted, replaced };
}

export async function approvePromotion(ctx: ServiceContext, raw: TDecidePromotionInput) {
  const input = parseInput(ZDecidePromotionInput, raw, 'approval');
  const now = nowOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    const { model, request } = await loadOpenRequest(tx, input.requestId);
    // Admins pass this check on any model; four-eyes below still asks them for a reason.
    await requireOwner(tx, model, ctx.actor, 'approve a promotion');
    const approver = checkApprover({
      approverId: principalUserId(ctx.actor),
      requesterId: request.requestedById,
      isOwner: await isOwner(tx, model.id, ctx.actor),
      isAdmin: isAdmin(ctx.actor),
      overrideReason: input.overrideReason,
    });
    if (!approver.ok) throw approverRefusal(approver, model, 'approve a promotion');
    if (request.status !== 'requested') {
      throw refusal('STALE_SNAPSHOT', `the request is ${request.status}${request.staleReason ? ` (${request.staleReason})` : ''}: request the promotion again`, { changed: 'request', status: request.status });
    }
    const production = await aliasTarget(tx, model.id, 'production');
    if ((production?.id ?? null) !== request.replacesVersionId) {
      throw refusal('STALE_SNAPSHOT', `production changed since the request was made (it is now ${production ? `version ${production.version}` : 'empty'}): request the promotion again`, { changed: 'production' });
    }
    const marker = await evidenceMarker(tx, request.versionId);
    const recorded = request.evidence as Partial<typeof marker> | null;
    if (marker.lastValidationId !== recorded?.lastValidationId || marker.lastBenchmarkId !== recorded?.lastBenchmarkId) throw refusal('STALE_SNAPSHOT', 'the evidence changed since the request was made: request the promotion again', { changed: 'evidence' });

    const approval = { approvedBy: principalLabel(ctx.actor), override: approver.override };
    const decided = await tx.promotionRequest.update({
      where: { id: request.id },
      data: { status: 'approved', decidedById: principalUserId(ctx.actor), decidedByLabel: approval.approvedBy, decidedAt: now, decisionComment: input.comment, overrideReason: approver.override },
    });
    const outcome = await carryOut(tx, ctx, model, request, approval);
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: approver.override ? 'promotion.approved_by_override' : 'promotion.approved',
      subjectType: 'promotion_request',
      subjectId: request.id,
      before: { status: 'requested' },
      after: { status: 'approved', model: model.name, version: request.version.version, ...outcome, comment: input.comment },
      reason: approver.override,
    });
    await enqueueWebhookEvent(tx, now, model, 'promotion.approved', {
      requestId: request.id,
      version: request.version.version,
      approvedBy: approval.approvedBy,
      override: approver.override,
      comment: input.comment,
      deploymentId: outcome.deploymentId,
    });
    return { ...decided, deploymentId: outcome.deploymentId };
  });
}

/**
 * What an approval does: a request for a canary starts one (the version stays in staging until
 * the canary promotes it, carrying this approval); otherwise the version goes to production now.
 */
async function carryOut(tx: Tx, ctx: ServiceContext, model: RegisteredModel, request: PromotionRequest & { version: ModelVersion }, approval: { approvedBy: string; override: string | null }) {
  if (request.canary) {
    const canary = ZCanaryOptions.parse(request.canary);
    const deployment = await startDeploymentIn(
      tx,
      ctx,
      model,
      { modelName: model.name, version: request.version.version, strategy: 'canary', canary, comment: `promotion request ${request.id} approved by ${approval.approvedBy}` },
      request.id,
    );
    return { rollout: 'canary' as const, deploymentId: deployment.id, replaced: null };
  }
  const { replaced } = await promoteToProduction(tx, ctx, model, request.version, approval);
  return { rollout: 'direct' as const, deploymentId: null, replaced: replaced?.version ?? null };
}

export async function rejectPromotion(ctx: ServiceContext, raw: TDecidePromotionInput) {
  const input = parseInput(ZDecidePromotionInput, raw, 'rejection');
  if (!input.comment) throw new DomainError('BAD_REQUEST', 'a rejection needs a comment saying why');
  const now = nowOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    const { model, request } = await loadOpenRequest(tx, input.requestId);
    await requireOwner(tx, model, ctx.actor, 'reject a promotion');
    if (request.status !== 'requested') throw refusal('STALE_SNAPSHOT', `the request is ${request.status}, not open`, { changed: 'request', status: request.status });
    const decided = await tx.promotionRequest.update({
      where: { id: request.id },
      data: { status: 'rejected', decidedById: principalUserId(ctx.actor), decidedByLabel: principalLabel(ctx.actor), decidedAt: now, decisionComment: input.comment },
    });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'promotion.rejected',
      subjectType: 'promotion_request',
      subjectId: request.id,
      before: { status: 'requested' },
      after: { status: 'rejected', model: model.name, version: request.version.version },
      reason: input.comment,
    });
    await enqueueWebhookEvent(tx, now, model, 'promotion.rejected', { requestId: request.id, version: request.version.version, rejectedBy: principalLabel(ctx.actor), comment: input.comment });
    return decided;
  });
}
