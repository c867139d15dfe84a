import { principalLabel, principalUserId } from '../auth/principal';
import { ZRequestPromotionInput } from '../contracts/model-registry';
import type { z } from 'zod';
import { Prisma } from '../db/generated/client';
import { DomainError, parseInput, refusal } from '../domain/errors';
import { describeUnmet, unmetGates } from '../domain/model-lifecycle';
import { aliasTarget, enqueueWebhookEvent, evidenceMarker, gateEvidence, loadVersion, lockModel, nowOf, refuseWhileDeploying } from './model-registry-core';
import { recordAuditEvent } from './record-audit-event';
import type { ServiceContext } from './service-context';

/**
 * Asks for a staging version to go to production. The evidence gates (complete, validation,
 * benchmark within SLA) must already pass - a request the owners could not approve is refused
 * (409, listing the unmet gates); approval by an owner is the one gate left open. With `canary`,
 * the approval starts a canary deployment instead, and the version reaches production when the
 * canary ends healthy (decide-promotion.ts).
 */
export async function requestPromotion(ctx: ServiceContext, raw: z.input<typeof ZRequestPromotionInput>) {
  const input = parseInput(ZRequestPromotionInput, raw, 'promotion request');
  const now = nowOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    const version = await loadVersion(tx, model, input.version);
    if (version.stage !== 'staging') {
      throw refusal('INVALID_TRANSITION', `version ${version.version} of ${model.name} is in ${version.stage}: only a staging version can be requested for production`, {
        from: version.stage,
        to: 'production',
        cause: 'promote',
        mlflowErrorCode: 'INVALID_STATE',
      });
    }
    await refuseWhileDeploying(tx, model, ' deciding production: request again once it has ended');
    const open = await tx.promotionRequest.findFirst({ where: { versionId: version.id, status: 'requested' } });
    if (open) throw new DomainError('CONFLICT', `version ${version.version} of ${model.name} already has an open promotion request (${open.id})`, { requestId: open.id });
    const unmet = unmetGates(['complete', 'validation', 'benchmark'], await gateEvidence(tx, model, version));
    if (unmet.length) {
      throw refusal('GATES_UNMET', `version ${version.version} of ${model.name} cannot be requested for production; unmet gates: ${describeUnmet(unmet)}`, {
        model: model.name,
        version: version.version,
        to: 'production',
        unmet,
        mlflowErrorCode: 'INVALID_STATE',
      });
    }
    const production = await aliasTarget(tx, model.id, 'production');
    if (input.canary && !production) {
      throw new DomainError('CONFLICT', `model ${model.name} has no production version for a canary to compare against: request a direct promotion for its first version`);
    }
    const request = await tx.promotionRequest.create({
      data: {
        modelId: model.id,
        versionId: version.id,
        requestedById: principalUserId(ctx.actor),
        requestedByLabel: principalLabel(ctx.actor),
        requestedAt: now,
        comment: input.comment,
        evidence: await evidenceMarker(tx, version.id),
        replacesVersionId: production?.id ?? null,
        canary: input.canary ?? Prisma.DbNull,
      },
    });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'promotion.requested',
      subjectType: 'promotion_request',
      subjectId: request.id,
      after: { model: model.name, version: version.version, replaces: production?.version ?? null, comment: input.comment, canary: input.canary ?? null },
    });
    await enqueueWebhookEvent(tx, now, model, 'promotion.requested', {
      requestId: request.id,
      version: version.version,
      requestedBy: request.requestedByLabel,
      comment: input.comment,
      canary: input.canary ?? null,
    });
    return request;
  });
}

/** The requester takes back an open request. */
export async function withdrawPromotion(ctx: ServiceContext, requestId: string) {
  return ctx.db.$transaction(async (tx) => {
    const request = await tx.promotionRequest.findUnique({ where: { id: requestId }, include: { model: true } });
    if (!request) throw new DomainError('NOT_FOUND', `no promotion request ${requestId}`);
    await lockModel(tx, request.model.name);
    const current = await tx.promotionRequest.findUniqueOrThrow({ where: { id: requestId } });
    if (current.requestedById === null || current.requestedById !== principalUserId(ctx.actor)) throw refusal('NOT_REQUESTER', 'only the requester may withdraw a promotion request', { requestId });
    if (current.status !== 'requested') throw refusal('STALE_SNAPSHOT', `the request is ${current.status}, not open`, { changed: 'request', status: current.status });
    const updated = await tx.promotionRequest.update({ where: { id: requestId }, data: { status: 'withdrawn', decidedAt: nowOf(ctx) } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, { action: 'promotion.withdrawn', subjectType: 'promotion_request', subjectId: requestId, before: { status: 'requested' }, after: { status: 'withdrawn' } });
    return updated;
  });
}
