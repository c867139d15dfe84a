import type { Db } from '../db/client';

/** What a job's run receives: the database, the tick's time and the interval it runs for. */
export interface TJobContext {
  db: Db;
  /** When the runner's tick claimed this run (the run's "now"; a fake clock in tests). */
  now: Date;
  /** The interval this run covers: [intervalStart, intervalStart + everyMs). */
  intervalStart: Date;
  /** Aborted when the runner stops; a long run may stop early at a safe point. */
  signal: AbortSignal;
  log(line: string): void;
}

/**
 * A background job: run once per `everyMs` interval by one control-plane replica. `run` may
 * answer a one-line summary (logged, and printed by `npm run jobs:run`); a throw is recorded as the
 * run's error. `leaseMs` bounds how long another replica waits for a run that never reports back
 * (its process died): default the longer of the interval and 10 minutes.
 */
export interface TJob {
  name: string;
  everyMs: number;
  leaseMs?: number;
  run(ctx: TJobContext): Promise<string | null | void>;
}

const MIN_LEASE_MS = 10 * 60_000;

export function leaseMsOf(job: Pick<TJob, 'everyMs' | 'leaseMs'>): number {
  return job.leaseMs ?? Math.max(job.everyMs, MIN_LEASE_MS);
}

/**
 * The interval `now` falls in. Intervals are aligned to multiples of everyMs since the epoch, so
 * every replica agrees on them without talking to each other (a clock skew of s between two
 * replicas only decides which of them wins a boundary, never lets both run one interval).
 */
export function intervalStartOf(now: Date, everyMs: number): Date {
  return new Date(Math.floor(now.getTime() / everyMs) * everyMs);
}

/** Milliseconds from `now` to the start of the next interval (always > 0). */
export function msToNextInterval(now: Date, everyMs: number): number {
  return intervalStartOf(now, everyMs).getTime() + everyMs - now.getTime();
}
