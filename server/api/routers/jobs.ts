import { z } from 'zod';
import { ZJobRunView } from '../../contracts/jobs';
import { listJobRuns } from '../../services/read-job-runs';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const jobsRouter = createTRPCRouter({
  /** Every background job with its last run, duration and error, across all replicas. */
  list: protectedProcedure
    .meta({ scope: 'job:read' })
    .output(z.array(ZJobRunView))
    .query(({ ctx }) => listJobRuns(ctx.db)),
});
