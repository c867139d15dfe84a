import { z } from 'zod';
import { ZSafeId } from '../../contracts/safe-text';
import { ZMetricSeriesInput, ZRunCompareInput, ZRunListInput } from '../../contracts/tracking';
import { getMetricSeries } from '../../services/get-metric-series';
import { listRunKeys } from '../../services/list-run-keys';
import { compareRuns, getRunDetails } from '../../services/get-run-details';
import { listRuns } from '../../services/search-runs';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const runsRouter = createTRPCRouter({
  /** The runs table: server-side filters (tag, status, param, metric), sort and pages. */
  list: protectedProcedure
    .meta({ scope: 'experiment:read' })
    .input(ZRunListInput)
    .query(({ ctx, input }) => listRuns(ctx.db, input)),
  /** The metric, param and tag keys of an experiment's runs (the runs table's column chooser). */
  keys: protectedProcedure
    .meta({ scope: 'experiment:read' })
    .input(z.object({ experimentId: ZSafeId }))
    .query(({ ctx, input }) => listRunKeys(ctx.db, input.experimentId)),
  get: protectedProcedure
    .meta({ scope: 'experiment:read' })
    .input(z.object({ runId: ZSafeId }))
    .query(({ ctx, input }) => getRunDetails(ctx.db, input.runId)),
  compare: protectedProcedure
    .meta({ scope: 'experiment:read' })
    .input(ZRunCompareInput)
    .query(({ ctx, input }) => compareRuns(ctx.db, input.runIds)),
  /** One metric curve, downsampled on the server to at most maxPoints (default 2000). */
  metricSeries: protectedProcedure
    .meta({ scope: 'experiment:read' })
    .input(ZMetricSeriesInput)
    .query(({ ctx, input }) => getMetricSeries(ctx.db, input)),
});
