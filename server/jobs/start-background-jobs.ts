import { serverEnv } from '../env';
import { startArchivalSchedule } from '../services/archive-stale-versions';
import { startDriftSchedule } from '../services/compute-drift';
import { startWebhookDeliveryWorker } from '../services/deliver-webhooks';
import { startDeploymentEvaluation } from '../services/evaluate-deployments';

/**
 * The control plane's in-process jobs, started once per server process (instrumentation.ts).
 * Each is safe with several replicas: deliveries are claimed with SKIP LOCKED, archival is
 * idempotent. BALLAST_JOBS=off leaves them to `npm run jobs:*` or another replica.
 */
export function startBackgroundJobs(): () => void {
  if (serverEnv().BALLAST_JOBS === 'off') return () => {};
  const stops = [startArchivalSchedule(), startWebhookDeliveryWorker(), startDeploymentEvaluation(), startDriftSchedule()];
  return () => stops.forEach((stop) => stop());
}
