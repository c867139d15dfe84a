import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/client';
import { isDomainError } from '../domain/errors';
import { msToNextInterval, type TJob } from './job';
import { pgJobStore, type TClaim, type TJobStore } from './job-claims';

/*
 * The one job runner. Each job gets its own timer, set for the start of its next interval
 * (intervals are aligned across replicas: see intervalStartOf); on each tick the runner claims the
 * interval (job-claims.ts), runs the job when the claim is won, records duration and error, and
 * sets the next timer from the time the run ended, so a run longer than its interval skips the
 * intervals it overran instead of piling up. The first tick of every job is at start, so a job
 * whose current interval has not run yet (an hourly archival after a restart) runs at once.
 * stop() clears the timers, aborts the runs' signal and awaits the runs in flight.
 */

export type TTickOutcome =
  | { job: string; outcome: 'ran'; intervalStart: Date; durationMs: number; error: string | null; summary: string | null }
  | { job: string; outcome: 'skipped'; reason: Extract<TClaim, { claimed: false }>['reason'] | 'in-flight' | 'stopped' }
  | { job: string; outcome: 'claim-failed'; error: string };

export interface TJobRunnerOptions {
  jobs: readonly TJob[];
  db: Db;
  /** Default: job_runs in `db`. */
  store?: TJobStore;
  /** Names this runner in job_runs (default host:pid:random). */
  id?: string;
  now?: () => Date;
  log?: (line: string) => void;
  /** A run's unexpected error with its stack (default console.error; refusals are logged as lines only). */
  logError?: (job: string, err: unknown) => void;
  /** Every tick's outcome, for tests and diagnostics. */
  onOutcome?: (outcome: TTickOutcome) => void;
}

export interface TJobRunner {
  readonly id: string;
  /** Starts the timers (the first tick of every job now). */
  start(): void;
  /** One tick of every job (or of the named ones) now, without timers: for tests and `npm run jobs:run` (force: although the interval ran already). */
  tick(names?: readonly string[], opts?: { force?: boolean }): Promise<TTickOutcome[]>;
  /** Clears the timers and resolves once every run in flight has ended and been recorded. */
  stop(): Promise<void>;
}

const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

export function createJobRunner(opts: TJobRunnerOptions): TJobRunner {
  const names = new Set<string>();
  for (const job of opts.jobs) {
    if (names.has(job.name)) throw new Error(`two jobs are named ${job.name}`);
    if (!(Number.isInteger(job.everyMs) && job.everyMs >= 1)) throw new Error(`job ${job.name}: everyMs must be a whole number of milliseconds, at least 1`);
    names.add(job.name);
  }
  const id = opts.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const store = opts.store ?? pgJobStore(opts.db);
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? ((line: string) => console.log(line));
  const logError = opts.logError ?? ((job: string, err: unknown) => console.error(`[jobs] ${job}`, err));
  const abort = new AbortController();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const inFlight = new Map<string, Promise<TTickOutcome>>();
  let registered: Promise<void> | null = null;
  let started = false;
  let stopped = false;

  const report = (outcome: TTickOutcome) => {
    opts.onOutcome?.(outcome);
    return outcome;
  };

  async function runClaimed(job: TJob, force: boolean): Promise<TTickOutcome> {
    const tickAt = now();
    let claim: TClaim;
    try {
      claim = await store.claim(job, id, tickAt, { force });
    } catch (err) {
      // The database is away: nothing ran, nothing to record; the next tick tries again.
      log(`[jobs] ${job.name}: could not claim its interval: ${errorText(err)}`);
      return { job: job.name, outcome: 'claim-failed', error: errorText(err) };
    }
    if (!claim.claimed) return { job: job.name, outcome: 'skipped', reason: claim.reason };
    let error: string | null = null;
    let summary: string | null = null;
    try {
      summary = (await job.run({ db: opts.db, now: tickAt, intervalStart: claim.intervalStart, signal: abort.signal, log })) ?? null;
      if (summary) log(`[jobs] ${job.name}: ${summary}`);
    } catch (err) {
      error = errorText(err);
      log(`[jobs] ${job.name}: run failed: ${error}`);
      // A refusal explains itself; anything else gets its stack in the server log.
      if (!isDomainError(err)) logError(job.name, err);
    }
    const finishedAt = now();
    try {
      await store.finish(job, id, { startedAt: tickAt, finishedAt, error });
    } catch (err) {
      // The lease expires by itself; the run happened either way.
      log(`[jobs] ${job.name}: could not record its run: ${errorText(err)}`);
    }
    return { job: job.name, outcome: 'ran', intervalStart: claim.intervalStart, durationMs: finishedAt.getTime() - tickAt.getTime(), error, summary };
  }

  function tickJob(job: TJob, force = false): Promise<TTickOutcome> {
    if (stopped) return Promise.resolve(report({ job: job.name, outcome: 'skipped', reason: 'stopped' }));
    // This process is still running the job's previous tick (a tick() beside the timers).
    if (inFlight.has(job.name)) return Promise.resolve(report({ job: job.name, outcome: 'skipped', reason: 'in-flight' }));
    const run = (async () => {
      registered ??= store.register(opts.jobs).catch((err: unknown) => {
        registered = null;
        log(`[jobs] could not register the jobs: ${errorText(err)}`);
      });
      await registered;
      return report(await runClaimed(job, force));
    })().finally(() => inFlight.delete(job.name));
    inFlight.set(job.name, run);
    return run;
  }

  function schedule(job: TJob, delayMs: number) {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(job.name);
      void tickJob(job).finally(() => schedule(job, msToNextInterval(now(), job.everyMs)));
    }, delayMs);
    timer.unref?.();
    timers.set(job.name, timer);
  }

  return {
    id,
    start() {
      if (started || stopped) return;
      started = true;
      for (const job of opts.jobs) schedule(job, 0);
    },
    async tick(only, tickOpts = {}) {
      const unknown = only?.filter((n) => !names.has(n)) ?? [];
      if (unknown.length) throw new Error(`no job named ${unknown.join(', ')} (jobs: ${[...names].join(', ')})`);
      return Promise.all(opts.jobs.filter((j) => !only || only.includes(j.name)).map((j) => tickJob(j, tickOpts.force)));
    },
    async stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      abort.abort();
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}
