import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelayMs } from './backoff';

const policy = { baseMs: 250, capMs: 60_000 };

describe('backoffDelayMs', () => {
  it('doubles from the base, half fixed and half jitter', () => {
    // step = 250 * 2^(failures-1); delay = step/2 + step/2 * random
    expect(backoffDelayMs(1, 0, policy)).toBe(125);
    expect(backoffDelayMs(1, 0.999999, policy)).toBeCloseTo(250, 3);
    expect(backoffDelayMs(2, 0.5, policy)).toBe(375); // step 500
    expect(backoffDelayMs(5, 0, policy)).toBe(2000); // step 4000
  });
  it('never exceeds the cap, however many failures', () => {
    expect(backoffDelayMs(9, 0, policy)).toBe(30_000); // step 64,000 capped to 60,000
    expect(backoffDelayMs(10_000, 0.999999, policy)).toBeLessThanOrEqual(60_000);
    expect(backoffDelayMs(10_000, 0, policy)).toBe(30_000);
  });
  it('is 0 without failures', () => {
    expect(backoffDelayMs(0, 0.7, policy)).toBe(0);
  });
});

describe('Backoff', () => {
  it('waits after each failure, longer each time, and a success resets it', () => {
    const b = new Backoff(policy, () => 0);
    expect(b.ready(0)).toBe(true);
    expect(b.fail(1000)).toBe(125);
    expect(b.ready(1124)).toBe(false);
    expect(b.ready(1125)).toBe(true);
    expect(b.fail(2000)).toBe(250);
    expect(b.remainingMs(2100)).toBe(150);
    b.succeed();
    expect(b.ready(2001)).toBe(true);
    expect(b.fail(3000)).toBe(125); // from the base again
  });
});
