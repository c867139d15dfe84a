import { describe, expect, it } from 'vitest';
import { errorKind, RateWindow, sampleDecision } from './log-sampling';

const base = { ratePerSecond: 50, isError: false, isSlow: false, variant: 'stable' as const, random: 0.5 };

describe('sampleDecision', () => {
  it('keeps everything below 100 req/s', () => {
    expect(sampleDecision(base)).toBe('sampled');
  });
  it('keeps 10% above 100 req/s', () => {
    expect(sampleDecision({ ...base, ratePerSecond: 500, random: 0.05 })).toBe('sampled');
    expect(sampleDecision({ ...base, ratePerSecond: 500, random: 0.1 })).toBe('dropped');
  });
  it('always keeps errors, slow requests, canary and A/B traffic', () => {
    const busy = { ...base, ratePerSecond: 5000, random: 0.99 };
    expect(sampleDecision({ ...busy, isError: true })).toBe('always');
    expect(sampleDecision({ ...busy, isSlow: true })).toBe('always');
    expect(sampleDecision({ ...busy, variant: 'canary' })).toBe('always');
    expect(sampleDecision({ ...busy, variant: 'a' })).toBe('always');
    expect(sampleDecision({ ...busy, variant: 'b' })).toBe('always');
  });
});

describe('RateWindow', () => {
  it('averages the completed seconds of the window', () => {
    const w = new RateWindow(5);
    for (let s = 0; s < 4; s++) w.record(s * 1000 + 10, 200);
    // at t=4.5 s the completed seconds 0..3 hold 200 each
    expect(w.rate(4500)).toBe(200);
  });
  it('forgets traffic older than the window', () => {
    const w = new RateWindow(5);
    w.record(0, 1000);
    expect(w.rate(20_500)).toBe(0);
  });
  it('uses the current second at the very start', () => {
    const w = new RateWindow(5);
    w.record(100, 7);
    expect(w.rate(200)).toBe(7);
  });
});

describe('error budget', () => {
  const busyError = { ...base, isError: true, ratePerSecond: 5000 };
  it('keeps errors of one kind always while they stay under the budget', () => {
    expect(sampleDecision({ ...busyError, errorRatePerSecond: 10, random: 0.99 })).toBe('always');
    expect(sampleDecision({ ...busyError, random: 0.99 })).toBe('always'); // no rate known yet
  });
  it('samples errors of one kind at 10% once they pass 10 per second, whatever the variant', () => {
    expect(sampleDecision({ ...busyError, errorRatePerSecond: 11, random: 0.05 })).toBe('sampled');
    expect(sampleDecision({ ...busyError, errorRatePerSecond: 11, random: 0.1 })).toBe('dropped');
    expect(sampleDecision({ ...busyError, errorRatePerSecond: 500, random: 0.5, variant: 'canary', isSlow: true })).toBe('dropped');
  });
  it('leaves records without errors alone', () => {
    expect(sampleDecision({ ...base, errorRatePerSecond: 1000 })).toBe('sampled');
  });
});

describe('errorKind', () => {
  it('treats messages that differ only in numbers as one kind', () => {
    expect(errorKind('churn', 1, 'inputs.3.2: must be a number')).toBe(errorKind('churn', 1, 'inputs.17.0: must be a number'));
  });
  it('tells models, versions and messages apart', () => {
    const k = errorKind('churn', 1, 'inputs.3: must be a number');
    expect(errorKind('churn', 2, 'inputs.3: must be a number')).not.toBe(k);
    expect(errorKind('fraud', 1, 'inputs.3: must be a number')).not.toBe(k);
    expect(errorKind('churn', 1, 'model failed')).not.toBe(k);
  });
  it('stays short whatever the message', () => {
    const huge = 'x'.repeat(1_000_000);
    expect(errorKind('churn', 1, huge).length).toBeLessThanOrEqual('churn@1'.length + 1 + 80);
    expect(errorKind('churn', 1, `${huge}a`)).toBe(errorKind('churn', 1, `${huge}b`));
  });
});
