import { LATENCY_BUCKETS_MS } from '../contracts/worker-report';
import type { DbOrTx } from '../db/client';
import { histogramQuantile } from '../domain/latency-histogram';

/*
 * Reads over version_traffic (the per-minute deltas of worker reports): totals and a merged
 * latency histogram for one version over a window, summed across workers in SQL.
 */

export interface TTrafficWindow {
  requests: number;
  errors: number;
  errorRate: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** Traffic is stored per whole minute (version_traffic.minute). */
export const minuteOf = (d: Date) => new Date(Math.floor(d.getTime() / 60_000) * 60_000);

/** Totals since `since`, counting the whole minute it falls in (rows are per minute), up to `until`. */
export async function trafficWindow(db: DbOrTx, versionId: string, from: Date, until: Date): Promise<TTrafficWindow> {
  const since = minuteOf(from);
  const [totals, buckets] = await Promise.all([
    db.$queryRaw<{ requests: bigint; errors: bigint }[]>`
      SELECT coalesce(sum(requests), 0)::bigint AS requests, coalesce(sum(errors), 0)::bigint AS errors
      FROM version_traffic WHERE model_version_id = ${versionId}::uuid AND minute >= ${since} AND minute <= ${until}`,
    db.$queryRaw<{ i: number; c: bigint }[]>`
      SELECT u.i::int AS i, sum(u.c)::bigint AS c
      FROM version_traffic t, unnest(t.latency_counts) WITH ORDINALITY AS u(c, i)
      WHERE t.model_version_id = ${versionId}::uuid AND t.minute >= ${since} AND t.minute <= ${until}
      GROUP BY u.i ORDER BY u.i`,
  ]);
  const requests = Number(totals[0]?.requests ?? 0);
  const errors = Number(totals[0]?.errors ?? 0);
  const counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (const b of buckets) if (b.i >= 1 && b.i <= counts.length) counts[b.i - 1] = Number(b.c);
  return {
    requests,
    errors,
    errorRate: requests > 0 ? errors / requests : null,
    p50Ms: histogramQuantile(0.5, LATENCY_BUCKETS_MS, counts),
    p99Ms: histogramQuantile(0.99, LATENCY_BUCKETS_MS, counts),
  };
}

/** Per minute and version: requests and errors, for the deployment charts. */
export async function trafficSeries(db: DbOrTx, versionIds: string[], since: Date, until: Date) {
  if (!versionIds.length) return [];
  const rows = await db.$queryRaw<{ minute: Date; versionId: string; requests: bigint; errors: bigint }[]>`
    SELECT minute, model_version_id::text AS "versionId", sum(requests)::bigint AS requests, sum(errors)::bigint AS errors
    FROM version_traffic WHERE model_version_id = ANY(${versionIds}::uuid[]) AND minute >= ${since} AND minute <= ${until}
    GROUP BY minute, model_version_id ORDER BY minute`;
  return rows.map((r) => ({ minute: r.minute, versionId: r.versionId, requests: Number(r.requests), errors: Number(r.errors) }));
}
