/*
 * npm run bench:ingest — issue 3's performance figures, measured against PostgreSQL (DATABASE_URL,
 * default the local server) in a scratch database that is dropped at the end:
 *   1. MLflow log-batch over HTTP (a node:http server in front of the real route handler),
 *      batches of 1,000 points, 4 concurrent clients, vs a raw COPY of the same rows into the same
 *      table in the same run;
 *   2. server time to downsample a 1,000,000-point metric history for a chart;
 *   3. server time (p95) of the runs-table query over 10,000 runs with a metric filter and a sort.
 * Prints a table, and as the very last line one JSON object with every figure.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const baseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
const CLIENTS = 4;
const BATCH = 1000;

// A migrated scratch database made the app's, dropped at the end; the app's modules load after it.
const { scratchAppDatabase } = await import('./lib/scratch-app-database');
const scratch = await scratchAppDatabase(baseUrl);
const { db } = await import('../server/db/client');
const route = await import('../app/api/2.0/mlflow/[...path]/route');
const { createUser } = await import('../server/services/create-user');
const { createApiToken } = await import('../server/services/create-api-token');
const { scopesOfRole } = await import('../server/auth/permissions');
const { createExperiment } = await import('../server/services/create-experiment');
const { createRun } = await import('../server/services/create-run');
const { appendMetrics } = await import('../server/services/log-run-data');
const { getMetricSeries } = await import('../server/services/get-metric-series');
const { listRuns } = await import('../server/services/search-runs');
const { runIdToUuid } = await import('../server/domain/run-id');

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

// ---- setup: a person, an ingest token, an experiment and one run per client ----------------------
const system = { kind: 'system' as const, name: 'bench', scopes: [] };
const person = await createUser({ db: db(), actor: system, requestId: 'bench' }, { email: `bench-${Date.now()}@bench.local`, role: 'engineer', password: 'bench-password-1' });
const actor = { kind: 'user' as const, userId: person.id, email: person.email, role: 'engineer' as const, scopes: scopesOfRole('engineer') };
const ctx = { db: db(), actor, requestId: 'bench' };
const token = await createApiToken(ctx, { name: 'bench', scopes: ['ingest'] });
const { experimentId } = await createExperiment(ctx, { name: 'bench-ingest' });
const runs = await Promise.all(Array.from({ length: CLIENTS + 1 }, () => createRun(ctx, { experiment_id: experimentId })));

// ---- an HTTP server in front of the route handler ------------------------------------------------
async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  return new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
}
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  void (async () => {
    const request = await toRequest(req);
    const response = await (req.method === 'GET' ? route.GET : route.POST)(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  })().catch((err) => {
    console.error(err);
    res.writeHead(500).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/2.0/mlflow/runs/log-batch`;

// Bodies are serialised before the clock starts, so the figure is the server's, not JSON.stringify's.
const KEYS = ['loss', 'accuracy', 'lr', 'grad_norm', 'val_loss', 'val_accuracy', 'throughput', 'gpu_util', 'mem', 'epoch'];
function batchBody(runId: string, batch: number): string {
  const metrics = Array.from({ length: BATCH }, (_, i) => {
    const step = batch * (BATCH / KEYS.length) + Math.floor(i / KEYS.length);
    return { key: KEYS[i % KEYS.length], value: Math.sin(step / 100) + i / 1e4, timestamp: 1_700_000_000_000 + step, step };
  });
  return JSON.stringify({ run_id: runId, metrics });
}
const perClient = Math.ceil(POINTS / BATCH / CLIENTS);
const bodies = runs.slice(0, CLIENTS).map((run) => Array.from({ length: perClient }, (_, b) => batchBody(run.runId, b)));
const headers = { authorization: `Bearer ${token.secret}`, 'content-type': 'application/json' };

// Warm-up (connections, JIT, plans), into a run of its own.
for (let b = 0; b < 5; b++) await fetch(endpoint, { method: 'POST', headers, body: batchBody(runs[CLIENTS]!.runId, b) }).then((r) => r.arrayBuffer());

const httpStart = performance.now();
await Promise.all(
  bodies.map(async (list) => {
    for (const body of list) {
      const res = await fetch(endpoint, { method: 'POST', headers, body });
      if (res.status !== 200) throw new Error(`log-batch answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  }),
);
const httpSeconds = (performance.now() - httpStart) / 1000;
const httpPoints = perClient * CLIENTS * BATCH;
const httpRate = httpPoints / httpSeconds;
server.close();

// ---- raw COPY of the same rows into the same table -------------------------------------------------
const copyRun = runIdToUuid((await createRun(ctx, { experiment_id: experimentId })).runId)!;
const copyClient = new pg.Client({ connectionString: scratch.url });
await copyClient.connect();
const copyLines: string[] = [];
for (let b = 0; b < perClient * CLIENTS; b++) {
  for (let i = 0; i < BATCH; i++) {
    const step = b * (BATCH / KEYS.length) + Math.floor(i / KEYS.length);
    copyLines.push(`${copyRun}\t${KEYS[i % KEYS.length]}\t${step}\t${1_700_000_000_000 + step}\t${Math.sin(step / 100) + i / 1e4}\n`);
  }
}
const copyStart = performance.now();
await pipeline(Readable.from(copyLines, { objectMode: false }), copyClient.query(copyFrom('COPY metrics (run_id, key, step, timestamp, value) FROM STDIN')));
const copySeconds = (performance.now() - copyStart) / 1000;
const copyRate = copyLines.length / copySeconds;

// ---- 1,000,000-point history downsampled for a chart ---------------------------------------------
const seriesRun = await createRun(ctx, { experiment_id: experimentId });
const seriesUuid = runIdToUuid(seriesRun.runId)!;
for (let start = 0; start < 1_000_000; start += 20_000) {
  await appendMetrics(db(), seriesUuid, Array.from({ length: 20_000 }, (_, i) => ({ key: 'loss', value: Math.sin((start + i) / 5000) + Math.random() / 10, timestamp: start + i, step: start + i })));
}
const seriesTimes: number[] = [];
let seriesPoints = 0;
for (let i = 0; i < 12; i++) {
  const t = performance.now();
  const series = await getMetricSeries(db(), { runId: seriesRun.runId, key: 'loss', maxPoints: 2000 });
  seriesTimes.push(performance.now() - t);
  seriesPoints = series.points.length;
}
seriesTimes.splice(0, 2); // warm-up

// ---- runs table over 10,000 runs: metric filter + sort -------------------------------------------
const tableExp = Number((await createExperiment(ctx, { name: 'bench-table' })).experimentId);
await copyClient.query(`
  INSERT INTO runs (id, experiment_id, name, status, start_time, artifact_uri, engineer)
  SELECT gen_random_uuid(), ${tableExp}, 'run-' || g, (ARRAY['FINISHED','FAILED','RUNNING'])[1 + g % 3]::"RunStatus", 1700000000000 + g, 'mlflow-artifacts:/x', 'bench'
  FROM generate_series(1, 10000) g`);
await copyClient.query(`INSERT INTO latest_metrics (run_id, key, step, timestamp, value) SELECT id, k, 100, 1, random() FROM runs, unnest(ARRAY['accuracy','loss','f1']) k WHERE experiment_id = ${tableExp}`);
await copyClient.query(`INSERT INTO run_params (run_id, key, value) SELECT id, k, (random() * 10)::int::text FROM runs, unnest(ARRAY['lr','batch_size','optimizer','layers']) k WHERE experiment_id = ${tableExp}`);
await copyClient.query(`INSERT INTO run_tags (run_id, key, value) SELECT id, k, 'v' || (random() * 5)::int FROM runs, unnest(ARRAY['model','dataset','engineer']) k WHERE experiment_id = ${tableExp}`);
await copyClient.query('ANALYZE');
await copyClient.end();
const tableTimes: number[] = [];
for (let i = 0; i < 60; i++) {
  const t = performance.now();
  const page = await listRuns(db(), {
    experimentId: String(tableExp),
    metrics: [{ key: 'accuracy', op: '>', value: 0.5 }],
    sort: { by: 'metric', key: 'loss', direction: i % 2 ? 'asc' : 'desc' },
    page: i % 5,
    pageSize: 50,
  });
  tableTimes.push(performance.now() - t);
  if (page.runs.length !== 50) throw new Error('runs table returned a short page');
}
tableTimes.splice(0, 10);

await db().$disconnect();
await scratch.drop();

const figures = {
  ingest_points: httpPoints,
  ingest_clients: CLIENTS,
  ingest_batch: BATCH,
  ingest_points_per_s: Math.round(httpRate),
  copy_points_per_s: Math.round(copyRate),
  ingest_to_copy_ratio: round(httpRate / copyRate, 3),
  downsample_1m_ms_median: round(pct(seriesTimes, 50)),
  downsample_1m_ms_p95: round(pct(seriesTimes, 95)),
  downsample_points_returned: seriesPoints,
  runs_table_10k_ms_median: round(pct(tableTimes, 50)),
  runs_table_10k_ms_p95: round(pct(tableTimes, 95)),
};
const rows: [string, string, string][] = [
  ['log-batch over HTTP (4 clients x 1,000-point batches)', `${figures.ingest_points_per_s.toLocaleString('en')} points/s`, '>= 100,000'],
  ['raw COPY of the same rows, same table', `${figures.copy_points_per_s.toLocaleString('en')} points/s`, ''],
  ['  ratio HTTP / COPY', String(figures.ingest_to_copy_ratio), ''],
  ['1,000,000-point history -> chart (median / p95)', `${figures.downsample_1m_ms_median} / ${figures.downsample_1m_ms_p95} ms (${seriesPoints} points)`, '< 300 ms'],
  ['runs table, 10,000 runs, metric filter + sort (median / p95)', `${figures.runs_table_10k_ms_median} / ${figures.runs_table_10k_ms_p95} ms`, 'p95 < 150 ms'],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`\n${'measure'.padEnd(w0)}  ${'result'.padEnd(w1)}  target`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
console.log(JSON.stringify(figures));
