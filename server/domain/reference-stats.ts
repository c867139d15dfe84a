import type { TReferenceStats } from '../contracts/model-registry';

type TDistribution = TReferenceStats['prediction'];

const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

/**
 * Training-time statistics of one variable: what drift is later measured against. Bins are
 * equal-width over the 1st..99th percentile (outliers fall in the outer bins), so a handful of
 * extreme rows cannot stretch every bin.
 */
export function distributionStats(values: readonly number[], bins = 10): TDistribution {
  const finite = Float64Array.from(values.filter(Number.isFinite)).sort();
  const n = finite.length;
  if (n === 0) throw new RangeError('reference statistics need at least one finite value');
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const quantile = (q: number) => {
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(n - 1, lo + 1);
    return finite[lo]! + (finite[hi]! - finite[lo]!) * (pos - lo);
  };
  let lo = quantile(0.01);
  let hi = quantile(0.99);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const binEdges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) {
    const idx = Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)));
    counts[idx]!++;
  }
  return { count: n, mean, std: Math.sqrt(variance), quantiles: QUANTILES.map((q) => ({ q, value: quantile(q) })), histogram: { binEdges, counts } };
}

/** Reference statistics for a model: its prediction and each named input column. */
export function referenceStats(columns: Record<string, readonly number[]>, predictions: readonly number[]): TReferenceStats {
  return {
    prediction: distributionStats(predictions),
    features: Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, distributionStats(values)])),
  };
}
