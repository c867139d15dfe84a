import { ZReferenceStats, type TDistributionStats, type TReferenceStats } from '../contracts/model-registry';
import { db as defaultDb, type Db, type DbOrTx } from '../db/client';
import { Prisma } from '../db/generated/client';
import { driftFigures, MEAN_SHIFT_ALERT, PSI_WARN } from '../domain/drift-statistics';
import {
  DRIFT_WINDOWS_S,
  dueWindowStarts,
  featureColumns,
  interiorEdges,
  KS_SAMPLE_SIZE,
  mergeWindowAggregates,
  MIN_DRIFT_ALERT_COUNT,
  PREDICTION_FEATURE,
  referenceSample,
} from '../domain/drift-window';
import { raiseAlert } from './raise-alert';

/*
 * Drift per window, incrementally: every minute, each version with training reference statistics
 * gets its complete 5-minute windows that are not in drift_windows yet, each from ONE aggregate
 * query over prediction_logs (the prediction and every input column unnested WITH ORDINALITY,
 * binned with width_bucket against the reference edges: counts and sums per feature and bin) plus
 * a small systematic sample for Kolmogorov–Smirnov. Hour windows merge their twelve stored
 * 5-minute windows (counts add exactly) and draw their own KS sample. A mean shift above 2
 * training SDs raises a drift alert (deduplicated per version and feature), whose drift.detected
 * webhook is what a retraining pipeline subscribes to.
 */

const FIVE_MINUTES_S = DRIFT_WINDOWS_S[0];
const HOUR_S = DRIFT_WINDOWS_S[1];

export interface TComputeDriftOptions {
  db?: Db;
  now?: Date;
  /** How far back missing windows are computed (default 2 h). */
  lookbackS?: number;
  /** How long after a window ends it is computed, so late log batches land first (default 60 s). */
  graceS?: number;
  /** Only these versions (default: every non-archived version with reference statistics). */
  versionIds?: string[];
}

export interface TComputeDriftResult {
  windows: number;
  alerts: number;
}

interface TVersionRef {
  id: string;
  version: number;
  model: { id: string; name: string };
  reference: TReferenceStats;
  /** Column order of prediction_logs.inputs. */
  features: string[];
}

interface TFeatureWindow {
  feature: string;
  count: number;
  mean: number;
  liveCounts: number[];
  sample: number[];
}

export async function computeDrift(opts: TComputeDriftOptions = {}): Promise<TComputeDriftResult> {
  const db = opts.db ?? defaultDb();
  const now = opts.now ?? new Date();
  const lookbackS = opts.lookbackS ?? 2 * HOUR_S;
  const graceS = opts.graceS ?? 60;
  const result: TComputeDriftResult = { windows: 0, alerts: 0 };
  for (const version of await versionsWithReference(db, opts.versionIds)) {
    for (const windowS of [FIVE_MINUTES_S, HOUR_S]) {
      const due = dueWindowStarts(now, windowS, lookbackS, graceS);
      if (!due.length) continue;
      const done = await computedStarts(db, version.id, windowS, due[0]!, due[due.length - 1]!);
      for (const start of due) {
        if (done.has(start.getTime())) continue;
        const features = windowS === FIVE_MINUTES_S ? await aggregateWindow(db, version, start, windowS) : await mergeHour(db, version, start);
        if (!features.length) continue;
        result.alerts += await storeWindow(db, version, start, windowS, features, now);
        result.windows++;
      }
    }
  }
  return result;
}

async function versionsWithReference(db: Db, ids?: string[]): Promise<TVersionRef[]> {
  const rows = await db.modelVersion.findMany({
    where: { referenceStats: { not: Prisma.AnyNull }, stage: { not: 'archived' }, ...(ids ? { id: { in: ids } } : {}) },
    select: { id: true, version: true, referenceStats: true, signature: true, model: { select: { id: true, name: true } } },
  });
  return rows.flatMap((r) => {
    const parsed = ZReferenceStats.safeParse(r.referenceStats);
    if (!parsed.success) return [];
    const sigFeatures = (r.signature as { features?: unknown } | null)?.features;
    const features = featureColumns(Object.keys(parsed.data.features), Array.isArray(sigFeatures) ? sigFeatures.filter((f): f is string => typeof f === 'string') : null);
    return [{ id: r.id, version: r.version, model: r.model, reference: parsed.data, features }];
  });
}

async function computedStarts(db: DbOrTx, versionId: string, windowS: number, first: Date, last: Date): Promise<Set<number>> {
  const rows = await db.$queryRaw<{ start: Date }[]>`
    SELECT DISTINCT window_start AS start FROM drift_windows
    WHERE model_version_id = ${versionId}::uuid AND window_s = ${windowS} AND window_start >= ${first} AND window_start <= ${last}`;
  return new Set(rows.map((r) => r.start.getTime()));
}

/** Reference stats by column position: 0 is the prediction, k is input feature k - 1 (SQL ordinality - 1). */
function columns(version: TVersionRef): { feature: string; stats: TDistributionStats }[] {
  return [{ feature: PREDICTION_FEATURE, stats: version.reference.prediction }, ...version.features.map((f) => ({ feature: f, stats: version.reference.features[f]! }))];
}

/**
 * One pass over the window: every (column, bin) with its count and sum. Column 1 (ordinality) is
 * the prediction, prepended to the input row; the CASE picks each column's own interior edges.
 */
export async function aggregateWindow(db: DbOrTx, version: TVersionRef, start: Date, windowS: number): Promise<TFeatureWindow[]> {
  const cols = columns(version);
  const end = new Date(start.getTime() + windowS * 1000);
  const branches = cols.map((c, i) => {
    const interior = interiorEdges(c.stats.histogram.binEdges);
    return interior.length ? Prisma.sql`WHEN ${i + 1} THEN width_bucket(c.v, ${interior}::float8[])` : Prisma.sql`WHEN ${i + 1} THEN 0`;
  });
  const bins = await db.$queryRaw<{ ord: number; bin: number; n: bigint; s: number }[]>(Prisma.sql`
    SELECT c.ord::int AS ord, (CASE c.ord ${Prisma.join(branches, ' ')} ELSE 0 END)::int AS bin, count(*)::bigint AS n, sum(c.v)::float8 AS s
    FROM prediction_logs p, unnest(array_prepend(p.prediction, p.inputs)) WITH ORDINALITY AS c(v, ord)
    WHERE p.model_version_id = ${version.id}::uuid AND p.ts >= ${start} AND p.ts < ${end}
      AND c.ord <= ${cols.length} AND abs(c.v) < 'Infinity'::float8
    GROUP BY 1, 2`);
  if (!bins.length) return [];
  const out: TFeatureWindow[] = cols.map((c) => ({ feature: c.feature, count: 0, mean: 0, liveCounts: new Array<number>(c.stats.histogram.counts.length).fill(0), sample: [] }));
  const sums = new Array<number>(cols.length).fill(0);
  for (const b of bins) {
    const f = out[b.ord - 1]!;
    const n = Number(b.n);
    f.count += n;
    f.liveCounts[Math.min(Math.max(b.bin, 0), f.liveCounts.length - 1)]! += n;
    sums[b.ord - 1]! += b.s;
  }
  out.forEach((f, i) => (f.mean = f.count ? sums[i]! / f.count : 0));
  const rows = Math.max(...out.map((f) => f.count));
  await attachSample(db, version, start, end, rows, out);
  return out.filter((f) => f.count > 0);
}

/** A systematic sample (every k-th logged row by id) of about KS_SAMPLE_SIZE rows of the window. */
async function attachSample(db: DbOrTx, version: TVersionRef, start: Date, end: Date, rows: number, out: TFeatureWindow[]): Promise<void> {
  const stride = Math.max(1, Math.floor(rows / KS_SAMPLE_SIZE));
  const sample = await db.$queryRaw<{ r: (number | null)[] }[]>`
    SELECT array_prepend(p.prediction, p.inputs) AS r FROM prediction_logs p
    WHERE p.model_version_id = ${version.id}::uuid AND p.ts >= ${start} AND p.ts < ${end} AND p.id % ${stride} = 0
    LIMIT ${KS_SAMPLE_SIZE}`;
  for (const { r } of sample) {
    for (let i = 0; i < out.length && i < r.length; i++) {
      const v = r[i];
      if (typeof v === 'number' && Number.isFinite(v)) out[i]!.sample.push(v);
    }
  }
}

/** An hour from its stored 5-minute windows (exact for counts and means), with its own KS sample. */
async function mergeHour(db: DbOrTx, version: TVersionRef, start: Date): Promise<TFeatureWindow[]> {
  const end = new Date(start.getTime() + HOUR_S * 1000);
  const parts = await db.driftWindow.findMany({
    where: { modelVersionId: version.id, windowS: FIVE_MINUTES_S, windowStart: { gte: start, lt: end } },
    select: { feature: true, count: true, mean: true, liveCounts: true },
  });
  if (!parts.length) return [];
  const out: TFeatureWindow[] = columns(version).map((c) => ({ feature: c.feature, ...mergeWindowAggregates(parts.filter((p) => p.feature === c.feature)), sample: [] }));
  await attachSample(db, version, start, end, Math.max(...out.map((f) => f.count)), out);
  return out.filter((f) => f.count > 0);
}

// jsonb_to_recordset reads "Infinity" as a float8; JSON has no such number.
const jsonWithInfinity = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));

async function storeWindow(db: Db, version: TVersionRef, start: Date, windowS: number, features: TFeatureWindow[], now: Date): Promise<number> {
  const refs = new Map(columns(version).map((c) => [c.feature, c.stats]));
  const rows = features.map((f) => {
    const ref = refs.get(f.feature)!;
    const figures = driftFigures({
      live: { mean: f.mean, counts: f.liveCounts, sample: f.sample.length ? f.sample : undefined },
      reference: { mean: ref.mean, std: ref.std, counts: ref.histogram.counts, sample: referenceSample(ref) },
    });
    return { f, ref, figures, alert: figures.alert && f.count >= MIN_DRIFT_ALERT_COUNT };
  });
  const payload = rows.map(({ f, figures, alert }) => ({ feature: f.feature, count: f.count, mean: f.mean, mean_shift: figures.meanShift, psi: figures.psi, ks: figures.ks, live_counts: f.liveCounts, alert }));
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`
      INSERT INTO drift_windows (model_version_id, feature, window_s, window_start, count, mean, mean_shift, psi, ks, live_counts, alert, computed_at)
      SELECT ${version.id}::uuid, x.feature, ${windowS}, ${start}, x.count, x.mean, x.mean_shift, x.psi, x.ks, x.live_counts, x.alert, ${now}
      FROM jsonb_to_recordset(${jsonWithInfinity(payload)}::jsonb)
        AS x(feature text, count int, mean float8, mean_shift float8, psi float8, ks float8, live_counts int[], alert boolean)
      ON CONFLICT (model_version_id, feature, window_s, window_start) DO UPDATE SET
        count = EXCLUDED.count, mean = EXCLUDED.mean, mean_shift = EXCLUDED.mean_shift, psi = EXCLUDED.psi, ks = EXCLUDED.ks,
        live_counts = EXCLUDED.live_counts, alert = EXCLUDED.alert, computed_at = EXCLUDED.computed_at`;
    let raised = 0;
    for (const { f, ref, figures, alert } of rows) {
      if (!alert) continue;
      const label = f.feature === PREDICTION_FEATURE ? 'the prediction' : `feature ${f.feature}`;
      const window = windowS === HOUR_S ? '1-hour' : '5-minute';
      const id = await raiseAlert(tx, now, {
        kind: 'drift',
        severity: 'warning',
        model: version.model,
        modelVersionId: version.id,
        title: `Drift in ${label} of ${version.model.name} v${version.version}`,
        message:
          `Over the ${window} window from ${start.toISOString()} the mean of ${label} moved ${figures.meanShift.toFixed(2)} training standard deviations ` +
          `(alert above ${MEAN_SHIFT_ALERT}); PSI ${figures.psi.toFixed(3)} (warning above ${PSI_WARN})${figures.ks === null ? '' : `, KS ${figures.ks.toFixed(3)}`}, from ${f.count} values.`,
        figures: {
          model: version.model.name,
          version: version.version,
          versionId: version.id,
          feature: f.feature,
          windowS,
          windowStart: start.toISOString(),
          count: f.count,
          liveMean: f.mean,
          referenceMean: ref.mean,
          referenceStd: ref.std,
          meanShift: figures.meanShift,
          psi: figures.psi,
          ks: figures.ks,
          thresholds: { meanShift: MEAN_SHIFT_ALERT, psi: PSI_WARN },
        },
        dedupeKey: `drift:${version.id}:${f.feature}`,
      });
      if (id) raised++;
    }
    return raised;
  });
}

/** Every minute in-process (BALLAST_JOBS=on); overlapping runs are skipped. */
export function startDriftSchedule(opts: { intervalMs?: number; db?: Db; log?: (line: string) => void } = {}): () => void {
  const log = opts.log ?? ((line: string) => console.log(line));
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const r = await computeDrift({ db: opts.db });
      if (r.alerts) log(`[drift] ${r.windows} windows computed, ${r.alerts} drift alerts raised`);
    } catch (err) {
      console.error('[drift] run failed', err);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
