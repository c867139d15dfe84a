import { ARCHIVAL_JOB, archiveStaleVersions } from '../services/rollout/archive-stale-versions';
import { computeDrift } from '../services/compute-drift';
import { deliverDueWebhooks } from '../services/deliver-webhooks';
import { EVALUATION_INTERVAL_MS, evaluateDeployments } from '../services/rollout/evaluate-deployments';
import { newRequestId } from '../services/service-context';
import type { TJob } from './job';

/*
 * The control plane's background jobs, one definition each; server/jobs/job-runner.ts runs them
 * once per interval across all replicas. Each service stays safe when it does run twice (a run
 * by `npm run jobs:*` beside the runner, a lease that expired): deliveries are claimed with SKIP
 * LOCKED, evaluations and archival re-check under the model's lock, drift windows are upserted.
 */

export const DEPLOYMENT_EVALUATION_JOB: TJob = {
  name: 'evaluate-deployments',
  everyMs: EVALUATION_INTERVAL_MS,
  async run({ db, now, log }) {
    const results = await evaluateDeployments({ db, now, log });
    const acted = results.filter((r) => r.action !== 'continue' && r.action !== 'wait');
    return acted.length ? acted.map((r) => `${r.model}: ${r.action}: ${r.message}`).join('; ') : null;
  },
};

export const ARCHIVAL_JOB_DEFINITION: TJob = {
  name: 'archive-stale-versions',
  everyMs: 3_600_000,
  async run({ db, now }) {
    const result = await archiveStaleVersions({ db, actor: ARCHIVAL_JOB, requestId: newRequestId(), now: () => now });
    return result.archived.length ? `archived ${result.archived.map((a) => `${a.model} v${a.version}`).join(', ')}` : null;
  },
};

export const WEBHOOK_DELIVERY_JOB: TJob = {
  name: 'deliver-webhooks',
  everyMs: 2_000,
  async run({ db }) {
    // The delivery clock is read per pass (leases, backoff), not fixed at the tick.
    const r = await deliverDueWebhooks({ db });
    return r.sent || r.failed ? `${r.sent} delivered, ${r.failed} failed for good` : null;
  },
};

export const DRIFT_JOB: TJob = {
  name: 'compute-drift',
  everyMs: 60_000,
  async run({ db, now }) {
    const r = await computeDrift({ db, now });
    return r.alerts ? `${r.windows} windows computed, ${r.alerts} drift alerts raised` : null;
  },
};

export const CONTROL_PLANE_JOBS: readonly TJob[] = [ARCHIVAL_JOB_DEFINITION, WEBHOOK_DELIVERY_JOB, DEPLOYMENT_EVALUATION_JOB, DRIFT_JOB];
