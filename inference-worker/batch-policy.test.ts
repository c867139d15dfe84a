import { describe, expect, it } from 'vitest';
import { decideBatch, splitRows } from './batch-policy';

const policy = { maxBatchSize: 8, windowMs: 10 };
const view = { queuedRows: 3, oldestEnqueuedAt: 100, earliestDeadlineAt: null, expectedRunMs: 1, now: 104 };

describe('decideBatch', () => {
  it('does nothing on an empty queue', () => {
    expect(decideBatch({ ...view, queuedRows: 0, oldestEnqueuedAt: null }, policy)).toBeNull();
  });
  it('closes a full batch at once', () => {
    expect(decideBatch({ ...view, queuedRows: 8 }, policy)).toEqual({ close: 'full' });
    expect(decideBatch({ ...view, queuedRows: 20 }, policy)).toEqual({ close: 'full' });
  });
  it('waits out the rest of the window, then closes', () => {
    expect(decideBatch(view, policy)).toEqual({ waitMs: 6 });
    expect(decideBatch({ ...view, now: 110 }, policy)).toEqual({ close: 'window' });
  });
  it('closes early for a deadline inside the window', () => {
    expect(decideBatch({ ...view, earliestDeadlineAt: 107 }, policy)).toEqual({ waitMs: 2 });
    expect(decideBatch({ ...view, earliestDeadlineAt: 105 }, policy)).toEqual({ close: 'deadline' });
  });
});

describe('splitRows', () => {
  it('splits an oversized request into batch-sized chunks', () => {
    expect(splitRows(20, 8)).toEqual([8, 8, 4]);
    expect(splitRows(8, 8)).toEqual([8]);
    expect(splitRows(1, 8)).toEqual([1]);
  });
});
