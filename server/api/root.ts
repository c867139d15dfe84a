import { auditRouter } from './routers/audit';
import { datasetsRouter } from './routers/datasets';
import { experimentsRouter } from './routers/experiments';
import { runsRouter } from './routers/runs';
import { sessionRouter } from './routers/session';
import { tokensRouter } from './routers/tokens';
import { usersRouter } from './routers/users';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  session: sessionRouter,
  audit: auditRouter,
  tokens: tokensRouter,
  users: usersRouter,
  experiments: experimentsRouter,
  runs: runsRouter,
  datasets: datasetsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
