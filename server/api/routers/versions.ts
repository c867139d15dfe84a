import { z } from 'zod';
import { ZModelName, ZVersionRef } from '../../contracts/model-registry';
import { archiveVersion, demoteVersion, promoteToStaging, rollbackModel } from '../../services/rollout/version-commands';
import { getModelVersionView } from '../../services/read-model-registry';
import { deleteModelVersionTag, setModelVersionTag, updateModelVersionDescription } from '../../services/update-model-version';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

// Owner actions: the scope is necessary, ownership of the model is checked in the services.
export const versionsRouter = createTRPCRouter({
  get: protectedProcedure
    .meta({ scope: 'model:read' })
    .input(ZVersionRef)
    .query(({ ctx, input }) => getModelVersionView(ctx.db, input.modelName, input.version)),
  /** development -> staging. Production is reached through an approved promotion request (promotions router). */
  promote: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(ZVersionRef)
    .mutation(({ ctx, input }) => promoteToStaging(serviceContext(ctx), input)),
  demote: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(ZVersionRef)
    .mutation(({ ctx, input }) => demoteVersion(serviceContext(ctx), input)),
  archive: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(ZVersionRef.extend({ reason: z.string().max(5000).optional() }))
    .mutation(({ ctx, input }) => archiveVersion(serviceContext(ctx), input)),
  /** Production back to `previous`, in one step. */
  rollback: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(z.object({ modelName: ZModelName, reason: z.string().max(5000).optional() }))
    .mutation(({ ctx, input }) => rollbackModel(serviceContext(ctx), input)),
  // Annotations CI pipelines write (model:write), audited with the old and new value.
  update: protectedProcedure
    .meta({ scope: 'model:write' })
    .input(ZVersionRef.extend({ description: z.string() }))
    .mutation(({ ctx, input }) => updateModelVersionDescription(serviceContext(ctx), input)),
  setTag: protectedProcedure
    .meta({ scope: 'model:write' })
    .input(ZVersionRef.extend({ key: z.string(), value: z.string() }))
    .mutation(({ ctx, input }) => setModelVersionTag(serviceContext(ctx), input)),
  deleteTag: protectedProcedure
    .meta({ scope: 'model:write' })
    .input(ZVersionRef.extend({ key: z.string() }))
    .mutation(({ ctx, input }) => deleteModelVersionTag(serviceContext(ctx), input)),
});
