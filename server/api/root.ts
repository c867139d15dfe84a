import { alertsRouter } from './routers/alerts';
import { auditRouter } from './routers/audit';
import { datasetsRouter } from './routers/datasets';
import { deploymentsRouter } from './routers/deployments';
import { experimentsRouter } from './routers/experiments';
import { jobsRouter } from './routers/jobs';
import { modelsRouter } from './routers/models';
import { monitoringRouter } from './routers/monitoring';
import { promotionsRouter } from './routers/promotions';
import { runsRouter } from './routers/runs';
import { sessionRouter } from './routers/session';
import { tokensRouter } from './routers/tokens';
import { usersRouter } from './routers/users';
import { versionsRouter } from './routers/versions';
import { webhooksRouter } from './routers/webhooks';
import { workersRouter } from './routers/workers';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  session: sessionRouter,
  audit: auditRouter,
  tokens: tokensRouter,
  users: usersRouter,
  experiments: experimentsRouter,
  runs: runsRouter,
  datasets: datasetsRouter,
  models: modelsRouter,
  versions: versionsRouter,
  promotions: promotionsRouter,
  webhooks: webhooksRouter,
  deployments: deploymentsRouter,
  workers: workersRouter,
  alerts: alertsRouter,
  monitoring: monitoringRouter,
  jobs: jobsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
