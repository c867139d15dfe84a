/*
 * Latency percentiles from merged bucket histograms (the workers' reports, summed per version
 * over a window). Interpolates linearly inside the bucket the rank falls in, as Prometheus'
 * histogram_quantile does; a rank in the +Inf bucket is beyond every bound, so it is reported as
 * Infinity (it breaks any SLA) rather than clamped to the last bound.
 */

/** counts: one per bound plus +Inf last; not cumulative. Null when empty. */
export function histogramQuantile(q: number, boundsMs: readonly number[], counts: readonly number[]): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0 && cumulative + c >= rank) {
      if (i >= boundsMs.length) return Number.POSITIVE_INFINITY;
      const lower = i === 0 ? 0 : boundsMs[i - 1]!;
      const upper = boundsMs[i]!;
      return lower + ((upper - lower) * (rank - cumulative)) / c;
    }
    cumulative += c;
  }
  return Number.POSITIVE_INFINITY;
}

/** Element-wise sum; histograms with fewer buckets count as zeros there. */
export function addCounts(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(Math.max(a.length, b.length)).fill(0);
  for (let i = 0; i < out.length; i++) out[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return out;
}

/** Per bucket: now - before, or now alone when any bucket went down (the worker restarted). */
export function countsDelta(now: readonly number[], before: readonly number[] | null): { delta: number[]; restarted: boolean } {
  if (!before || before.length !== now.length) return { delta: [...now], restarted: before !== null && before.length !== now.length };
  if (now.some((n, i) => n < before[i]!)) return { delta: [...now], restarted: true };
  return { delta: now.map((n, i) => n - before[i]!), restarted: false };
}
