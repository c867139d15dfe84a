import { z } from 'zod';
import { ZSafeName } from '../../contracts/safe-text';
import { ZRegisterDatasetVersionInput } from '../../contracts/tracking';
import { getDataset, listDatasets } from '../../services/list-datasets';
import { registerDatasetVersion } from '../../services/register-dataset-version';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const datasetsRouter = createTRPCRouter({
  list: protectedProcedure.meta({ scope: 'dataset:read' }).query(({ ctx }) => listDatasets(ctx.db)),
  /** A dataset, its versions and each version's lineage (the runs that read it). */
  get: protectedProcedure
    .meta({ scope: 'dataset:read' })
    .input(z.object({ name: ZSafeName }))
    .query(({ ctx, input }) => getDataset(ctx.db, input.name)),
  registerVersion: protectedProcedure
    .meta({ scope: 'dataset:write' })
    .input(ZRegisterDatasetVersionInput)
    .mutation(({ ctx, input }) => registerDatasetVersion(serviceContext(ctx), input)),
});
