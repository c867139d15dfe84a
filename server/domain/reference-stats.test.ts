import { describe, expect, it } from 'vitest';
import { distributionStats } from './reference-stats';

describe('reference statistics', () => {
  it('computes count, mean, sample std, quantiles and fixed bins', () => {
    // values 1..100: mean 50.5, sample variance = n(n+1)/12 = 841.6667 -> std 29.0115;
    // median (linear interpolation) 50.5; p01 = 1.99, p99 = 99.01 -> 10 bins of width 9.702.
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const s = distributionStats(values);
    expect(s.count).toBe(100);
    expect(s.mean).toBeCloseTo(50.5, 12);
    expect(s.std).toBeCloseTo(29.011491975882016, 10);
    expect(s.quantiles.find((q) => q.q === 0.5)!.value).toBeCloseTo(50.5, 12);
    expect(s.histogram.binEdges[0]).toBeCloseTo(1.99, 12);
    expect(s.histogram.binEdges[10]).toBeCloseTo(99.01, 12);
    expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(s.histogram.counts[0]).toBe(11); // 1..11 are below 1.99 + 9.702 = 11.692
  });

  it('widens a constant column so its bins stay valid', () => {
    const s = distributionStats([3, 3, 3]);
    expect(s.std).toBe(0);
    expect(s.histogram.binEdges[0]).toBe(2.5);
    expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });
});
