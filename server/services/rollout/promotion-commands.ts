import type { z } from 'zod';
import { ZDecidePromotionInput, ZRequestPromotionInput, type TDecidePromotionInput } from '../../contracts/model-registry';
import { parseInput } from '../../domain/errors';
import type { ServiceContext } from '../service-context';
import { applyRolloutCommand } from './apply-rollout-command';

/*
 * Promotion requests as commands: anyone who may write models asks for a staging version to go
 * to production; owners approve (four-eyes) or reject; the requester withdraws. The rules are the
 * domain's (server/domain/rollout/promotion-requests.ts); these only parse and return the row.
 */

export async function requestPromotion(ctx: ServiceContext, raw: z.input<typeof ZRequestPromotionInput>) {
  const input = parseInput(ZRequestPromotionInput, raw, 'promotion request');
  const applied = await applyRolloutCommand(ctx, { modelName: input.modelName }, { kind: 'requestPromotion', version: input.version, comment: input.comment, canary: input.canary ?? null });
  return ctx.db.promotionRequest.findUniqueOrThrow({ where: { id: applied.created.requestId! } });
}

export async function withdrawPromotion(ctx: ServiceContext, requestId: string) {
  await applyRolloutCommand(ctx, { requestId }, { kind: 'withdrawPromotion', requestId });
  return ctx.db.promotionRequest.findUniqueOrThrow({ where: { id: requestId } });
}

/** Approval carries the promotion out in the same transaction - or, for a canary request, starts the canary. */
export async function approvePromotion(ctx: ServiceContext, raw: TDecidePromotionInput) {
  const input = parseInput(ZDecidePromotionInput, raw, 'approval');
  const applied = await applyRolloutCommand(ctx, { requestId: input.requestId }, { kind: 'approvePromotion', requestId: input.requestId, comment: input.comment, overrideReason: input.overrideReason ?? null });
  const decided = await ctx.db.promotionRequest.findUniqueOrThrow({ where: { id: input.requestId } });
  return { ...decided, deploymentId: applied.created.deploymentId };
}

export async function rejectPromotion(ctx: ServiceContext, raw: TDecidePromotionInput) {
  const input = parseInput(ZDecidePromotionInput, raw, 'rejection');
  await applyRolloutCommand(ctx, { requestId: input.requestId }, { kind: 'rejectPromotion', requestId: input.requestId, comment: input.comment });
  return ctx.db.promotionRequest.findUniqueOrThrow({ where: { id: input.requestId } });
}
