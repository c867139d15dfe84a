import { z } from 'zod';
import { ZDecidePromotionInput, ZRequestPromotionInput } from '../../contracts/model-registry';
import { ZPromotionInbox } from '../../contracts/registry-views';
import { approvePromotion, rejectPromotion } from '../../services/rollout/promotion-commands';
import { promotionInbox } from '../../services/read-model-registry';
import { requestPromotion, withdrawPromotion } from '../../services/rollout/promotion-commands';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

// model:approve is necessary to decide; the services also require ownership of the model (four-eyes).
export const promotionsRouter = createTRPCRouter({
  request: protectedProcedure
    .meta({ scope: 'model:write' })
    .input(ZRequestPromotionInput)
    .mutation(({ ctx, input }) => requestPromotion(serviceContext(ctx), input)),
  withdraw: protectedProcedure
    .meta({ scope: 'model:write' })
    .input(z.object({ requestId: z.string().uuid() }))
    .mutation(({ ctx, input }) => withdrawPromotion(serviceContext(ctx), input.requestId)),
  approve: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(ZDecidePromotionInput)
    .mutation(({ ctx, input }) => approvePromotion(serviceContext(ctx), input)),
  reject: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(ZDecidePromotionInput)
    .mutation(({ ctx, input }) => rejectPromotion(serviceContext(ctx), input)),
  /** Open requests on the models the caller owns; canApprove is false on their own requests. */
  inbox: protectedProcedure
    .meta({ scope: 'model:read' })
    .output(ZPromotionInbox)
    .query(({ ctx }) => promotionInbox(serviceContext(ctx))),
});
