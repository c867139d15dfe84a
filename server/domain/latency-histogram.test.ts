import { describe, expect, it } from 'vitest';
import { addCounts, countsDelta, histogramQuantile } from './latency-histogram';

describe('histogramQuantile', () => {
  const bounds = [1, 2, 5, 10];
  it('interpolates inside the bucket (values worked by hand)', () => {
    // 100 observations: 50 in (0,1], 40 in (1,2], 10 in (2,5]. p50: rank 50 -> end of bucket 0 = 1 ms.
    expect(histogramQuantile(0.5, bounds, [50, 40, 10, 0, 0])).toBeCloseTo(1, 9);
    // p99: rank 99, 90 before bucket 2 -> 2 + 3 * 9/10 = 4.7 ms.
    expect(histogramQuantile(0.99, bounds, [50, 40, 10, 0, 0])).toBeCloseTo(4.7, 9);
  });
  it('a rank in +Inf is Infinity; empty is null', () => {
    expect(histogramQuantile(0.99, bounds, [90, 0, 0, 0, 10])).toBe(Number.POSITIVE_INFINITY);
    expect(histogramQuantile(0.99, bounds, [0, 0, 0, 0, 0])).toBeNull();
  });
});

describe('countsDelta and addCounts', () => {
  it('subtracts cumulative counters, and takes a fresh baseline when any went down', () => {
    expect(countsDelta([5, 7], [2, 3])).toEqual({ delta: [3, 4], restarted: false });
    expect(countsDelta([1, 9], [2, 3])).toEqual({ delta: [1, 9], restarted: true });
    expect(countsDelta([1, 2], null)).toEqual({ delta: [1, 2], restarted: false });
  });
  it('adds element-wise', () => expect(addCounts([1, 2], [3, 4, 5])).toEqual([4, 6, 5]));
});
