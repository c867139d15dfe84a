import { afterEach, describe, expect, it, vi } from 'vitest';
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

/** A model whose every call waits until the test releases it: a batch "runs" as long as the test wants. */
function heldRunner() {
  const held: { rows: number; release(): void }[] = [];
  return {
    held,
    inputWidth: 1,
    outputWidth: 1,
    run(data: Float32Array, rows: number) {
      return new Promise<Float32Array>((resolve) => held.push({ rows, release: () => resolve(Float32Array.from(data)) }));
    },
  };
}

describe('BatchQueue depth accounting', () => {
  afterEach(() => void vi.useRealTimers());

  it('takes each request out of the depth exactly once when deadlines fire during a running batch', async () => {
    vi.useFakeTimers();
    const runner = heldRunner();
    const q = new BatchQueue(runner, { maxBatchSize: 2, windowMs: 1, queueLimitRows: 4 }, { onBatch: () => undefined }, () => Date.now());
    const depths: number[] = [];
    const watch = () => depths.push(q.depthRows);
    const settled = (p: Promise<Float32Array>) => p.then(() => 'ok' as const, (e: Error) => (e instanceof DeadlineError ? ('504' as const) : e));
    const rows = (n: number) => new Float32Array(n);

    const a = settled(q.submit(rows(2), 2, 100)); // full batch: starts at once and is held
    await vi.advanceTimersByTimeAsync(0);
    expect(runner.held.map((h) => h.rows)).toEqual([2]);
    watch();
    expect(q.depthRows).toBe(0);
    const b = settled(q.submit(rows(2), 2, 50));
    const c = settled(q.submit(rows(2), 2, 100_000));
    watch();
    expect(q.depthRows).toBe(4);
    // The limit is exact: 4 rows wait, so one more row is refused and nothing more fits.
    await expect(q.submit(rows(1), 1, 100_000)).rejects.toBeInstanceOf(QueueFullError);

    await vi.advanceTimersByTimeAsync(60); // b's deadline while it waits: its rows leave the depth
    expect(await b).toBe('504');
    watch();
    expect(q.depthRows).toBe(2);

    await vi.advanceTimersByTimeAsync(60); // a's deadline while its batch runs: a already left the depth
    expect(await a).toBe('504');
    watch();
    expect(q.depthRows).toBe(2);
    // Two rows of headroom, exactly: 2 fit, a third does not.
    const e = settled(q.submit(rows(2), 2, 100_000));
    watch();
    expect(q.depthRows).toBe(4);
    await expect(q.submit(rows(1), 1, 100_000)).rejects.toBeInstanceOf(QueueFullError);

    runner.held.shift()!.release(); // a's batch ends; c starts
    await vi.advanceTimersByTimeAsync(2);
    watch();
    expect(runner.held.map((h) => h.rows)).toEqual([2]);
    expect(q.depthRows).toBe(2);
    runner.held.shift()!.release(); // c ends; e starts
    await vi.advanceTimersByTimeAsync(2);
    expect(await c).toBe('ok');
    watch();
    expect(q.depthRows).toBe(0);
    runner.held.shift()!.release();
    await vi.advanceTimersByTimeAsync(2);
    expect(await e).toBe('ok');
    await q.idle();
    watch();
    expect(q.depthRows).toBe(0);
    expect(Math.min(...depths)).toBe(0);
  });
});
