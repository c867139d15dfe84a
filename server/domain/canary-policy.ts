/**
 * When a canary is rolled back, promoted, or left running. Rollback when the candidate's error
 * rate over the window exceeds twice the stable version's trailing-hour rate — with the stable
 * rate floored at ERROR_RATE_FLOOR, so against a zero-error baseline the candidate must exceed
 * 1% errors (not "any error") — once it has served MIN_CANDIDATE_REQUESTS; or when its p99
 * latency breaks the SLA.
 */
export const MIN_CANDIDATE_REQUESTS = 200;
export const ERROR_RATE_FLOOR = 0.005;
export const ERROR_RATE_FACTOR = 2;
/** The stable version's error rate is read over this trailing window (the candidate's, since its current step started). */
export const STABLE_BASELINE_MS = 3_600_000;

export interface TCanaryWindow {
  candidate: { requests: number; errors: number; p99Ms: number | null };
  stable: { requests: number; errors: number };
  slaP99Ms: number;
  /** The canary's configured duration has elapsed. */
  durationElapsed: boolean;
}

/** What a decision was made on; candidateP99Ms is NaN before the candidate served a request. */
export type TCanaryDecisionFigures = {
  candidateRequests: number;
  candidateErrorRate: number;
  stableErrorRate: number;
  errorRateThreshold: number;
  candidateP99Ms: number;
  slaP99Ms: number;
};

export type TCanaryDecision =
  | { action: 'rollback'; reason: 'error-rate' | 'latency'; message: string; figures: TCanaryDecisionFigures }
  | { action: 'promote'; message: string; figures: TCanaryDecisionFigures }
  | { action: 'continue'; message: string; figures: TCanaryDecisionFigures };

/** The candidate error rate above which a canary rolls back, given the stable version's rate. */
export function errorRateThreshold(stableRate: number): number {
  return ERROR_RATE_FACTOR * Math.max(stableRate, ERROR_RATE_FLOOR);
}

export function decideCanary(w: TCanaryWindow): TCanaryDecision {
  const stableRate = w.stable.requests > 0 ? w.stable.errors / w.stable.requests : 0;
  const threshold = errorRateThreshold(stableRate);
  const candidateRate = w.candidate.requests > 0 ? w.candidate.errors / w.candidate.requests : 0;
  const figures: TCanaryDecisionFigures = {
    candidateRequests: w.candidate.requests,
    candidateErrorRate: candidateRate,
    stableErrorRate: stableRate,
    errorRateThreshold: threshold,
    candidateP99Ms: w.candidate.p99Ms ?? Number.NaN,
    slaP99Ms: w.slaP99Ms,
  };
  const enough = w.candidate.requests >= MIN_CANDIDATE_REQUESTS;
  if (enough && candidateRate > threshold) {
    return {
      action: 'rollback',
      reason: 'error-rate',
      message: `candidate error rate ${(candidateRate * 100).toFixed(2)}% exceeds ${(threshold * 100).toFixed(2)}% (2x the stable rate, floored at ${ERROR_RATE_FLOOR * 100}%)`,
      figures,
    };
  }
  if (enough && w.candidate.p99Ms !== null && w.candidate.p99Ms > w.slaP99Ms) {
    return { action: 'rollback', reason: 'latency', message: `candidate p99 ${w.candidate.p99Ms.toFixed(1)} ms breaks the ${w.slaP99Ms} ms SLA`, figures };
  }
  if (w.durationElapsed && enough) return { action: 'promote', message: 'the canary ran its full duration healthy', figures };
  const why = enough ? 'healthy so far' : `waiting for ${MIN_CANDIDATE_REQUESTS} candidate requests (${w.candidate.requests} so far)`;
  return { action: 'continue', message: why, figures };
}
