import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../db/client';
import { intervalStartOf, leaseMsOf, msToNextInterval, type TJob, type TJobContext } from './job';
import type { TClaim, TJobStore, TRunResult } from './job-claims';
import { createJobRunner, type TTickOutcome } from './job-runner';

// The runner's scheduling on a fake clock (vi fake timers move Date and setTimeout together). The
// store here keeps job_runs' claim rules in memory; the PostgreSQL store is exercised with two
// runners on a real database in job-runner.int.test.ts.
type TRow = { intervalStart: number | null; runningBy: string | null; leaseUntil: number | null; runs: TRunResult[] };

function memoryStore() {
  const rows = new Map<string, TRow>();
  const row = (name: string) => {
    if (!rows.has(name)) rows.set(name, { intervalStart: null, runningBy: null, leaseUntil: null, runs: [] });
    return rows.get(name)!;
  };
  const store: TJobStore = {
    async register(jobs) {
      jobs.forEach((j) => row(j.name));
    },
    async claim(job, runner, now, opts = {}): Promise<TClaim> {
      const r = row(job.name);
      const interval = intervalStartOf(now, job.everyMs).getTime();
      if (r.runningBy !== null && r.leaseUntil !== null && r.leaseUntil > now.getTime()) return { claimed: false, reason: 'running' };
      if (!opts.force && r.intervalStart !== null && r.intervalStart >= interval) return { claimed: false, reason: 'done' };
      Object.assign(r, { intervalStart: interval, runningBy: runner, leaseUntil: now.getTime() + leaseMsOf(job) });
      return { claimed: true, intervalStart: new Date(interval) };
    },
    async finish(job, runner, result) {
      const r = row(job.name);
      if (r.runningBy === runner) Object.assign(r, { runningBy: null, leaseUntil: null });
      r.runs.push(result);
    },
  };
  return { store, rows, row };
}

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const db = {} as Db; // the jobs below never touch it

function countingJob(name: string, everyMs: number, body?: (ctx: TJobContext) => Promise<void>) {
  const runs: TJobContext[] = [];
  const job: TJob = {
    name,
    everyMs,
    async run(ctx) {
      runs.push(ctx);
      await body?.(ctx);
    },
  };
  return { job, runs };
}

/** Lets the runner's promise chains (claim, run, finish, next timer) settle between fake-clock steps. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('job runner scheduling', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 + 400 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aligns intervals to multiples of everyMs and counts to the next one', () => {
    expect(intervalStartOf(new Date(T0 + 2500), 1000).getTime()).toBe(T0 + 2000);
    expect(msToNextInterval(new Date(T0 + 2500), 1000)).toBe(500);
    expect(msToNextInterval(new Date(T0 + 2000), 1000)).toBe(1000);
    expect(leaseMsOf({ everyMs: 2000 })).toBe(600_000);
    expect(leaseMsOf({ everyMs: 3_600_000 })).toBe(3_600_000);
    expect(leaseMsOf({ everyMs: 2000, leaseMs: 5000 })).toBe(5000);
  });

  it('runs each job at start, then once at the start of every interval', async () => {
    const fast = countingJob('fast', 1000);
    const slow = countingJob('slow', 5000);
    const runner = createJobRunner({ jobs: [fast.job, slow.job], db, store: memoryStore().store, log: () => {} });
    runner.start();
    await settle();
    expect(fast.runs.map((r) => r.now.getTime())).toEqual([T0 + 400]);
    await vi.advanceTimersByTimeAsync(599); // T0 + 999: still the first interval
    expect(fast.runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // T0 + 1000
    expect(fast.runs.map((r) => r.intervalStart.getTime())).toEqual([T0, T0 + 1000]);
    await vi.advanceTimersByTimeAsync(9000); // T0 + 10000
    expect(fast.runs.map((r) => r.intervalStart.getTime() - T0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => k * 1000));
    expect(slow.runs.map((r) => r.intervalStart.getTime() - T0)).toEqual([0, 5000, 10000]);
    await runner.stop();
  });

  it('never overlaps a run with itself: a run longer than its interval skips the intervals it overran', async () => {
    const job = countingJob('long', 1000, () => new Promise((resolve) => setTimeout(resolve, 2500)));
    const outcomes: TTickOutcome[] = [];
    const runner = createJobRunner({ jobs: [job.job], db, store: memoryStore().store, log: () => {}, onOutcome: (o) => outcomes.push(o) });
    runner.start(); // T0 + 400: runs until T0 + 2900
    await vi.advanceTimersByTimeAsync(1000);
    expect(await runner.tick()).toEqual([{ job: 'long', outcome: 'skipped', reason: 'in-flight' }]);
    await vi.advanceTimersByTimeAsync(1600); // T0 + 3000: the next interval after the run ended
    expect(job.runs.map((r) => r.intervalStart.getTime() - T0)).toEqual([0, 3000]);
    const ran = outcomes.filter((o) => o.outcome === 'ran');
    expect(ran[0]).toMatchObject({ job: 'long', outcome: 'ran', durationMs: 2500, error: null });
    await vi.advanceTimersByTimeAsync(2500); // T0 + 5500: the second run ended, its next interval is T0 + 6000
    expect(job.runs).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(500);
    expect(job.runs.map((r) => r.intervalStart.getTime() - T0)).toEqual([0, 3000, 6000]);
    const stopping = runner.stop(); // awaits the third run, which ends 2.5 s on
    await vi.advanceTimersByTimeAsync(2500);
    await stopping;
    expect(outcomes.filter((o) => o.outcome === 'ran')).toHaveLength(3);
  });

  it('records a failing run with its error and goes on with the next interval and the other jobs', async () => {
    const { store, row } = memoryStore();
    let calls = 0;
    const failing: TJob = {
      name: 'failing',
      everyMs: 1000,
      async run() {
        calls++;
        if (calls <= 2) throw new Error(`broken run ${calls}`);
        return 'recovered';
      },
    };
    const healthy = countingJob('healthy', 1000);
    const lines: string[] = [];
    const errors: string[] = [];
    const runner = createJobRunner({ jobs: [failing, healthy.job], db, store, log: (l) => lines.push(l), logError: (job) => errors.push(job) });
    runner.start();
    await vi.advanceTimersByTimeAsync(2600); // ticks at T0+400, T0+1000, T0+2000, T0+3000
    expect(row('failing').runs.map((r) => r.error)).toEqual(['Error: broken run 1', 'Error: broken run 2', null, null]);
    expect(healthy.runs).toHaveLength(4);
    expect(lines).toContain('[jobs] failing: run failed: Error: broken run 1');
    expect(lines).toContain('[jobs] failing: recovered');
    expect(errors).toEqual(['failing', 'failing']);
    await runner.stop();
  });

  it('goes on when the store is away: a failed claim runs nothing, the next interval claims again', async () => {
    const { store } = memoryStore();
    const job = countingJob('j', 1000);
    let down = true;
    const flaky: TJobStore = { ...store, claim: (...args) => (down ? Promise.reject(new Error('connection refused')) : store.claim(...args)) };
    const outcomes: TTickOutcome[] = [];
    const runner = createJobRunner({ jobs: [job.job], db, store: flaky, log: () => {}, onOutcome: (o) => outcomes.push(o) });
    runner.start();
    await settle();
    expect(outcomes).toEqual([{ job: 'j', outcome: 'claim-failed', error: 'Error: connection refused' }]);
    down = false;
    await vi.advanceTimersByTimeAsync(600);
    expect(job.runs.map((r) => r.intervalStart.getTime())).toEqual([T0 + 1000]);
    await runner.stop();
  });

  it('runs each interval once between two runners on one store; the other skips', async () => {
    const { store } = memoryStore();
    const a = countingJob('shared', 1000);
    const b = countingJob('shared', 1000);
    const skipped: TTickOutcome[] = [];
    const onOutcome = (o: TTickOutcome) => o.outcome === 'skipped' && skipped.push(o);
    const ra = createJobRunner({ id: 'a', jobs: [a.job], db, store, log: () => {}, onOutcome });
    const rb = createJobRunner({ id: 'b', jobs: [b.job], db, store, log: () => {}, onOutcome });
    ra.start();
    rb.start();
    await vi.advanceTimersByTimeAsync(4600); // intervals T0 .. T0 + 5000
    const starts = [...a.runs, ...b.runs].map((r) => r.intervalStart.getTime() - T0).sort((x, y) => x - y);
    expect(starts).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(skipped).toHaveLength(6);
    expect(skipped.every((o) => o.outcome === 'skipped' && o.reason === 'done')).toBe(true);
    await Promise.all([ra.stop(), rb.stop()]);
  });

  it('stop awaits the run in flight, clears every timer and starts nothing afterwards', async () => {
    let release!: () => void;
    let signal: AbortSignal | undefined;
    const { store, row } = memoryStore();
    const slow: TJob = {
      name: 'slow',
      everyMs: 1000,
      run: (ctx) => {
        signal = ctx.signal;
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const other = countingJob('other', 1000);
    const runner = createJobRunner({ jobs: [slow, other.job], db, store, log: () => {} });
    runner.start();
    await settle();
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await settle();
    expect(signal?.aborted).toBe(true);
    expect(stopped).toBe(false); // the slow run is still in flight
    expect(vi.getTimerCount()).toBe(0);
    release();
    await stopping;
    expect(row('slow').runs).toHaveLength(1); // recorded before stop resolved
    expect(row('slow').runningBy).toBeNull();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(other.runs).toHaveLength(1);
    expect(await runner.tick()).toEqual([
      { job: 'slow', outcome: 'skipped', reason: 'stopped' },
      { job: 'other', outcome: 'skipped', reason: 'stopped' },
    ]);
  });

  it('force runs an interval again, a run in flight elsewhere still wins; unknown names and bad definitions are refused', async () => {
    const { store, row } = memoryStore();
    const job = countingJob('j', 60_000);
    const runner = createJobRunner({ jobs: [job.job], db, store, log: () => {} });
    expect(await runner.tick()).toMatchObject([{ outcome: 'ran' }]);
    expect(await runner.tick()).toEqual([{ job: 'j', outcome: 'skipped', reason: 'done' }]);
    expect(await runner.tick(['j'], { force: true })).toMatchObject([{ outcome: 'ran' }]);
    Object.assign(row('j'), { runningBy: 'elsewhere', leaseUntil: Date.now() + 1000 });
    expect(await runner.tick(['j'], { force: true })).toEqual([{ job: 'j', outcome: 'skipped', reason: 'running' }]);
    vi.setSystemTime(Date.now() + 1000); // the lease expired: its runner died
    expect(await runner.tick(['j'], { force: true })).toMatchObject([{ outcome: 'ran' }]);
    expect(job.runs).toHaveLength(3);
    await expect(runner.tick(['nope'])).rejects.toThrow('no job named nope (jobs: j)');
    expect(() => createJobRunner({ jobs: [job.job, job.job], db, store })).toThrow('two jobs are named j');
    expect(() => createJobRunner({ jobs: [{ ...job.job, everyMs: 0.5 }], db, store })).toThrow('everyMs must be a whole number');
  });
});
