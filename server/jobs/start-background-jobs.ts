import { db } from '../db/client';
import { serverEnv } from '../env';
import { CONTROL_PLANE_JOBS } from './control-plane-jobs';
import { createJobRunner } from './job-runner';

/**
 * The control plane's in-process jobs, started once per server process (instrumentation.ts).
 * Every replica with BALLAST_JOBS=on takes part; each job runs once per interval across them
 * (job-claims.ts). BALLAST_JOBS=off leaves them to other replicas or `npm run jobs:*`.
 * Answers the stop function: timers cleared, runs in flight awaited.
 */
export function startBackgroundJobs(): () => Promise<void> {
  if (serverEnv().BALLAST_JOBS === 'off') return async () => {};
  const runner = createJobRunner({ jobs: CONTROL_PLANE_JOBS, db: db() });
  runner.start();
  return () => runner.stop();
}
