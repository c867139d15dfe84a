import { describe, expect, it } from 'vitest';
import { downsampleIndices, downsampleMetricSeries, type TMetricPoint } from './metric-downsample';

function series(steps: number[], values: number[]): TMetricPoint[] {
  return steps.map((step, i) => ({ step, value: values[i] as number }));
}

function keptIndices(steps: number[], values: number[], maxPoints: number): number[] {
  return Array.from(downsampleIndices(steps, values, maxPoints));
}

describe('downsampleIndices', () => {
  it('keeps the min and max of each step bucket, first and last', () => {
    // maxPoints 6 -> B = floor((6-2)/2) = 2 buckets over steps [0, 9], width 4.5.
    // Interior i=1..4 (steps 1-4) -> bucket 0, values 3, 8, 1, 4: min i=3 (1), max i=2 (8).
    // Interior i=5..8 (steps 5-8) -> bucket 1, values 9, 2, 7, 6: max i=5 (9), min i=6 (2).
    // Kept: 0, 2, 3, 5, 6, 9.
    const steps = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const values = [5, 3, 8, 1, 4, 9, 2, 7, 6, 0];
    expect(keptIndices(steps, values, 6)).toEqual([0, 2, 3, 5, 6, 9]);
  });

  it('buckets by step range, not by index', () => {
    // maxPoints 6 -> 2 buckets over [0, 100], width 50. Steps 1..4 -> bucket 0, step 60 -> bucket 1.
    // Bucket 0 values 5, -5, 3, 3: max i=1, min i=2. Bucket 1 has only i=5 (kept once).
    // (By index, i=4 would have gone with i=5 and its 3 would have been kept.)
    const steps = [0, 1, 2, 3, 4, 60, 100];
    const values = [0, 5, -5, 3, 3, 7, 1];
    expect(keptIndices(steps, values, 6)).toEqual([0, 1, 2, 5, 6]);
  });

  it('returns everything when the series already fits', () => {
    expect(keptIndices([1, 2, 3], [1, 2, 3], 3)).toEqual([0, 1, 2]);
    expect(keptIndices([7], [1], 2)).toEqual([0]);
    expect(keptIndices([], [], 2)).toEqual([]);
  });

  it('keeps only first and last when maxPoints leaves no room for a bucket', () => {
    // maxPoints 3 -> B = floor(1/2) = 0.
    expect(keptIndices([0, 1, 2, 3], [0, 100, -100, 0], 3)).toEqual([0, 3]);
  });

  it('takes the earliest point on ties and one point for a constant bucket', () => {
    // maxPoints 4 -> 1 bucket holding i=1..4. Values 2, 2, 2, 2: min = max = i=1.
    expect(keptIndices([0, 1, 2, 3, 4, 5], [9, 2, 2, 2, 2, 9], 4)).toEqual([0, 1, 5]);
    // Values 1, 3, 1, 3: min first at i=1, max first at i=2.
    expect(keptIndices([0, 1, 2, 3, 4, 5], [0, 1, 3, 1, 3, 0], 4)).toEqual([0, 1, 2, 5]);
  });

  it('puts all interior points in one bucket when every step is equal', () => {
    // 7 points > 6; span 0 -> all of i=1..5 in bucket 0 of 2; values 4, -1, 6, 2, 3: min i=2, max i=3.
    expect(keptIndices([5, 5, 5, 5, 5, 5, 5], [0, 4, -1, 6, 2, 3, 0], 6)).toEqual([0, 2, 3, 6]);
  });

  it('never picks NaN or Infinity as min/max while the bucket has a finite value', () => {
    // 1 bucket, i=1..5: NaN, 3, +Inf, -Inf, 1 -> finite min i=5 (1), max i=2 (3).
    const values = [0, Number.NaN, 3, Infinity, -Infinity, 1, 0];
    expect(keptIndices([0, 1, 2, 3, 4, 5, 6], values, 4)).toEqual([0, 2, 5, 6]);
  });

  it('keeps non-finite points of an all-non-finite bucket, ordered -Inf < NaN < +Inf', () => {
    // 2 buckets over [0, 10], width 5: bucket 0 = steps 1..4, bucket 1 = steps 6..9.
    // Bucket 0: NaN, +Inf, NaN, -Inf -> low = -Inf at i=4, high = +Inf at i=2.
    // Bucket 1: NaN, NaN, NaN, NaN -> low = high = first NaN at i=5.
    const steps = [0, 1, 2, 3, 4, 6, 7, 8, 9, 10];
    const nan = Number.NaN;
    const values = [1, nan, Infinity, nan, -Infinity, nan, nan, nan, nan, 2];
    expect(keptIndices(steps, values, 6)).toEqual([0, 2, 4, 5, 9]);
  });

  it('keeps a non-finite first or last value as-is', () => {
    const result = downsampleMetricSeries(series([0, 1, 2, 3, 4], [Number.NaN, 1, 2, 3, Infinity]), 4);
    expect(result[0]?.value).toBeNaN();
    expect(result.at(-1)?.value).toBe(Infinity);
  });

  it('refuses unsorted or non-finite steps and bad maxPoints', () => {
    expect(() => downsampleIndices([0, 2, 1, 3, 4], [0, 0, 0, 0, 0], 4)).toThrow(/step\[2\] = 1 follows step\[1\] = 2/);
    expect(() => downsampleIndices([0, 2, 1], [0, 0, 0], 4)).toThrow(RangeError);
    expect(() => downsampleIndices([0, 1, 2, 3, 2], [0, 0, 0, 0, 0], 4)).toThrow(RangeError);
    expect(() => downsampleIndices([0, Number.NaN, 2, 3, 4], [0, 0, 0, 0, 0], 4)).toThrow(RangeError);
    expect(() => downsampleIndices([0, 1, 2, 3, Infinity], [0, 0, 0, 0, 0], 4)).toThrow(RangeError);
    expect(() => downsampleIndices([0, 1], [0, 1], 1)).toThrow(/maxPoints/);
    expect(() => downsampleIndices([0, 1], [0, 1], 2.5)).toThrow(/maxPoints/);
    expect(() => downsampleIndices([0, 1], [0], 2)).toThrow(/values/);
  });
});

describe('downsampleMetricSeries', () => {
  it('returns the kept points themselves, in step order', () => {
    const points = series([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [5, 3, 8, 1, 4, 9, 2, 7, 6, 0]);
    const result = downsampleMetricSeries(points, 6);
    expect(result).toEqual([points[0], points[2], points[3], points[5], points[6], points[9]]);
    expect(result[1]).toBe(points[2]);
  });

  it('reduces a million points to at most maxPoints and keeps the global extremes', () => {
    const count = 1_000_000;
    const maxPoints = 2_000;
    const points: TMetricPoint[] = new Array<TMetricPoint>(count);
    for (let i = 0; i < count; i++) points[i] = { step: i * 10, value: Math.sin(i / 5_000) + 0.001 * ((i * 7919) % 13) };
    // |sin| <= 1 and the ripple is < 0.013, so +-50 are the extremes wherever they are planted.
    (points[123_457] as TMetricPoint).value = -50;
    (points[876_543] as TMetricPoint).value = 50;
    (points[500_000] as TMetricPoint).value = Number.NaN;

    const result = downsampleMetricSeries(points, maxPoints);
    expect(result.length).toBeLessThanOrEqual(maxPoints);
    expect(result.length).toBeGreaterThan(maxPoints / 2);
    expect(result[0]).toBe(points[0]);
    expect(result.at(-1)).toBe(points[count - 1]);
    expect(result).toContain(points[123_457]);
    expect(result).toContain(points[876_543]);
    expect(result).not.toContain(points[500_000]);
    for (let i = 1; i < result.length; i++) expect((result[i] as TMetricPoint).step).toBeGreaterThan((result[i - 1] as TMetricPoint).step);
  });
});
