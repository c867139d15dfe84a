import { describe, expect, it } from 'vitest';
import { decideCanary } from './canary-policy';

const base = { slaP99Ms: 100, durationElapsed: false };

describe('canary policy', () => {
  it('waits for 200 candidate requests before judging', () => {
    const d = decideCanary({ ...base, candidate: { requests: 199, errors: 199, p99Ms: 500 }, stable: { requests: 10000, errors: 10 } });
    expect(d.action).toBe('continue');
  });

  it('rolls back above twice the stable error rate', () => {
    // stable 1% -> threshold 2%; candidate 5/200 = 2.5%
    const d = decideCanary({ ...base, candidate: { requests: 200, errors: 5, p99Ms: 20 }, stable: { requests: 10000, errors: 100 } });
    expect(d).toMatchObject({ action: 'rollback', reason: 'error-rate' });
    // candidate 4/200 = 2% is not above 2%
    expect(decideCanary({ ...base, candidate: { requests: 200, errors: 4, p99Ms: 20 }, stable: { requests: 10000, errors: 100 } }).action).toBe('continue');
  });

  it('floors a zero-error baseline at 0.5%, so one error is not fatal', () => {
    const stable = { requests: 10000, errors: 0 };
    expect(decideCanary({ ...base, candidate: { requests: 200, errors: 1, p99Ms: 20 }, stable }).action).toBe('continue');
    expect(decideCanary({ ...base, candidate: { requests: 200, errors: 2, p99Ms: 20 }, stable }).action).toBe('continue');
    // 3/200 = 1.5% > 2 x 0.5%
    expect(decideCanary({ ...base, candidate: { requests: 200, errors: 3, p99Ms: 20 }, stable })).toMatchObject({ action: 'rollback', reason: 'error-rate' });
  });

  it('rolls back when p99 breaks the SLA', () => {
    const d = decideCanary({ ...base, candidate: { requests: 500, errors: 0, p99Ms: 150 }, stable: { requests: 1000, errors: 0 } });
    expect(d).toMatchObject({ action: 'rollback', reason: 'latency' });
  });

  it('promotes a healthy canary at the end of its duration', () => {
    const d = decideCanary({ ...base, durationElapsed: true, candidate: { requests: 5000, errors: 1, p99Ms: 30 }, stable: { requests: 100000, errors: 50 } });
    expect(d.action).toBe('promote');
  });
});
