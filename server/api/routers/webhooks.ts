import { z } from 'zod';
import { ZCreateWebhookInput, ZModelName } from '../../contracts/model-registry';
import { createWebhook, listWebhookDeliveries, listWebhooks, ZDeliveryQuery } from '../../services/manage-webhooks';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const webhooksRouter = createTRPCRouter({
  /** Returns the signing secret once. Per-model hooks need ownership; global ones an admin. */
  create: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(ZCreateWebhookInput)
    .mutation(({ ctx, input }) => createWebhook(serviceContext(ctx), input)),
  list: protectedProcedure
    .meta({ scope: 'model:read' })
    .input(z.object({ modelName: ZModelName.optional() }).default({}))
    .query(({ ctx, input }) => listWebhooks(ctx.db, input)),
  /** The delivery log: status, attempts, last error, response code. */
  deliveries: protectedProcedure
    .meta({ scope: 'model:read' })
    .input(ZDeliveryQuery)
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.db, input)),
});
