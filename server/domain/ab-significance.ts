import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './stat-distributions';

/**
 * A/B verdicts: a two-proportion z-test for binary outcomes (converted / correct) and Welch's
 * t-test for continuous ones, two-sided at alpha 0.05. No verdict before both variants have
 * enough predictions and outcomes: early p-values swing wildly and invite peeking.
 */
export const AB_ALPHA = 0.05;
export const AB_MIN_PER_VARIANT = 1000;

export interface TAbEffect {
  /** B minus A: the difference in rate or mean. */
  effect: number;
  /** (1 - alpha) confidence interval of the difference. */
  interval: [number, number];
  statistic: number;
  pValue: number;
  significant: boolean;
}

export interface TBinarySample {
  successes: number;
  n: number;
}

export function twoProportionZTest(a: TBinarySample, b: TBinarySample, alpha = AB_ALPHA): TAbEffect {
  if (a.n <= 0 || b.n <= 0) throw new RangeError('each variant needs at least one outcome');
  const pa = a.successes / a.n;
  const pb = b.successes / b.n;
  const pooled = (a.successes + b.successes) / (a.n + b.n);
  // The test uses the pooled rate (H0: equal rates); the interval the unpooled standard error.
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  const seDiff = Math.sqrt((pa * (1 - pa)) / a.n + (pb * (1 - pb)) / b.n);
  const effect = pb - pa;
  const z = sePooled === 0 ? 0 : effect / sePooled;
  const pValue = 2 * (1 - normalCdf(Math.abs(z)));
  const crit = normalQuantile(1 - alpha / 2);
  return { effect, interval: [effect - crit * seDiff, effect + crit * seDiff], statistic: z, pValue, significant: pValue < alpha };
}

export interface TContinuousSample {
  n: number;
  mean: number;
  /** Sample variance (n - 1 denominator). */
  variance: number;
}

export function welchTTest(a: TContinuousSample, b: TContinuousSample, alpha = AB_ALPHA): TAbEffect & { df: number } {
  if (a.n < 2 || b.n < 2) throw new RangeError('each variant needs at least two outcomes');
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const effect = b.mean - a.mean;
  // Welch–Satterthwaite degrees of freedom.
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = se === 0 ? 0 : effect / se;
  const pValue = se === 0 ? 1 : 2 * (1 - studentTCdf(Math.abs(t), df));
  const crit = studentTQuantile(1 - alpha / 2, df);
  return { effect, interval: [effect - crit * se, effect + crit * se], statistic: t, df, pValue, significant: pValue < alpha };
}

export type TAbReadiness = { ready: true } | { ready: false; progress: number; missing: string[] };

/** Whether both variants have the predictions and outcomes a verdict needs, and how far along they are. */
export function abReadiness(variants: { name: string; predictions: number; outcomes: number }[], min = AB_MIN_PER_VARIANT): TAbReadiness {
  const missing = variants.flatMap((v) => [
    ...(v.predictions < min ? [`${v.name}: ${v.predictions}/${min} predictions`] : []),
    ...(v.outcomes < min ? [`${v.name}: ${v.outcomes}/${min} outcomes`] : []),
  ]);
  if (missing.length === 0) return { ready: true };
  const progress = Math.min(...variants.map((v) => Math.min(v.predictions, v.outcomes) / min));
  return { ready: false, progress: Math.max(0, Math.min(1, progress)), missing };
}
