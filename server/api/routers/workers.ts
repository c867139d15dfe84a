import { z } from 'zod';
import { ZRequestBenchmarkInput } from '../../contracts/deployments';
import { ZModelName } from '../../contracts/model-registry';
import { listLiveWorkers } from '../../services/record-worker-report';
import { requestBenchmark } from '../../services/request-benchmark';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const workersRouter = createTRPCRouter({
  /** Live workers (a heartbeat within 30 s) and what each serves: versions, state, split, counters. */
  list: protectedProcedure
    .meta({ scope: 'deployment:read' })
    .input(z.object({ modelName: ZModelName.optional() }).optional())
    .query(({ ctx, input }) => listLiveWorkers(ctx.db, { modelName: input?.modelName })),
  /** Asks a worker serving the model to measure the version's latency (promotion gate evidence). */
  requestBenchmark: protectedProcedure
    .meta({ scope: 'model:write' })
    .input(ZRequestBenchmarkInput)
    .mutation(({ ctx, input }) => requestBenchmark(serviceContext(ctx), input)),
});
