import { DEFAULT_CANARY_DURATION_S, DEFAULT_CANARY_PERCENT } from '../../contracts/canary-options';
import type { TCanaryOptions } from '../../contracts/canary-options';
import type { TDeploymentStrategy } from '../../contracts/deployments';
import { SPLIT_BUCKETS } from '../../contracts/worker-desired-state';
import { refuse } from './refusal';

/*
 * The traffic plan of a new deployment, in basis points of the routing buckets: people speak
 * percent, workers split 10,000 buckets. Blue-green starts the candidate at 0 (health-checked
 * beside stable), A/B at its share, a canary at its first step.
 */

export type TTrafficPlan = { candidateWeight: number; steps: number[]; stepDurationS: number; autoPromote: boolean };

const toBps = (percent: number) => Math.round(percent * 100);

export function planTraffic(input: { strategy: TDeploymentStrategy; canary?: TCanaryOptions; split?: { a: number; b: number } }): TTrafficPlan {
  const stepDurationS = input.canary?.durationS ?? DEFAULT_CANARY_DURATION_S;
  const autoPromote = input.canary?.autoPromote ?? true;
  switch (input.strategy) {
    case 'blue_green':
      return { candidateWeight: 0, steps: [], stepDurationS, autoPromote };
    case 'ab_test': {
      const split = input.split ?? { a: 50, b: 50 };
      if (Math.abs(split.a + split.b - 100) > 1e-9) refuse('INVALID_PLAN', `split: a (${split.a}%) and b (${split.b}%) must sum to 100%`, { field: 'split' });
      if (split.a === 0 || split.b === 0) refuse('INVALID_PLAN', 'split: an A/B test needs traffic on both versions', { field: 'split' });
      return { candidateWeight: toBps(split.b), steps: [], stepDurationS, autoPromote: false };
    }
    case 'canary': {
      const steps = (input.canary?.steps ?? [input.canary?.percent ?? DEFAULT_CANARY_PERCENT]).map(toBps);
      if (steps.some((s) => s > SPLIT_BUCKETS)) refuse('INVALID_PLAN', 'canary steps must be at most 100%', { field: 'canary.steps' });
      return { candidateWeight: steps[0]!, steps, stepDurationS, autoPromote };
    }
  }
}
