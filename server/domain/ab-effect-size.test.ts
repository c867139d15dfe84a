import { describe, expect, it } from 'vitest';
import { cohensD, cohensH, meanInterval, rateInterval } from './ab-effect-size';

describe('A/B effect sizes and intervals', () => {
  it("Cohen's h and d against hand-computed values", () => {
    // h = 2 asin(sqrt(0.5)) - 2 asin(sqrt(0.25)) = 2(pi/4) - 2(pi/6) = pi/6.
    expect(cohensH(0.25, 0.5)).toBeCloseTo(Math.PI / 6, 12);
    // Equal variances 4 (sd 2), means 10 and 11: d = 1 / 2.
    expect(cohensD({ n: 50, mean: 10, variance: 4 }, { n: 80, mean: 11, variance: 4 })).toBeCloseTo(0.5, 12);
    expect(cohensD({ n: 5, mean: 1, variance: 0 }, { n: 5, mean: 1, variance: 0 })).toBeNull();
  });

  it('intervals: Wald for a rate, Student t for a mean (scipy values)', () => {
    // p = 0.2, n = 400: 0.2 +- 1.959964 * 0.02 (scipy.stats.norm.ppf(0.975) = 1.959963984540054).
    const [lo, hi] = rateInterval(80, 400)!;
    expect(lo).toBeCloseTo(0.2 - 1.959963984540054 * 0.02, 9);
    expect(hi).toBeCloseTo(0.2 + 1.959963984540054 * 0.02, 9);
    // n = 25, mean 10, variance 4: 10 +- t(0.975, 24) * 0.4; scipy.stats.t.ppf(0.975, 24) = 2.0638985616280245.
    const [a, b] = meanInterval(25, 10, 4)!;
    expect(a).toBeCloseTo(10 - 2.0638985616280245 * 0.4, 6);
    expect(b).toBeCloseTo(10 + 2.0638985616280245 * 0.4, 6);
    expect(rateInterval(0, 0)).toBeNull();
    expect(meanInterval(1, 3, 0)).toBeNull();
  });
});
