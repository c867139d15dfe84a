import type { Db } from '../db/client';
import { intervalStartOf, leaseMsOf, type TJob } from './job';

/*
 * Claiming a job's interval, so that replicas sharing the database run each job once per
 * interval. Design (why not a session-level pg_try_advisory_lock held for the whole run):
 * a session lock must be released on the connection that took it, and held for the run's whole
 * length. Through Prisma's adapter-pg pool no connection is pinned outside a transaction, so it
 * would need a dedicated pg connection per job beside the pool; on embedded PGlite that is
 * impossible (one connection per process, EMBEDDED_POOL_MAX: a second connection corrupts
 * queries, and PGlite is one backend, so every "session" shares the same locks anyway), and
 * holding the only connection for a run would starve the run itself. So the advisory lock is
 * transaction-level (pg_try_advisory_xact_lock) around a short claim step in one transaction,
 * and what outlives that transaction is a lease row in job_runs:
 *   1. try the job's advisory lock; busy means another replica is claiming it right now: skip;
 *   2. read (or create) the job's row: a live lease of another runner means a run is in flight:
 *      skip; interval_start at or after this tick's interval means it ran already (also when
 *      the other replica finished a moment ago): skip;
 *   3. record this interval, the lease and the start, and commit (which releases the lock).
 * The run happens outside any transaction, on the ordinary pool; its end records duration and
 * error and clears the lease. A runner that dies mid-run leaves a lease that expires after
 * leaseMs. (The upsert's row lock alone would serialize two claims too; the advisory lock makes
 * the loser skip at once instead of queueing behind the winner's transaction.) Two job names with the same hashtext only make their claims contend for one lock
 * (a busy lock skips one tick of one of them), never run a job twice.
 */

export type TClaim = { claimed: true; intervalStart: Date } | { claimed: false; reason: 'locked' | 'running' | 'done' };

export interface TRunResult {
  startedAt: Date;
  finishedAt: Date;
  error: string | null;
}

/** Where claims and results are kept: PostgreSQL in the control plane (pgJobStore), memory in unit tests. */
export interface TJobStore {
  register(jobs: readonly TJob[]): Promise<void>;
  /** `force`: run although this interval ran already (an operator's `npm run jobs:run`); a run in flight still wins. */
  claim(job: TJob, runner: string, now: Date, opts?: { force?: boolean }): Promise<TClaim>;
  finish(job: TJob, runner: string, result: TRunResult): Promise<void>;
}

export const MAX_ERROR_CHARS = 2000;

export function pgJobStore(db: Db): TJobStore {
  return {
    async register(jobs) {
      for (const job of jobs) {
        await db.$executeRaw`INSERT INTO job_runs (name, every_ms) VALUES (${job.name}, ${job.everyMs}) ON CONFLICT (name) DO UPDATE SET every_ms = EXCLUDED.every_ms`;
      }
    },

    claim(job, runner, now, opts = {}) {
      const intervalStart = intervalStartOf(now, job.everyMs);
      return db.$transaction(async (tx): Promise<TClaim> => {
        const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext('ballast.jobs'), hashtext(${job.name})) AS locked`;
        if (!lock?.locked) return { claimed: false, reason: 'locked' };
        const [row] = await tx.$queryRaw<{ intervalStart: Date | null; runningBy: string | null; leaseUntil: Date | null }[]>`
          INSERT INTO job_runs (name, every_ms) VALUES (${job.name}, ${job.everyMs})
          ON CONFLICT (name) DO UPDATE SET every_ms = EXCLUDED.every_ms
          RETURNING interval_start AS "intervalStart", running_by AS "runningBy", lease_until AS "leaseUntil"`;
        if (row!.runningBy !== null && row!.leaseUntil !== null && row!.leaseUntil > now) return { claimed: false, reason: 'running' };
        if (!opts.force && row!.intervalStart !== null && row!.intervalStart >= intervalStart) return { claimed: false, reason: 'done' };
        await tx.$executeRaw`
          UPDATE job_runs SET interval_start = ${intervalStart}, running_by = ${runner}, lease_until = ${new Date(now.getTime() + leaseMsOf(job))},
            last_runner = ${runner}, last_started_at = ${now}
          WHERE name = ${job.name}`;
        return { claimed: true, intervalStart };
        // maxWait: on embedded PostgreSQL the one connection may be busy with a job's own
        // transaction for a while; the claim waits for it rather than failing the tick.
      }, { maxWait: 30_000, timeout: 10_000 });
    },

    async finish(job, runner, result) {
      const durationMs = Math.max(0, Math.round(result.finishedAt.getTime() - result.startedAt.getTime()));
      const error = result.error === null ? null : result.error.slice(0, MAX_ERROR_CHARS);
      const failed = error === null ? 0 : 1;
      // The lease is cleared only while it is still this runner's: one that expired and was
      // claimed by another replica belongs to that replica's run now.
      await db.$executeRaw`
        UPDATE job_runs SET
          running_by = CASE WHEN running_by = ${runner} THEN NULL ELSE running_by END,
          lease_until = CASE WHEN running_by = ${runner} THEN NULL ELSE lease_until END,
          last_finished_at = ${result.finishedAt}, last_duration_ms = ${durationMs}, last_error = ${error},
          last_success_at = CASE WHEN ${failed}::int = 0 THEN ${result.finishedAt} ELSE last_success_at END,
          runs = runs + 1, failures = failures + ${failed}::int
        WHERE name = ${job.name}`;
    },
  };
}
