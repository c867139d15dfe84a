import type { DbOrTx } from '../../db/client';
import type { Deployment, RegisteredModel } from '../../db/generated/client';
import { STABLE_BASELINE_MS } from '../../domain/canary-policy';
import type { TLiveFigures } from '../../domain/rollout';
import { trafficWindow } from '../read-version-traffic';
import { listLiveWorkers, type TServingEntry } from '../record-worker-report';

/**
 * What live traffic says about an active deployment now. Canary: the candidate since its current
 * step started against the stable version's trailing baseline. Blue-green: how many live workers
 * serving the model have the candidate ready, and the first that failed its check.
 */
export async function loadLiveFigures(db: DbOrTx, d: Deployment, model: Pick<RegisteredModel, 'name'>, now: Date): Promise<TLiveFigures | null> {
  if (d.strategy === 'canary') {
    const [candidate, stable] = await Promise.all([
      trafficWindow(db, d.candidateVersionId, d.stepStartedAt, now),
      d.stableVersionId ? trafficWindow(db, d.stableVersionId, new Date(now.getTime() - STABLE_BASELINE_MS), now) : null,
    ]);
    return {
      kind: 'canary',
      candidate: { requests: candidate.requests, errors: candidate.errors, p99Ms: candidate.p99Ms },
      stable: { requests: stable?.requests ?? 0, errors: stable?.errors ?? 0 },
    };
  }
  if (d.strategy === 'blue_green') {
    const candidate = await db.modelVersion.findUniqueOrThrow({ where: { id: d.candidateVersionId }, select: { version: true } });
    const workers = await listLiveWorkers(db, { now, modelName: model.name });
    const states = workers.map((w) => ({ worker: w.id, entry: w.serving.find((s: TServingEntry) => s.version === candidate.version) ?? null }));
    const failed = states.find((s) => s.entry?.state === 'failed');
    return {
      kind: 'blue_green',
      liveWorkers: workers.length,
      candidateReady: states.filter((s) => s.entry?.state === 'ready').length,
      failed: failed ? { worker: failed.worker, failure: failed.entry?.failure ?? null } : null,
    };
  }
  return null;
}
