import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../server/synthetic/seeded-random';
import { CHURN_FEATURES, generateChurnData, sampleCustomer } from './churn-dataset';
import { driftPhase, driftShift, FULL_DRIFT_SHIFT, nextBackoffMs, routingKey, rowsPerRequest, summaryLine, trafficConfigFromEnv } from './traffic-schedule';

const schedule = { afterS: 120, rampS: 60, maxShift: 2 };

describe('demo traffic schedule', () => {
  it('sends undrifted customers first, then ramps the shift linearly to its maximum and holds it', () => {
    expect(driftShift(0, schedule)).toBe(0);
    expect(driftShift(119.9, schedule)).toBe(0);
    expect(driftShift(120, schedule)).toBe(0);
    expect(driftShift(150, schedule)).toBeCloseTo(1, 12); // half-way up the 60 s ramp
    expect(driftShift(180, schedule)).toBe(2);
    expect(driftShift(10_000, schedule)).toBe(2);
    expect(driftShift(5, { afterS: 5, rampS: 0, maxShift: 2 })).toBe(2); // no ramp: a step
    expect([0, 130, 200].map((t) => driftPhase(t, schedule))).toEqual(['none', 'ramping', 'full']);
  });

  it('reads its settings from the environment, with the documented defaults', () => {
    expect(trafficConfigFromEnv({})).toEqual({ enabled: true, requestsPerSecond: 10, drift: { afterS: 120, rampS: 60, maxShift: FULL_DRIFT_SHIFT } });
    const custom = trafficConfigFromEnv({ BALLAST_DEMO_TRAFFIC: 'off', BALLAST_DEMO_RPS: '20', BALLAST_DEMO_DRIFT_AFTER_S: '60' });
    expect(custom).toMatchObject({ enabled: false, requestsPerSecond: 20, drift: { afterS: 60 } });
    expect(() => trafficConfigFromEnv({ BALLAST_DEMO_RPS: '-1' })).toThrow(/BALLAST_DEMO_RPS/);
  });

  it('backs off from an unreachable worker from 1 s, doubling, to at most 30 s', () => {
    const steps: number[] = [];
    let ms = 0;
    for (let i = 0; i < 7; i++) steps.push((ms = nextBackoffMs(ms)));
    expect(steps).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('sends small batches under sticky customer ids', () => {
    const rand = seededRandom(9);
    const sizes = new Set(Array.from({ length: 500 }, () => rowsPerRequest(rand)));
    expect([...sizes].sort()).toEqual([1, 2, 3, 4]);
    expect(routingKey(() => 0.5, 1000)).toBe('customer-500');
  });

  it('summarises a minute in one line', () => {
    const line = summaryLine({ requests: 600, rows: 1500, served: { 'v2 canary': 300, 'v1 stable': 1200 }, failed: { unreachable: 3 } }, 60, 'ramping', 0.84);
    expect(line).toBe('demo traffic: 600 requests (1500 customers) in the last 60 s: v1 stable 80%, v2 canary 20%; failed: 3 unreachable; customers drifting (shift 0.84)');
  });
});

describe('the drift the demo sends', () => {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const col = (rows: number[][], f: (typeof CHURN_FEATURES)[number]) => rows.map((r) => r[CHURN_FEATURES.indexOf(f)]!);

  it('moves support calls and monthly charges past the 2-SD alert line of the training data', () => {
    // Expected by hand: support calls ~ Poisson(1.5) in training (SD sqrt(1.5) = 1.2247) and
    // Poisson(1.5 + 2 * 2) = Poisson(5.5) at full drift: (5.5 - 1.5) / 1.2247 = 3.27 SDs.
    // Monthly charges ~ N(70, 25) clipped to [18, 140] (SD about 24.5); at full drift N(130, 25)
    // clipped at 140: E = 130 - 25 * (phi(0.4) - 0.4 * (1 - Phi(0.4))) = 130 - 25 * 0.2302 = 124.2,
    // that is (124.2 - 70) / 24.5 = 2.2 SDs.
    const rand = seededRandom(11);
    const drifted = Array.from({ length: 20_000 }, () => sampleCustomer(rand, FULL_DRIFT_SHIFT));
    const training = generateChurnData(20_000, 12).rows;
    expect(mean(col(training, 'support_calls'))).toBeCloseTo(1.5, 1);
    expect(mean(col(drifted, 'support_calls'))).toBeCloseTo(5.5, 1);
    expect(mean(col(drifted, 'monthly_charges'))).toBeGreaterThan(123);
    expect(mean(col(drifted, 'monthly_charges'))).toBeLessThan(125.5);
    // Columns the drift leaves alone stay put (tenure ~ U(1, 72), mean 36.5).
    expect(mean(col(drifted, 'tenure_months'))).toBeCloseTo(36.5, 0);
  });
});
