import { describe, expect, it } from 'vitest';
import { driftFigures, histogramCounts, ksStatistic, meanShift, populationStabilityIndex } from './drift-statistics';

describe('drift statistics', () => {
  it('mean shift is in training standard deviations', () => {
    expect(meanShift(13, 10, 1.5)).toBe(2);
    expect(meanShift(7, 10, 1.5)).toBe(2);
    expect(meanShift(10, 10, 0)).toBe(0);
  });

  it('PSI matches the hand computation', () => {
    // ref % = [.1 .2 .4 .2 .1], live % = [.05 .15 .4 .25 .15]:
    // (-.05)ln(.5) + (-.05)ln(.75) + 0 + (.05)ln(1.25) + (.05)ln(1.5)
    // = .0346574 + .0143841 + .0111572 + .0202733 = .0804719
    expect(populationStabilityIndex([100, 200, 400, 200, 100], [50, 150, 400, 250, 150])).toBeCloseTo(0.08047189562170502, 12);
    expect(populationStabilityIndex([1, 2, 3], [1, 2, 3])).toBe(0);
  });

  it('KS statistic matches scipy.stats.ks_2samp', () => {
    // scipy: ks_2samp([.1,.4,.35,.8,.9,.2], [.3,.5,.55,.95,.05]).statistic = 0.26666666666666666
    expect(ksStatistic([0.1, 0.4, 0.35, 0.8, 0.9, 0.2], [0.3, 0.5, 0.55, 0.95, 0.05])).toBeCloseTo(0.26666666666666666, 14);
    expect(ksStatistic([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(ksStatistic([1, 2], [3, 4])).toBe(1);
  });

  it('histogram counts clamp out-of-range values into the outer bins', () => {
    expect(histogramCounts([-5, 0, 0.5, 1, 1.99, 2, 7, Number.NaN], [0, 1, 2])).toEqual([3, 4]);
  });

  it('alerts above 2 standard deviations and warns above PSI 0.2', () => {
    const f = driftFigures({ live: { mean: 12.5, counts: [0, 10, 90] }, reference: { mean: 10, std: 1, counts: [30, 40, 30] } });
    expect(f.alert).toBe(true);
    expect(f.psiWarning).toBe(true);
    expect(f.ks).toBeNull();
  });
});
