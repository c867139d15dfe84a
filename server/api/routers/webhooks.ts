import { z } from 'zod';
import { ZCreateWebhookInput, ZModelName } from '../../contracts/model-registry';
import {
  createWebhook,
  deleteWebhook,
  listWebhookDeliveries,
  listWebhooks,
  redeliverWebhookDelivery,
  sendTestWebhookEvent,
  setWebhookActive,
  ZDeliveryQuery,
} from '../../services/manage-webhooks';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

// Changes need model:approve here; the services add ownership (or admin with a reason), and admin for global webhooks.
const ZRef = z.object({ id: z.string(), reason: z.string().optional() });

export const webhooksRouter = createTRPCRouter({
  /** Returns the signing secret once. Per-model hooks need ownership; global ones an admin. */
  create: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(ZCreateWebhookInput)
    .mutation(({ ctx, input }) => createWebhook(serviceContext(ctx), input)),
  /** URLs and secret hints only for those who administer each webhook; others see it redacted. */
  list: protectedProcedure
    .meta({ scope: 'model:read' })
    .input(z.object({ modelName: ZModelName.optional() }).default({}))
    .query(({ ctx, input }) => listWebhooks(serviceContext(ctx), input)),
  /** The delivery log: status, attempts, last error, response code (owners and admins). */
  deliveries: protectedProcedure
    .meta({ scope: 'model:read' })
    .input(ZDeliveryQuery)
    .query(({ ctx, input }) => listWebhookDeliveries(serviceContext(ctx), input)),
  setActive: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(ZRef.extend({ active: z.boolean() }))
    .mutation(({ ctx, input }) => setWebhookActive(serviceContext(ctx), input)),
  delete: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(ZRef)
    .mutation(({ ctx, input }) => deleteWebhook(serviceContext(ctx), input)),
  sendTest: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(ZRef)
    .mutation(({ ctx, input }) => sendTestWebhookEvent(serviceContext(ctx), input)),
  /** A failed delivery again, as a new delivery with the same payload. */
  redeliver: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(z.object({ deliveryId: z.string(), reason: z.string().optional() }))
    .mutation(({ ctx, input }) => redeliverWebhookDelivery(serviceContext(ctx), input)),
});
