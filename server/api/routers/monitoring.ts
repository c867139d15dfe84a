import { ZAbResultsQuery, ZConfidenceQuery, ZDriftSeriesQuery, ZModelOverviewQuery, ZTrainingVsLiveQuery, ZVersionSeriesQuery } from '../../contracts/monitoring';
import { readAbResults } from '../../services/read-ab-results';
import { confidenceHistogram, driftSeries, modelOverview, trainingVsLive, versionSeries } from '../../services/read-monitoring';
import { createTRPCRouter, protectedProcedure } from '../trpc';

const read = protectedProcedure.meta({ scope: 'monitoring:read' });

export const monitoringRouter = createTRPCRouter({
  /** Live split, deployment, open alerts, last-hour traffic and latest drift per served version. */
  modelOverview: read.input(ZModelOverviewQuery).query(({ ctx, input }) => modelOverview(ctx.db, input)),
  /** Per minute and version: throughput, error rate, p50/p99. */
  versionSeries: read.input(ZVersionSeriesQuery).query(({ ctx, input }) => versionSeries(ctx.db, input)),
  /** Drift statistics over time per feature, with the thresholds to draw. */
  driftSeries: read.input(ZDriftSeriesQuery).query(({ ctx, input }) => driftSeries(ctx.db, input)),
  confidence: read.input(ZConfidenceQuery).query(({ ctx, input }) => confidenceHistogram(ctx.db, input)),
  trainingVsLive: read.input(ZTrainingVsLiveQuery).query(({ ctx, input }) => trainingVsLive(ctx.db, input)),
  abResults: read.input(ZAbResultsQuery).query(({ ctx, input }) => readAbResults(ctx.db, input)),
});
