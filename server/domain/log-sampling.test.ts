import { describe, expect, it } from 'vitest';
import { RateWindow, sampleDecision } from './log-sampling';

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
