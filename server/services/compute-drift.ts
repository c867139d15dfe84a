import { ZReferenceStats, type TDistributionStats, type TReferenceStats } from '../contracts/model-registry';
import { db as defaultDb, type Db, type DbOrTx } from '../db/client';
import { Prisma } from '../db/generated/client';
import { driftFigures, histogramCounts, MEAN_SHIFT_ALERT, PSI_WARN } from '../domain/drift-statistics';
import {
  DRIFT_WINDOWS_S,
  dueWindowStarts,
  EXACT_HISTOGRAM_MAX_ROWS,
  featureColumns,
  HISTOGRAM_SAMPLE_SIZE,
  interiorEdges,
  KS_SAMPLE_SIZE,
  mergeWindowAggregates,
  MIN_DRIFT_ALERT_COUNT,
  PREDICTION_FEATURE,
  referenceSample,
  scaleCounts,
} from '../domain/drift-window';
import { raiseAlert } from '../records/raise-alert';

/*
 * Drift per window, incrementally: every minute, each version with training reference statistics
 * gets its complete 5-minute windows that are not in drift_windows yet: exact counts and means
 * from one wide aggregate pass over prediction_logs, histograms binned against the reference
 * edges (every value for small windows, a bounded sample for large ones: see aggregateWindow),
 * and a small sample for Kolmogorov–Smirnov. Hour windows merge their twelve stored
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
 * A window's figures. Count and mean are exact, from one wide aggregate pass that reads each row
 * once and keeps one sum per column (no unnesting: 1M rows x 33 columns stay 1M rows, and the
 * plain sums parallelise). If a row holds some inputs but not all, a NULL input or a non-finite
 * value (a sum then comes back non-finite), a second pass recounts per column with the
 * finite-value filter, so the figures match the unnested definition exactly.
 *
 * Histograms (PSI): binning every value costs a per-(row, column) expression and measured 4-6 s
 * for 1M rows x 33 columns however it was written (FILTER counts, width_bucket with packed sums,
 * unnest), so windows over EXACT_HISTOGRAM_MAX_ROWS bin a sample of HISTOGRAM_SAMPLE_SIZE rows
 * instead, spread evenly over the window's time range through the (model_version_id, ts) index
 * (one index probe per sampled row, no scan), and scale the bin counts to the exact count. The
 * trade-off: PSI carries sampling noise of about (bins - 1) / 5000 (0.002 against the 0.2
 * warning), and the sample is spread by time, not by row, so bursts within a window weigh as much
 * as their time span. Smaller windows bin every value exactly, as before. KS uses the same sample.
 */
export async function aggregateWindow(db: DbOrTx, version: TVersionRef, start: Date, windowS: number): Promise<TFeatureWindow[]> {
  const cols = columns(version);
  const end = new Date(start.getTime() + windowS * 1000);
  const totals = await windowTotals(db, version, start, end, cols.length);
  if (!totals) return [];
  const out: TFeatureWindow[] = cols.map((c, i) => ({
    feature: c.feature,
    count: totals.counts[i]!,
    mean: totals.counts[i]! ? totals.sums[i]! / totals.counts[i]! : 0,
    liveCounts: new Array<number>(c.stats.histogram.counts.length).fill(0),
    sample: [],
  }));
  if (totals.rows <= EXACT_HISTOGRAM_MAX_ROWS) {
    await exactHistograms(db, version, start, end, out);
    await attachSample(db, version, start, end, totals.rows, out);
  } else {
    const rows = await spreadSample(db, version, start, end, HISTOGRAM_SAMPLE_SIZE);
    cols.forEach((c, i) => {
      const values = rows.map((r) => r[i]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      out[i]!.liveCounts = scaleCounts(histogramCounts(values, c.stats.histogram.binEdges), out[i]!.count);
    });
    attachRows(rows.filter((_, k) => k % Math.max(1, Math.floor(rows.length / KS_SAMPLE_SIZE)) === 0).slice(0, KS_SAMPLE_SIZE), out);
  }
  return out.filter((f) => f.count > 0);
}

/** Column expressions by position: 0 the prediction, k input k (1-based in SQL). Indices only, no input. */
const columnSql = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 'p.prediction' : `p.inputs[${i}]`));
const wideSql = new Map<string, Prisma.Sql>();

/** The wide pass's SELECT list, built once per column count. */
function widePassSelect(n: number, finiteOnly: boolean): Prisma.Sql {
  const key = `${n}:${finiteOnly}`;
  let sql = wideSql.get(key);
  if (!sql) {
    const cols = columnSql(n);
    const text = finiteOnly
      ? `ARRAY[${cols.map((c) => `count(${c}) FILTER (WHERE abs(${c}) < 'Infinity'::float8)`).join(', ')}]::bigint[] AS counts, ` +
        `ARRAY[${cols.map((c) => `coalesce(sum(${c}) FILTER (WHERE abs(${c}) < 'Infinity'::float8), 0)`).join(', ')}]::float8[] AS sums`
      : `count(p.prediction)::bigint AS predictions, count(*) FILTER (WHERE cardinality(p.inputs) = 0)::bigint AS without_inputs, ` +
        `count(*) FILTER (WHERE cardinality(p.inputs) >= ${n - 1} AND array_position(p.inputs, NULL) IS NULL)::bigint AS full_inputs, ` +
        `ARRAY[${cols.map((c) => `sum(${c})`).join(', ')}]::float8[] AS sums`;
    sql = Prisma.raw(text);
    wideSql.set(key, sql);
  }
  return sql;
}

/**
 * Runs the wide pass with JIT off for its transaction. JIT starts above jit_above_cost (windows
 * of about 1M rows and up); forced on for the 1M-row window, compiling the 35 aggregates took
 * 1.9-2.1 s against 0.8-1.0 s without it. Inside a caller's transaction the setting holds to its end.
 */
async function withoutJit<T>(db: DbOrTx, query: (q: DbOrTx) => Prisma.PrismaPromise<T>): Promise<T> {
  const jitOff = (q: DbOrTx) => q.$queryRaw`SELECT set_config('jit', 'off', true)`;
  if ('$transaction' in db) return (await db.$transaction([jitOff(db), query(db)]))[1] as T;
  await jitOff(db);
  return query(db);
}

async function windowTotals(db: DbOrTx, version: TVersionRef, start: Date, end: Date, n: number): Promise<{ rows: number; counts: number[]; sums: number[] } | null> {
  const where = Prisma.sql`FROM prediction_logs p WHERE p.model_version_id = ${version.id}::uuid AND p.ts >= ${start} AND p.ts < ${end}`;
  type TFast = { rows: bigint; predictions: bigint; without_inputs: bigint; full_inputs: bigint; sums: (number | null)[] };
  const [fast] = await withoutJit(db, (q) => q.$queryRaw<TFast[]>`SELECT count(*)::bigint AS rows, ${widePassSelect(n, false)} ${where}`);
  const rows = Number(fast?.rows ?? 0);
  if (!fast || !rows) return null;
  // Every row has either no inputs (not sampled for input logging) or all of them, and no sum is
  // non-finite: then each input column counts the full rows, the prediction its non-NULL values.
  const predictions = Number(fast.predictions);
  const full = Number(fast.full_inputs);
  const sumsFinite = fast.sums.every((s, i) => (typeof s === 'number' && Number.isFinite(s)) || (s === null && (i === 0 ? predictions : full) === 0));
  if (full + Number(fast.without_inputs) === rows && sumsFinite) {
    return { rows, counts: [predictions, ...new Array<number>(n - 1).fill(full)], sums: fast.sums.map((s) => s ?? 0) };
  }
  const [exact] = await withoutJit(db, (q) => q.$queryRaw<{ counts: bigint[]; sums: number[] }[]>`SELECT ${widePassSelect(n, true)} ${where}`);
  return { rows, counts: exact!.counts.map(Number), sums: exact!.sums };
}

/** Every finite value binned in SQL, per (column, bin): for windows small enough to read whole. */
async function exactHistograms(db: DbOrTx, version: TVersionRef, start: Date, end: Date, out: TFeatureWindow[]): Promise<void> {
  const cols = columns(version);
  const branches = cols.map((c, i) => {
    const interior = interiorEdges(c.stats.histogram.binEdges);
    return interior.length ? Prisma.sql`WHEN ${i + 1} THEN width_bucket(c.v, ${interior}::float8[])` : Prisma.sql`WHEN ${i + 1} THEN 0`;
  });
  const bins = await db.$queryRaw<{ ord: number; bin: number; n: bigint }[]>(Prisma.sql`
    SELECT c.ord::int AS ord, (CASE c.ord ${Prisma.join(branches, ' ')} ELSE 0 END)::int AS bin, count(*)::bigint AS n
    FROM prediction_logs p, unnest(array_prepend(p.prediction, p.inputs)) WITH ORDINALITY AS c(v, ord)
    WHERE p.model_version_id = ${version.id}::uuid AND p.ts >= ${start} AND p.ts < ${end}
      AND c.ord <= ${cols.length} AND abs(c.v) < 'Infinity'::float8
    GROUP BY 1, 2`);
  for (const b of bins) {
    const f = out[b.ord - 1]!;
    f.liveCounts[Math.min(Math.max(b.bin, 0), f.liveCounts.length - 1)]! += Number(b.n);
  }
}

/**
 * About `size` rows spread evenly over [start, end): for each of `size` instants, the first row
 * logged at or after it, found by one probe of the (model_version_id, ts) index each.
 */
async function spreadSample(db: DbOrTx, version: TVersionRef, start: Date, end: Date, size: number): Promise<(number | null)[][]> {
  const stepMs = (end.getTime() - start.getTime()) / size;
  const rows = await db.$queryRaw<{ r: (number | null)[] }[]>`
    SELECT x.r FROM generate_series(0, ${size - 1}::int) AS i
    CROSS JOIN LATERAL (
      SELECT array_prepend(p.prediction, p.inputs) AS r FROM prediction_logs p
      WHERE p.model_version_id = ${version.id}::uuid AND p.ts >= ${start}::timestamptz + (i + 0.5) * ${stepMs}::float8 * interval '1 millisecond' AND p.ts < ${end}
      ORDER BY p.ts LIMIT 1) x`;
  return rows.map((r) => r.r);
}

function attachRows(rows: readonly (number | null)[][], out: TFeatureWindow[]): void {
  for (const r of rows) {
    for (let i = 0; i < out.length && i < r.length; i++) {
      const v = r[i];
      if (typeof v === 'number' && Number.isFinite(v)) out[i]!.sample.push(v);
    }
  }
}

/**
 * About KS_SAMPLE_SIZE rows of the window for Kolmogorov–Smirnov: a systematic sample (every k-th
 * logged row by id) when the window is small enough to read whole, else spread over its time range.
 */
async function attachSample(db: DbOrTx, version: TVersionRef, start: Date, end: Date, rows: number, out: TFeatureWindow[]): Promise<void> {
  if (rows > EXACT_HISTOGRAM_MAX_ROWS) return attachRows(await spreadSample(db, version, start, end, KS_SAMPLE_SIZE), out);
  const stride = Math.max(1, Math.floor(rows / KS_SAMPLE_SIZE));
  const sample = await db.$queryRaw<{ r: (number | null)[] }[]>`
    SELECT array_prepend(p.prediction, p.inputs) AS r FROM prediction_logs p
    WHERE p.model_version_id = ${version.id}::uuid AND p.ts >= ${start} AND p.ts < ${end} AND p.id % ${stride} = 0
    LIMIT ${KS_SAMPLE_SIZE}`;
  attachRows(
    sample.map((s) => s.r),
    out,
  );
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
