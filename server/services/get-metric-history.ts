import type { TMetricPointView } from '../contracts/tracking';
import type { DbOrTx } from '../db/client';
import { Prisma } from '../db/generated/client';
import { decodePageToken, encodePageToken } from '../domain/run-search';
import { loadRun } from './load-tracking-entity';

const DEFAULT_PAGE = 25_000;

/** MLflow's metrics/get-history: every point of one key, ordered by step then timestamp, paged. */
export async function getMetricHistory(
  db: DbOrTx,
  input: { runId?: string; key: string; maxResults?: number; pageToken?: string },
): Promise<{ metrics: TMetricPointView[]; nextPageToken?: string }> {
  const run = await loadRun(db, input.runId);
  const limit = input.maxResults ?? DEFAULT_PAGE;
  const offset = decodePageToken(input.pageToken);
  const rows = await db.$queryRaw<{ step: bigint; timestamp: bigint; value: string }[]>(Prisma.sql`
    SELECT step, timestamp, value::text AS value FROM metrics
    WHERE run_id = ${run.id}::uuid AND key = ${input.key}
    ORDER BY step, timestamp, value LIMIT ${limit + 1} OFFSET ${offset}`);
  const metrics = rows.slice(0, limit).map((r) => ({ key: input.key, value: Number(r.value), timestamp: Number(r.timestamp), step: Number(r.step) }));
  return { metrics, ...(rows.length > limit ? { nextPageToken: encodePageToken(offset + limit) } : {}) };
}
