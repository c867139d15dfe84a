import { decideCanary, type TCanaryDecision } from '../canary-policy';
import { SLA_P99_LIMIT_MS } from '../model-lifecycle';
import type { TDeploymentFacts, TLiveFigures, TRolloutSnapshot } from './snapshot';

/**
 * The canary policy's verdict on a canary's live figures now: what the evaluator acts on, and
 * what the deployment screen shows as "the decision if evaluated now". One function, so the two
 * never disagree.
 */
export function canaryVerdict(
  dep: Pick<TDeploymentFacts, 'stableVersionId' | 'stepStartedAt' | 'stepDurationS'>,
  live: Extract<TLiveFigures, { kind: 'canary' }>,
  slaClass: TRolloutSnapshot['model']['slaClass'],
  now: Date,
): TCanaryDecision {
  return decideCanary({
    candidate: live.candidate,
    stable: dep.stableVersionId ? live.stable : { requests: 0, errors: 0 },
    slaP99Ms: SLA_P99_LIMIT_MS[slaClass],
    durationElapsed: now.getTime() - dep.stepStartedAt.getTime() >= dep.stepDurationS * 1000,
  });
}
