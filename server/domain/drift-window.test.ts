import { describe, expect, it } from 'vitest';
import { dueWindowStarts, featureColumns, interiorEdges, mergeWindowAggregates, referenceSample, scaleCounts } from './drift-window';

const stats = { count: 1000, mean: 0, std: 1, quantiles: [{ q: 0.5, value: 0 }], histogram: { binEdges: [-3, -1, 1, 3], counts: [160, 680, 160] } };

describe('drift windows', () => {
  it('lists complete, aligned windows after the grace period, oldest first', () => {
    const now = new Date('2026-01-01T10:06:30Z');
    // 10:05 ended 90 s ago (past the 60 s grace); 10:05-10:10 is still open.
    expect(dueWindowStarts(now, 300, 900, 60).map((d) => d.toISOString())).toEqual(['2026-01-01T09:55:00.000Z', '2026-01-01T10:00:00.000Z']);
    // At 10:05:30 the 10:00 window is within its grace period.
    expect(dueWindowStarts(new Date('2026-01-01T10:05:30Z'), 300, 900, 60).map((d) => d.toISOString())).toEqual(['2026-01-01T09:55:00.000Z']);
    expect(dueWindowStarts(now, 3600, 7200, 60).map((d) => d.toISOString())).toEqual(['2026-01-01T09:00:00.000Z']);
  });

  it('orders features by the signature when it has them, else naturally', () => {
    expect(featureColumns(['f10', 'f2', 'f1'])).toEqual(['f1', 'f2', 'f10']);
    expect(featureColumns(['age', 'income'], ['income', 'age'])).toEqual(['income', 'age']);
    // A named column without reference statistics: the columns before it are compared, none after
    // it (their positions cannot be trusted to any reference).
    expect(featureColumns(['age', 'income'], ['income', 'other'])).toEqual(['income']);
    expect(featureColumns(['age', 'tenure', 'charges'], ['age', 'tenure', 'charges', 'calls'])).toEqual(['age', 'tenure', 'charges']);
    expect(featureColumns(['age', 'tenure'], ['calls', 'age', 'tenure'])).toEqual([]);
  });

  it('keeps the interior edges for width_bucket', () => {
    expect(interiorEdges([-3, -1, 1, 3])).toEqual([-1, 1]);
    expect(interiorEdges([0, 1])).toEqual([]);
  });

  it('expands a histogram into mid-quantile values of its piecewise-linear CDF', () => {
    // By hand: ranks 125, 375, 625, 875 of 1000. 125 is 125/160 into [-3, -1): -3 + 2 * 0.78125 = -1.4375;
    // 375 is (375 - 160)/680 into [-1, 1): -1 + 2 * 0.316176... = -0.367647...; the rest by symmetry.
    const s = referenceSample(stats, 4);
    expect(s[0]).toBeCloseTo(-1.4375, 12);
    expect(s[1]).toBeCloseTo(-1 + (2 * 215) / 680, 12);
    expect(s[2]).toBeCloseTo(-1 + (2 * 465) / 680, 12);
    expect(s[3]).toBeCloseTo(1.4375, 12);
  });

  it('merges windows: counts add, means weight by count', () => {
    expect(mergeWindowAggregates([{ count: 10, mean: 1, liveCounts: [1, 9] }, { count: 30, mean: 3, liveCounts: [20, 10] }])).toEqual({ count: 40, mean: 2.5, liveCounts: [21, 19] });
    expect(mergeWindowAggregates([])).toEqual({ count: 0, mean: 0, liveCounts: [] });
  });

  it('scales sampled bin counts to the exact count, integral and summing to it', () => {
    // 5,000 sampled of 1,000,000: x200 exactly.
    expect(scaleCounts([1000, 3000, 1000], 1_000_000)).toEqual([200_000, 600_000, 200_000]);
    // 1/3, 1/3, 1/3 of 100: 33.33 each, the one left over goes to the first largest remainder.
    expect(scaleCounts([1, 1, 1], 100)).toEqual([34, 33, 33]);
    // 2/7 and 5/7 of 10: 2.857 and 7.143; the larger remainder (0.857) takes the odd one.
    expect(scaleCounts([2, 5], 10)).toEqual([3, 7]);
    expect(scaleCounts([0, 0], 10)).toEqual([0, 0]);
    expect(scaleCounts([3, 4], 0)).toEqual([0, 0]);
  });
});
