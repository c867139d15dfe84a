import { describe, expect, it } from 'vitest';
import { BatchQueue, DeadlineError, QueueFullError } from './batch-queue';

/** A fake model: output row = [sum of input row], so scattering is easy to check. */
function sumRunner(calls: number[], delayMs = 0) {
  return {
    inputWidth: 2,
    outputWidth: 1,
    async run(data: Float32Array, rows: number) {
      calls.push(rows);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const out = new Float32Array(rows);
      for (let r = 0; r < rows; r++) out[r] = data[r * 2]! + data[r * 2 + 1]!;
      return out;
    },
  };
}

const reasons: string[] = [];
const observer = { onBatch: (_rows: number, reason: string) => void reasons.push(reason) };

describe('BatchQueue', () => {
  it('forms one batch from concurrent requests and scatters rows back', async () => {
    const calls: number[] = [];
    const q = new BatchQueue(sumRunner(calls), { maxBatchSize: 8, windowMs: 5, queueLimitRows: 100 }, observer);
    const outs = await Promise.all([0, 1, 2].map((i) => q.submit(Float32Array.from([i, 10]), 1, 1000)));
    expect(outs.map((o) => Array.from(o))).toEqual([[10], [11], [12]]);
    expect(calls).toEqual([3]);
  });

  it('closes a full batch without waiting for the window and splits big requests', async () => {
    const calls: number[] = [];
    const q = new BatchQueue(sumRunner(calls), { maxBatchSize: 2, windowMs: 10_000, queueLimitRows: 100 }, observer);
    const out = await q.submit(Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]), 4, 60_000);
    expect(Array.from(out)).toEqual([2, 4, 6, 8]);
    expect(calls).toEqual([2, 2]);
  });

  it('answers 429 when the queue is full', async () => {
    const q = new BatchQueue(sumRunner([], 50), { maxBatchSize: 1, windowMs: 1, queueLimitRows: 2 }, observer);
    const first = [q.submit(Float32Array.from([1, 1]), 1, 1000), q.submit(Float32Array.from([1, 1]), 1, 1000)];
    await expect(q.submit(Float32Array.from([1, 1, 1, 1]), 2, 1000)).rejects.toBeInstanceOf(QueueFullError);
    await Promise.all(first);
  });

  it('answers 504 when a request waits past its deadline', async () => {
    const q = new BatchQueue(sumRunner([], 200), { maxBatchSize: 1, windowMs: 1, queueLimitRows: 10 }, observer);
    const slow = q.submit(Float32Array.from([1, 1]), 1, 5000);
    await expect(q.submit(Float32Array.from([1, 1]), 1, 20)).rejects.toBeInstanceOf(DeadlineError);
    await slow;
    await q.idle();
  });
});
