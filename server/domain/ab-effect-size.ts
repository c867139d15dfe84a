import { AB_ALPHA } from './ab-significance';
import { normalQuantile, studentTQuantile } from './stat-distributions';

/*
 * What an A/B result shows beside the test: each variant's own interval and a standardized
 * effect size (Cohen's h for rates, Cohen's d for means), so "significant" and "large" are not
 * confused.
 */

/** Normal-approximation (Wald) interval of a rate; the same approximation the z-test uses. */
export function rateInterval(successes: number, n: number, alpha = AB_ALPHA): [number, number] | null {
  if (n <= 0) return null;
  const p = successes / n;
  const half = normalQuantile(1 - alpha / 2) * Math.sqrt((p * (1 - p)) / n);
  return [p - half, p + half];
}

/** Student-t interval of a mean from the sample variance (n - 1 denominator). */
export function meanInterval(n: number, mean: number, variance: number, alpha = AB_ALPHA): [number, number] | null {
  if (n < 2) return null;
  const half = studentTQuantile(1 - alpha / 2, n - 1) * Math.sqrt(variance / n);
  return [mean - half, mean + half];
}

/** Cohen's h: 2 asin sqrt(pB) - 2 asin sqrt(pA). */
export function cohensH(pa: number, pb: number): number {
  return 2 * Math.asin(Math.sqrt(pb)) - 2 * Math.asin(Math.sqrt(pa));
}

/** Cohen's d with the pooled standard deviation; null when it is zero. */
export function cohensD(a: { n: number; mean: number; variance: number }, b: { n: number; mean: number; variance: number }): number | null {
  const df = a.n + b.n - 2;
  if (df <= 0) return null;
  const pooled = Math.sqrt(((a.n - 1) * a.variance + (b.n - 1) * b.variance) / df);
  return pooled > 0 ? (b.mean - a.mean) / pooled : null;
}
