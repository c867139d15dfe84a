/**
 * Drift of a live window against the training reference of a model version. Three views of
 * the same question, shown side by side: the mean shift in training standard deviations (the
 * alert rule), PSI over the training histogram's bins, and the two-sample Kolmogorov–Smirnov
 * statistic on sampled values.
 */
export const MEAN_SHIFT_ALERT = 2;
export const PSI_WARN = 0.2;
// Empty bins would make PSI infinite; the usual remedy is a small floor on each proportion.
const PSI_EPSILON = 1e-4;

/** |live mean - training mean| in units of the training standard deviation. */
export function meanShift(liveMean: number, refMean: number, refStd: number): number {
  if (!(refStd > 0)) return liveMean === refMean ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(liveMean - refMean) / refStd;
}

/** Population stability index: sum over bins of (live% - ref%) * ln(live% / ref%). */
export function populationStabilityIndex(refCounts: readonly number[], liveCounts: readonly number[]): number {
  if (refCounts.length !== liveCounts.length) throw new RangeError('reference and live histograms need the same bins');
  const refTotal = refCounts.reduce((a, b) => a + b, 0);
  const liveTotal = liveCounts.reduce((a, b) => a + b, 0);
  if (refTotal === 0 || liveTotal === 0) return 0;
  let psi = 0;
  for (let i = 0; i < refCounts.length; i++) {
    const r = Math.max(refCounts[i]! / refTotal, PSI_EPSILON);
    const l = Math.max(liveCounts[i]! / liveTotal, PSI_EPSILON);
    psi += (l - r) * Math.log(l / r);
  }
  return psi;
}

/**
 * Counts of `values` in the bins given by ascending `edges` (n + 1 edges for n bins); values
 * below the first edge fall in the first bin and above the last in the last, so a shifted live
 * window still shows up in the outermost bins rather than vanishing.
 */
export function histogramCounts(values: Iterable<number>, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  if (bins < 1) throw new RangeError('a histogram needs at least two edges');
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    let lo = 0;
    let hi = bins - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (v >= edges[mid]!) lo = mid;
      else hi = mid - 1;
    }
    counts[lo]!++;
  }
  return counts;
}

/** Two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs. */
export function ksStatistic(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

export interface TDriftFigures {
  meanShift: number;
  psi: number;
  ks: number | null;
  alert: boolean;
  psiWarning: boolean;
}

export function driftFigures(input: {
  live: { mean: number; counts: readonly number[]; sample?: readonly number[] };
  reference: { mean: number; std: number; counts: readonly number[]; sample?: readonly number[] };
}): TDriftFigures {
  const shift = meanShift(input.live.mean, input.reference.mean, input.reference.std);
  const psi = populationStabilityIndex(input.reference.counts, input.live.counts);
  const ks = input.live.sample && input.reference.sample ? ksStatistic(input.live.sample, input.reference.sample) : null;
  return { meanShift: shift, psi, ks, alert: shift > MEAN_SHIFT_ALERT, psiWarning: psi > PSI_WARN };
}
