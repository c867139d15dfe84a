import { z } from 'zod';
import { TEXT_LIMITS, zSafeText, ZSafeId } from '../../contracts/safe-text';
import { getExperiment } from '../../services/get-experiment';
import { searchExperiments } from '../../services/search-experiments';
import { summarizeExperiments } from '../../services/summarize-experiments';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const experimentsRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({ scope: 'experiment:read' })
    .input(z.object({ filter: zSafeText({ max: TEXT_LIMITS.text, kind: 'text' }).optional(), includeDeleted: z.boolean().default(false) }).default({ includeDeleted: false }))
    .query(({ ctx, input }) =>
      searchExperiments(ctx.db, { filter: input.filter, view_type: input.includeDeleted ? 'ALL' : 'ACTIVE_ONLY', max_results: 50_000, order_by: ['name ASC'] }),
    ),
  /** The experiments page: active experiments with their run count and latest activity. */
  summaries: protectedProcedure.meta({ scope: 'experiment:read' }).query(({ ctx }) => summarizeExperiments(ctx.db)),
  get: protectedProcedure
    .meta({ scope: 'experiment:read' })
    .input(z.object({ experimentId: ZSafeId }))
    .query(({ ctx, input }) => getExperiment(ctx.db, input.experimentId)),
});
