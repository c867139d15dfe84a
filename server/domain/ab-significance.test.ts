import { describe, expect, it } from 'vitest';
import { abReadiness, twoProportionZTest, welchTTest } from './ab-significance';

describe('two-proportion z-test', () => {
  it('matches the hand computation for 200/1000 vs 250/1000', () => {
    // pooled p = 450/2000 = 0.225; SE = sqrt(0.225 * 0.775 * (1/1000 + 1/1000)) = 0.0186748;
    // z = 0.05 / 0.0186748 = 2.677398; p = 2 * (1 - Phi(2.677398)) = 0.0074196 (scipy norm.sf).
    // CI: SE_unpooled = sqrt(.2*.8/1000 + .25*.75/1000) = 0.0186414; 0.05 ± 1.959964 * SE.
    const r = twoProportionZTest({ successes: 200, n: 1000 }, { successes: 250, n: 1000 });
    expect(r.effect).toBeCloseTo(0.05, 12);
    expect(r.statistic).toBeCloseTo(2.677397763008329, 9);
    expect(r.pValue).toBeCloseTo(0.007419649261025687, 9);
    expect(r.interval[0]).toBeCloseTo(0.01346362168753984, 9);
    expect(r.interval[1]).toBeCloseTo(0.08653637831246014, 9);
    expect(r.significant).toBe(true);
  });

  it('is not significant for equal rates', () => {
    const r = twoProportionZTest({ successes: 300, n: 1000 }, { successes: 300, n: 1000 });
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBeCloseTo(1, 12);
    expect(r.significant).toBe(false);
  });
});

describe("Welch's t-test", () => {
  it("reproduces Wikipedia's worked example 1 (t = 2.46, df ≈ 24.9, p = 0.021)", () => {
    // Wikipedia "Welch's t-test", example 1: A1 (n 15, mean 20.82, var 7.8674) vs A2 (n 15,
    // mean 22.9867, var 3.8127); scipy ttest_ind(equal_var=False): t = 2.455356, p = 0.021378.
    const a1 = { n: 15, mean: 20.82, variance: 7.867428571428571 };
    const a2 = { n: 15, mean: 22.986666666666665, variance: 3.8126666666666686 };
    const r = welchTTest(a1, a2);
    expect(r.statistic).toBeCloseTo(2.455356398286006, 8);
    expect(r.df).toBeCloseTo(24.9885, 3);
    expect(r.pValue).toBeCloseTo(0.021378001462866992, 8);
    expect(r.significant).toBe(true);
  });

  it('matches scipy ttest_ind_from_stats on A/B-sized samples', () => {
    // A: n 1200, mean 10.0, var 4.0; B: n 1100, mean 10.2, var 6.25 -> t 2.106413, p 0.035287,
    // df 2103.2328, 95% CI of the difference [0.013798, 0.386202].
    const r = welchTTest({ n: 1200, mean: 10, variance: 4 }, { n: 1100, mean: 10.2, variance: 6.25 });
    expect(r.statistic).toBeCloseTo(2.106412777666318, 8);
    expect(r.pValue).toBeCloseTo(0.0352867002729416, 8);
    expect(r.df).toBeCloseTo(2103.2328488411745, 6);
    expect(r.interval[0]).toBeCloseTo(0.013797888024834226, 7);
    expect(r.interval[1]).toBeCloseTo(0.3862021119751658, 7);
  });
});

describe('readiness', () => {
  it('withholds a verdict until 1,000 predictions and outcomes per variant', () => {
    const r = abReadiness([
      { name: 'A', predictions: 1500, outcomes: 900 },
      { name: 'B', predictions: 500, outcomes: 1200 },
    ]);
    expect(r).toEqual({ ready: false, progress: 0.5, missing: ['A: 900/1000 outcomes', 'B: 500/1000 predictions'] });
    expect(abReadiness([{ name: 'A', predictions: 1000, outcomes: 1000 }])).toEqual({ ready: true });
  });
});
