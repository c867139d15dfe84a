import type { TJobRunView } from '../contracts/jobs';
import type { DbOrTx } from '../db/client';

/** Every background job with its last run, as the runners (server/jobs) recorded them. */
export async function listJobRuns(db: DbOrTx, now: Date = new Date()): Promise<TJobRunView[]> {
  const rows = await db.jobRun.findMany({ orderBy: { name: 'asc' } });
  return rows.map((r) => ({
    name: r.name,
    everyMs: r.everyMs,
    running: r.runningBy !== null && r.leaseUntil !== null && r.leaseUntil > now,
    runningBy: r.runningBy,
    intervalStart: r.intervalStart,
    lastRunner: r.lastRunner,
    lastStartedAt: r.lastStartedAt,
    lastFinishedAt: r.lastFinishedAt,
    lastDurationMs: r.lastDurationMs,
    lastError: r.lastError,
    lastSuccessAt: r.lastSuccessAt,
    runs: r.runs,
    failures: r.failures,
  }));
}
