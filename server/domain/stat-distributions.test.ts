import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './stat-distributions';

// Reference values from scipy 1.17 (stats.norm.cdf, stats.t.cdf, stats.t.ppf) and Python's math.erfc.
describe('distribution functions', () => {
  it('normal CDF matches scipy', () => {
    const cases: [number, number][] = [
      [0.1, 0.539827837277029],
      [1.0, 0.8413447460685429],
      [1.959963984540054, 0.975],
      [3.5, 0.9997673709209645],
      [-1.2, 0.11506967022170822],
      [5.0, 0.9999997133484281],
    ];
    for (const [z, p] of cases) expect(normalCdf(z)).toBeCloseTo(p, 12);
  });

  it('erfc matches math.erfc', () => {
    expect(erfc(0.3)).toBeCloseTo(0.6713732405408726, 13);
    expect(erfc(2.5)).toBeCloseTo(0.0004069520174449589, 15);
    expect(erfc(-1.0)).toBeCloseTo(1.842700792949715, 13);
  });

  it("Student's t CDF matches scipy, including fractional degrees of freedom", () => {
    expect(studentTCdf(2.0, 5)).toBeCloseTo(0.9490302605850708, 12);
    expect(studentTCdf(-1.5, 10.5)).toBeCloseTo(0.08153437895922226, 12);
    expect(studentTCdf(0.5, 1)).toBeCloseTo(0.6475836176504333, 12);
    expect(studentTCdf(3.0, 1000.3)).toBeCloseTo(0.9986166555770404, 12);
  });

  it('quantiles invert the CDFs (t table: t_0.975,10 = 2.228)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 9);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 9);
    expect(studentTQuantile(0.975, 37.7)).toBeCloseTo(2.0249233178098573, 9);
  });
});
