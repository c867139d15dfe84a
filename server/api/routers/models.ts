import { z } from 'zod';
import { ZAliasName, ZCreateModelInput, ZCreateModelVersionInput, ZModelName, ZRecordValidationInput, ZSlaClass } from '../../contracts/model-registry';
import { ZModelDetails } from '../../contracts/registry-views';
import { ZVersionNumber } from '../../contracts/safe-number';
import { createModelVersion } from '../../services/create-model-version';
import { createRegisteredModel } from '../../services/create-registered-model';
import { aliasVersionAt, getModelDetails, listRegisteredModels } from '../../services/read-model-registry';
import { recordValidationResults } from '../../services/record-version-evidence';
import { setModelAlias, deleteModelAlias } from '../../services/rollout/version-commands';
import { deleteRegisteredModel, deleteRegisteredModelTag, renameRegisteredModel, setModelOwners, setRegisteredModelTag, updateRegisteredModel } from '../../services/update-registered-model';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const modelsRouter = createTRPCRouter({
  list: protectedProcedure.meta({ scope: 'model:read' }).query(({ ctx }) => listRegisteredModels(ctx.db)),
  /** The model page: owners, aliases, versions timeline with lineage, gates checklist with evidence, alias history, requests. */
  get: protectedProcedure
    .meta({ scope: 'model:read' })
    .input(z.object({ name: ZModelName }))
    .output(ZModelDetails)
    .query(({ ctx, input }) => getModelDetails(ctx.db, input.name, ctx.principal)),
  /** Which version an alias (default production) pointed to at a given time. */
  servedAt: protectedProcedure
    .meta({ scope: 'model:read' })
    .input(z.object({ name: ZModelName, at: z.coerce.date(), alias: ZAliasName.optional() }))
    .query(({ ctx, input }) => aliasVersionAt(ctx.db, { modelName: input.name, at: input.at, alias: input.alias })),
  create: protectedProcedure
    .meta({ scope: 'model:write' })
    .input(ZCreateModelInput)
    .mutation(({ ctx, input }) => createRegisteredModel(serviceContext(ctx), input)),
  // Administration (description, SLA class, name, tags, deletion): owners, or an admin with a reason - decided in the services.
  update: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(z.object({ name: ZModelName, description: z.string().optional(), slaClass: ZSlaClass.optional(), reason: z.string().optional() }))
    .mutation(({ ctx, input }) => updateRegisteredModel(serviceContext(ctx), input)),
  /** Refused (409) while the model is served: workers and ingest address it by name. */
  rename: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(z.object({ name: ZModelName, newName: z.string(), reason: z.string().optional() }))
    .mutation(({ ctx, input }) => renameRegisteredModel(serviceContext(ctx), input)),
  delete: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(z.object({ name: ZModelName, reason: z.string().optional() }))
    .mutation(({ ctx, input }) => deleteRegisteredModel(serviceContext(ctx), input.name, input.reason)),
  setTag: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(z.object({ name: ZModelName, key: z.string(), value: z.string(), reason: z.string().optional() }))
    .mutation(({ ctx, input }) => setRegisteredModelTag(serviceContext(ctx), input)),
  deleteTag: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(z.object({ name: ZModelName, key: z.string(), reason: z.string().optional() }))
    .mutation(({ ctx, input }) => deleteRegisteredModelTag(serviceContext(ctx), input)),
  setOwners: protectedProcedure
    .meta({ scope: 'model:approve' })
    .input(z.object({ name: ZModelName, ownerEmails: z.array(z.string().max(254)).max(50) }))
    .mutation(({ ctx, input }) => setModelOwners(serviceContext(ctx), input)),
  createVersion: protectedProcedure
    .meta({ scope: 'model:write' })
    .input(ZCreateModelVersionInput)
    .mutation(({ ctx, input }) => createModelVersion(serviceContext(ctx), input)),
  recordValidation: protectedProcedure
    .meta({ scope: 'model:write' })
    .input(ZRecordValidationInput)
    .mutation(({ ctx, input }) => recordValidationResults(serviceContext(ctx), input)),
  setAlias: protectedProcedure
    .meta({ scope: 'model:write' })
    .input(z.object({ modelName: ZModelName, alias: ZAliasName, version: ZVersionNumber }))
    .mutation(({ ctx, input }) => setModelAlias(serviceContext(ctx), input)),
  deleteAlias: protectedProcedure
    .meta({ scope: 'model:write' })
    .input(z.object({ modelName: ZModelName, alias: ZAliasName }))
    .mutation(({ ctx, input }) => deleteModelAlias(serviceContext(ctx), input)),
});
