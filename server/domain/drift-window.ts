import type { TDistributionStats } from '../contracts/model-registry';

/*
 * The bookkeeping around drift windows, kept pure so the job and the charts agree: which windows
 * are due, which input column is which feature, and a reference sample for Kolmogorov–Smirnov
 * when the registry holds only summary statistics.
 */

/** The windows drift is computed over: 5 minutes and 1 hour. */
export const DRIFT_WINDOWS_S = [300, 3600] as const;
/** The prediction itself is stored as a pseudo-feature of this name. */
export const PREDICTION_FEATURE = '__prediction__';
/**
 * Fewer values than this never raise a mean-shift alert: one odd request in a quiet window is
 * not drift. (With 30 values the window mean's standard error is 0.18 training SDs, so noise
 * alone essentially never crosses 2.)
 */
export const MIN_DRIFT_ALERT_COUNT = 30;
/** Values drawn from the live window (and from the reference) for the KS statistic. */
export const KS_SAMPLE_SIZE = 2000;
/**
 * Windows with at most this many logged rows get exact histograms (every value binned in SQL);
 * larger ones bin a time-spread sample of HISTOGRAM_SAMPLE_SIZE rows (count and mean stay exact).
 */
export const EXACT_HISTOGRAM_MAX_ROWS = 50_000;
/** Rows sampled for the live histogram (PSI) of a large window: PSI's sampling noise is ~(bins - 1) / n, 0.002 here. */
export const HISTOGRAM_SAMPLE_SIZE = 5000;

/**
 * Start times of the complete windows of `windowS` seconds, aligned to the epoch, whose end is
 * at least `graceS` before `now` (late log batches from spooling workers still land) and whose
 * start is within `lookbackS` of now. Oldest first.
 */
export function dueWindowStarts(now: Date, windowS: number, lookbackS: number, graceS: number): Date[] {
  const w = windowS * 1000;
  const lastEnd = Math.floor((now.getTime() - graceS * 1000) / w) * w;
  const out: Date[] = [];
  for (let start = lastEnd - w; start >= now.getTime() - lookbackS * 1000; start -= w) out.push(new Date(start));
  return out.reverse();
}

const naturalOrder = new Intl.Collator('en', { numeric: true });

/**
 * Input feature names in column order of `prediction_logs.inputs` (drift reads columns 1..n by
 * position). With the version's feature names: those names, up to the first one the reference
 * statistics do not describe (a column past that gap cannot be placed, so it is not compared,
 * rather than compared with the wrong reference). Without them: the reference statistics' names
 * sorted naturally (f0, f1, ..., f10), since JSONB does not keep object key order.
 */
export function featureColumns(referenceFeatures: readonly string[], signatureFeatures?: readonly string[] | null): string[] {
  if (signatureFeatures?.length) {
    const gap = signatureFeatures.findIndex((f) => !referenceFeatures.includes(f));
    return signatureFeatures.slice(0, gap === -1 ? undefined : gap);
  }
  return [...referenceFeatures].sort(naturalOrder.compare);
}

/**
 * The interior edges of a histogram: what `width_bucket(v, interior)` needs so that it returns
 * the 0-based bin with values below the first edge in the first bin and above the last in the
 * last — the same convention as histogramCounts().
 */
export function interiorEdges(binEdges: readonly number[]): number[] {
  return binEdges.slice(1, -1);
}

/**
 * `n` values spread over the reference distribution for a two-sample KS test: the inverse of the
 * histogram's piecewise-linear CDF at the mid-quantiles (i + 0.5) / n. Deterministic, so the same
 * live window always gets the same KS figure.
 */
export function referenceSample(stats: TDistributionStats, n = KS_SAMPLE_SIZE): number[] {
  const { binEdges, counts } = stats.histogram;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return Array.from({ length: n }, () => stats.mean);
  const out = new Array<number>(n);
  let bin = 0;
  let below = 0;
  for (let i = 0; i < n; i++) {
    const rank = ((i + 0.5) / n) * total;
    while (bin < counts.length - 1 && below + counts[bin]! < rank) below += counts[bin++]!;
    const c = counts[bin]!;
    const frac = c > 0 ? (rank - below) / c : 0.5;
    out[i] = binEdges[bin]! + (binEdges[bin + 1]! - binEdges[bin]!) * Math.min(1, Math.max(0, frac));
  }
  return out;
}

/** Merges stored windows (e.g. twelve 5-minute windows into an hour): counts add, means weight by count. */
export function mergeWindowAggregates(parts: readonly { count: number; mean: number; liveCounts: readonly number[] }[]): { count: number; mean: number; liveCounts: number[] } {
  let count = 0;
  let sum = 0;
  let liveCounts: number[] = [];
  for (const p of parts) {
    count += p.count;
    sum += p.count * p.mean;
    liveCounts = Array.from({ length: Math.max(liveCounts.length, p.liveCounts.length) }, (_, i) => (liveCounts[i] ?? 0) + (p.liveCounts[i] ?? 0));
  }
  return { count, mean: count ? sum / count : 0, liveCounts };
}

/**
 * Scales sampled bin counts to `total` values, rounding by largest remainder so the result is
 * integral and sums to exactly `total` (a sampled window then merges into its hour with the
 * weight of its real count).
 */
export function scaleCounts(counts: readonly number[], total: number): number[] {
  const sampled = counts.reduce((a, b) => a + b, 0);
  if (sampled <= 0 || total <= 0) return counts.map(() => 0);
  const exact = counts.map((c) => (c * total) / sampled);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0 && k < byRemainder.length; k++, left--) out[byRemainder[k]![1]]!++;
  return out;
}
