/*
 * npm run bench:monitoring — issue 6's performance figures, against PostgreSQL (DATABASE_URL,
 * default the local server) in a scratch database dropped at the end:
 *   1. prediction-log ingest through the ingest service (server/services/ingest-prediction-logs.ts:
 *      validated batches of 5,000 records, one INSERT ... SELECT FROM unnest each, 4 concurrent
 *      callers), vs a raw COPY of the same rows into the same table in the same run;
 *   2. drift for one 5-minute window over 1,000,000 logged predictions with 32 input features:
 *      computeDrift() end to end (the wide aggregate pass for exact counts and means, the sampled
 *      histograms and KS values, the upsert), and aggregateWindow() (pass + sample) alone.
 * Prints a table, and as the very last line one JSON object with every figure.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { TPredictionLogRecord } from '../server/contracts/worker-prediction-log';

const baseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const INGEST_ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 200_000);
const DRIFT_ROWS = Number(process.env.BENCH_DRIFT_ROWS ?? 1_000_000);
const FEATURES = 32;
const BATCH = 5000;
const CLIENTS = 4;
const DRIFT_RUNS = 3;

// A migrated scratch database made the app's, dropped at the end; the app's modules load after it.
const { scratchAppDatabase } = await import('./lib/scratch-app-database');
const scratch = await scratchAppDatabase(baseUrl);
const { db } = await import('../server/db/client');
const { ingestPredictionLogs } = await import('../server/services/ingest-prediction-logs');
const { aggregateWindow, computeDrift } = await import('../server/services/compute-drift');
const { featureColumns } = await import('../server/domain/drift-window');

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ---- a model version with training reference statistics for 32 features (N(0, 1), 10 bins) ------
const edges = [-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3];
const normalBins = [0.0215, 0.0441, 0.0919, 0.1498, 0.1915, 0.1915, 0.1498, 0.0919, 0.0441, 0.0215].map((p) => Math.round(p * 100_000));
const stats = (mean: number) => ({
  count: 100_000,
  mean,
  std: 1,
  quantiles: [{ q: 0.05, value: mean - 1.645 }, { q: 0.5, value: mean }, { q: 0.95, value: mean + 1.645 }],
  histogram: { binEdges: edges.map((e) => e + mean), counts: normalBins },
});
const featureNames = Array.from({ length: FEATURES }, (_, i) => `f${i}`);
const referenceStats = { prediction: stats(0), features: Object.fromEntries(featureNames.map((f) => [f, stats(0)])) };
const model = await db().registeredModel.create({ data: { name: 'bench-monitoring' } });
const version = await db().modelVersion.create({ data: { modelId: model.id, version: 1, stage: 'production', referenceStats, onnxSha256: 'a'.repeat(64), complete: true } });

// The window: the first 5 minutes of an hour, so only that 5-minute window is due (not its hour).
const HOUR = 3_600_000;
const windowStart = new Date(Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR);
const now = new Date(windowStart.getTime() + 300_000 + 61_000);

// ---- 1. ingest through the service vs raw COPY ------------------------------------------------------
let seed = 42;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const hash = createHash('sha256').update('x').digest('hex');
type TRecord = TPredictionLogRecord;
const records: TRecord[] = Array.from({ length: INGEST_ROWS }, (_, i) => ({
  request_id: `r-${i}`,
  item: 0,
  model: model.name,
  model_version: 1,
  variant: 'stable' as const,
  input_hash: hash,
  prediction: round(gauss(), 6),
  confidence: round(rand(), 6),
  latency_ms: round(1 + rand() * 9, 3),
  timestamp: new Date(windowStart.getTime() + Math.floor((i / INGEST_ROWS) * 299_000)).toISOString(),
  error: null,
  inputs: Array.from({ length: FEATURES }, () => round(gauss(), 6)),
}));
const batches: TRecord[][] = [];
for (let i = 0; i < records.length; i += BATCH) batches.push(records.slice(i, i + BATCH));

// Warm-up (connections, plans) with a batch that is deleted again.
await ingestPredictionLogs(db(), { worker_id: 'bench', records: batches[0]!.map((r) => ({ ...r, request_id: `warm-${r.request_id}` })) });
await db().$executeRawUnsafe(`DELETE FROM prediction_logs WHERE request_id LIKE 'warm-%'`);

let next = 0;
const ingestStart = performance.now();
await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const { accepted, rejected } = await ingestPredictionLogs(db(), { worker_id: 'bench', records: batch });
      if (accepted !== batch.length) throw new Error(`ingest accepted ${accepted} of ${batch.length}: ${rejected[0]?.reason}`);
    }
  }),
);
const ingestSeconds = (performance.now() - ingestStart) / 1000;
const ingestRate = INGEST_ROWS / ingestSeconds;

const client = new pg.Client({ connectionString: scratch.url });
await client.connect();
await client.query('TRUNCATE prediction_logs');
const esc = (s: string | null) => (s === null ? '\\N' : s);
const copyLines = records.map(
  (r) =>
    `${r.timestamp}\t${r.request_id}\t0\t\\N\t${version.id}\t${r.variant}\t${r.input_hash}\t{${r.inputs!.join(',')}}\t${r.prediction}\t\\N\t${r.confidence}\t${r.latency_ms}\t${esc(r.error)}\tbench\n`,
);
const copyStart = performance.now();
await pipeline(
  Readable.from(copyLines, { objectMode: false }),
  client.query(copyFrom('COPY prediction_logs (ts, request_id, item, routing_key, model_version_id, variant, input_hash, inputs, prediction, label, confidence, latency_ms, error, worker_id) FROM STDIN')),
);
const copySeconds = (performance.now() - copyStart) / 1000;
const copyRate = INGEST_ROWS / copySeconds;

// ---- 2. drift over 1,000,000 predictions x 32 features in one window ---------------------------------
const fillStart = performance.now();
await client.query(
  `INSERT INTO prediction_logs (ts, request_id, model_version_id, variant, input_hash, inputs, prediction, confidence, latency_ms)
   SELECT $1::timestamptz + (g % 299000) * interval '1 millisecond', 'fill-' || g, $2::uuid, 'stable', 'h',
          ARRAY(SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + (CASE WHEN k = 1 THEN 0.3 ELSE 0 END) FROM generate_series(1, ${FEATURES}) k WHERE g > 0),
          sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()), random(), 5
   FROM generate_series(1, $3::int) g`,
  [windowStart, version.id, Math.max(0, DRIFT_ROWS - INGEST_ROWS)],
);
await client.query('VACUUM ANALYZE prediction_logs');
const fillSeconds = (performance.now() - fillStart) / 1000;
const windowRows = Number((await client.query('SELECT count(*) FROM prediction_logs')).rows[0].count);

const driftTimes: number[] = [];
let windowsComputed = 0;
for (let i = 0; i < DRIFT_RUNS; i++) {
  await client.query('DELETE FROM drift_windows');
  const t = performance.now();
  const r = await computeDrift({ db: db(), now, lookbackS: 600, versionIds: [version.id] });
  driftTimes.push(performance.now() - t);
  windowsComputed = r.windows;
}
const versionRef = { id: version.id, version: 1, model, reference: referenceStats, features: featureColumns(featureNames) };
const aggregateTimes: number[] = [];
for (let i = 0; i < DRIFT_RUNS; i++) {
  const t = performance.now();
  await aggregateWindow(db(), versionRef, windowStart, 300);
  aggregateTimes.push(performance.now() - t);
}
const stored = await db().driftWindow.findMany({ where: { modelVersionId: version.id, windowS: 300 }, orderBy: { meanShift: 'desc' }, take: 1 });
await client.end();
await db().$disconnect();
await scratch.drop();

const figures = {
  ingest_rows: INGEST_ROWS,
  ingest_features: FEATURES,
  ingest_batch: BATCH,
  ingest_clients: CLIENTS,
  ingest_rows_per_s: Math.round(ingestRate),
  copy_rows_per_s: Math.round(copyRate),
  ingest_to_copy_ratio: round(ingestRate / copyRate, 3),
  drift_window_rows: windowRows,
  drift_features: FEATURES + 1,
  drift_windows_computed: windowsComputed,
  drift_compute_ms_median: round(median(driftTimes)),
  drift_compute_ms_min: round(Math.min(...driftTimes)),
  drift_aggregate_query_ms_median: round(median(aggregateTimes)),
  drift_max_mean_shift_feature: stored[0]?.feature ?? null,
  drift_max_mean_shift: stored[0] ? round(stored[0].meanShift, 3) : null,
  fill_seconds: round(fillSeconds),
};
const rows: [string, string, string][] = [
  [`prediction-log ingest service (${CLIENTS} callers x ${BATCH.toLocaleString('en')}-row batches, ${FEATURES} inputs)`, `${figures.ingest_rows_per_s.toLocaleString('en')} rows/s`, '>= 50,000'],
  ['raw COPY of the same rows, same table', `${figures.copy_rows_per_s.toLocaleString('en')} rows/s`, ''],
  ['  ratio ingest / COPY', String(figures.ingest_to_copy_ratio), ''],
  [`drift, one 5-min window, ${windowRows.toLocaleString('en')} rows x ${FEATURES + 1} series (median / min of ${DRIFT_RUNS})`, `${figures.drift_compute_ms_median} / ${figures.drift_compute_ms_min} ms`, '< 2,000 ms'],
  ['  of which aggregateWindow: wide pass + sample (median)', `${figures.drift_aggregate_query_ms_median} ms`, ''],
  ['  largest mean shift found (f0 was shifted by 0.3 SD)', `${figures.drift_max_mean_shift_feature}: ${figures.drift_max_mean_shift}`, ''],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`${'measure'.padEnd(w0)}  ${'result'.padEnd(w1)}  target`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
console.log(JSON.stringify(figures));
