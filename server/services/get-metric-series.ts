import { type z } from 'zod';
import { ZMetricSeriesInput } from '../contracts/tracking';
import type { DbOrTx } from '../db/client';
import { Prisma } from '../db/generated/client';
import { parseInput } from '../domain/errors';
import { downsampleMetricSeries, type TMetricPoint } from '../domain/metric-downsample';
import { loadRun } from './load-tracking-entity';
import { ROLLUP_SHIFTS } from '../domain/metric-downsample';

/** Most rows one chart request reads; below it the raw points are read, above it the rollups. */
const READ_BUDGET = 16_000;

type TSeriesRow = { step: bigint; value: string };
const toPoints = (rows: TSeriesRow[]): TMetricPoint[] => rows.map((r) => ({ step: Number(r.step), value: Number(r.value) }));

/**
 * A metric curve for a chart, at most maxPoints points, keeping the min/max envelope
 * (server/domain/metric-downsample). Short series are downsampled from their raw points. Long ones
 * from the ingest-time rollups: the finest step width whose buckets fit the read budget gives each
 * bucket's lowest, highest and non-finite point, and the same downsampler picks from those
 * candidates, so the global extremes and the first and last points always survive.
 */
export async function getMetricSeries(db: DbOrTx, raw: z.input<typeof ZMetricSeriesInput>) {
  const input = parseInput(ZMetricSeriesInput, raw, 'series query');
  const run = await loadRun(db, input.runId);
  const ends = await db.$queryRaw<TSeriesRow[]>(Prisma.sql`
    (SELECT step, value::text AS value FROM metrics WHERE run_id = ${run.id}::uuid AND key = ${input.key} ORDER BY step, timestamp, value LIMIT 1)
    UNION ALL
    (SELECT step, value::text AS value FROM metrics WHERE run_id = ${run.id}::uuid AND key = ${input.key} ORDER BY step DESC, timestamp DESC, value DESC LIMIT 1)`);
  if (ends.length === 0) return { key: input.key, points: [] as TMetricPoint[], source: 'raw' as const, totalSpan: 0 };
  const [first, last] = toPoints(ends) as [TMetricPoint, TMetricPoint];
  const span = last.step - first.step;
  const shift = ROLLUP_SHIFTS.find((s) => span / 2 ** s <= READ_BUDGET);
  if (span <= READ_BUDGET || shift === undefined) {
    const rows = await db.$queryRaw<TSeriesRow[]>(Prisma.sql`
      SELECT step, value::text AS value FROM metrics WHERE run_id = ${run.id}::uuid AND key = ${input.key} ORDER BY step, timestamp, value`);
    return { key: input.key, points: downsampleMetricSeries(toPoints(rows), input.maxPoints), source: 'raw' as const, totalSpan: span };
  }
  const buckets = await db.$queryRaw<{ min_step: bigint | null; min_value: string | null; max_step: bigint | null; max_value: string | null; odd_step: bigint | null; odd_value: string | null }[]>(Prisma.sql`
    SELECT min_step, min_value::text AS min_value, max_step, max_value::text AS max_value, odd_step, odd_value::text AS odd_value
    FROM metric_rollups WHERE run_id = ${run.id}::uuid AND key = ${input.key} AND shift = ${shift} ORDER BY bucket`);
  const candidates: TMetricPoint[] = [first];
  for (const b of buckets) {
    const inBucket: TMetricPoint[] = [];
    if (b.min_step !== null) inBucket.push({ step: Number(b.min_step), value: Number(b.min_value) });
    if (b.max_step !== null && b.max_step !== b.min_step) inBucket.push({ step: Number(b.max_step), value: Number(b.max_value) });
    if (b.odd_step !== null) inBucket.push({ step: Number(b.odd_step), value: Number(b.odd_value) });
    inBucket.sort((a, c) => a.step - c.step);
    for (const p of inBucket) if (p.step > first.step && p.step < last.step) candidates.push(p);
  }
  candidates.push(last);
  return { key: input.key, points: downsampleMetricSeries(candidates, input.maxPoints), source: 'rollup' as const, totalSpan: span };
}
