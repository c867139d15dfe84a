/*
 * npm run bench:spool — issue 11's replay figures for the worker's prediction-log spool:
 *   1. builds a spool of BENCH_SPOOL_RECORDS (default 2,000,000; or --records=N) prediction-log
 *      records in the real on-disk format (SegmentSpool segments of JSON lines, as the worker
 *      writes them during an outage), over 600 MB at the default size;
 *   2. replays it with the real PredictionLog and HTTP shipper in a separate process (so its RSS is
 *      its own; peak RSS is the kernel's VmHWM), once into a bare HTTP sink in a third process and
 *      once into the real control-plane ingest (the prediction-logs route handler behind node:http,
 *      on a scratch PostgreSQL database, DATABASE_URL, default the local server), side by side.
 * Goal: >= 20,000 records/s and a replaying process under 300 MB RSS. Prints a table, and as the
 * very last line one JSON object with every figure.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const flag = process.argv.find((a) => a.startsWith('--records='));
const RECORDS = Number(flag?.split('=')[1] ?? process.env.BENCH_SPOOL_RECORDS ?? 2_000_000);
const FEATURES = 8;
const baseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const mb = (bytes: number) => round(bytes / 1e6, 1);

// A migrated scratch database made the app's, dropped at the end; the app's modules load after it.
const { scratchAppDatabase } = await import('./lib/scratch-app-database');
const scratch = await scratchAppDatabase(baseUrl);
const { db } = await import('../server/db/client');
const route = await import('../app/api/worker/v1/prediction-logs/route');
const { startRouteServer } = await import('../server/testing/route-server');
const { createUser } = await import('../server/services/create-user');
const { createApiToken } = await import('../server/services/create-api-token');
const { scopesOfRole } = await import('../server/auth/permissions');
const { SegmentSpool } = await import('../inference-worker/spool/segment-spool');
const { spoolPaths } = await import('../inference-worker/prediction-log');

const work = await mkdtemp(path.join(tmpdir(), 'ballast-bench-spool-'));
try {
  // ---- setup: a model version, a worker token, the ingest route behind node:http -------------------
  const model = await db().registeredModel.create({ data: { name: 'bench-spool' } });
  await db().modelVersion.create({ data: { modelId: model.id, version: 1, stage: 'production', onnxSha256: 'a'.repeat(64), complete: true } });
  const system = { kind: 'system' as const, name: 'bench', scopes: [] };
  const person = await createUser({ db: db(), actor: system, requestId: 'bench' }, { email: `bench-${Date.now()}@bench.local`, role: 'admin', password: 'bench-password-1' });
  const actor = { kind: 'user' as const, userId: person.id, email: person.email, role: 'admin' as const, scopes: scopesOfRole('admin') };
  const token = await createApiToken({ db: db(), actor, requestId: 'bench' }, { name: 'bench-worker', scopes: ['worker'] });
  const server = await startRouteServer({ '/api/worker/v1/prediction-logs': route });

  // ---- 1. the spool, as a worker writes it during an outage ----------------------------------------
  const spoolFileA = path.join(work, 'sink', 'prediction-log.spool.jsonl');
  const spoolFileB = path.join(work, 'route', 'prediction-log.spool.jsonl');
  const built = performance.now();
  const { spool } = await SegmentSpool.open({ dir: spoolPaths(spoolFileA).dir });
  let seed = 7;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const t0 = Date.now() - 3_600_000;
  const CHUNK = 10_000;
  for (let at = 0; at < RECORDS; at += CHUNK) {
    const lines: string[] = [];
    for (let i = at; i < Math.min(RECORDS, at + CHUNK); i++) {
      lines.push(
        JSON.stringify({
          request_id: `bench-${i.toString(36).padStart(8, '0')}-${randomBytes(4).toString('hex')}`,
          item: 0,
          model: model.name,
          model_version: 1,
          variant: 'stable',
          input_hash: randomBytes(32).toString('hex'),
          prediction: Math.floor(rand() * 3),
          confidence: round(rand(), 6),
          latency_ms: round(1 + rand() * 9, 3),
          timestamp: new Date(t0 + Math.floor((i / RECORDS) * 3_500_000)).toISOString(),
          error: null,
          routing_key: null,
          inputs: Array.from({ length: FEATURES }, () => round(rand() * 4 - 2, 6)),
        }),
      );
    }
    const { refused } = await spool.append(lines);
    if (refused) throw new Error('the bench spool reached the cap');
  }
  const spoolBytes = spool.bytes;
  const segments = spool.segmentFiles().length;
  await spool.close();
  await cp(spoolPaths(spoolFileA).dir, spoolPaths(spoolFileB).dir, { recursive: true });
  const buildS = (performance.now() - built) / 1000;
  console.error(`[bench] spool of ${RECORDS} records, ${mb(spoolBytes)} MB in ${segments} segments, built in ${round(buildS)} s`);

  // ---- 2. replays --------------------------------------------------------------------------------
  const sink = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'lib', 'log-sink.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const sinkPort = await new Promise<number>((resolve) => createInterface({ input: sink.stdout! }).once('line', (l) => resolve((JSON.parse(l) as { port: number }).port)));
  const sinkUrl = `http://127.0.0.1:${sinkPort}`;

  const toSink = await replay(spoolFileA, sinkUrl, undefined);
  const sinkReceived = ((await (await fetch(`${sinkUrl}/count`)).json()) as { received: number }).received;
  sink.kill();
  const toRoute = await replay(spoolFileB, server.url, token.secret);
  const stored = (await db().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM prediction_logs`)[0]!.n;
  await server.close();

  const figures = {
    records: RECORDS,
    spoolBytes,
    spoolMB: mb(spoolBytes),
    segments,
    buildS: round(buildS, 2),
    sink: { ...summary(toSink), received: sinkReceived },
    route: { ...summary(toRoute), stored: Number(stored) },
    goal: { recordsPerS: 20_000, peakRssMB: 300 },
  };
  const row = (name: string, r: ReturnType<typeof summary>, landed: number) =>
    `${name.padEnd(34)} ${String(r.recordsPerS).padStart(10)} ${String(r.seconds).padStart(9)} ${String(r.peakRssMB).padStart(13)} ${String(r.maxSampledRssMB).padStart(15)} ${String(landed).padStart(10)}`;
  console.log(`\nspool: ${RECORDS.toLocaleString('en')} records, ${mb(spoolBytes)} MB in ${segments} segments (built in ${round(buildS)} s)\n`);
  console.log(`${'replay into'.padEnd(34)} ${'records/s'.padStart(10)} ${'seconds'.padStart(9)} ${'peak RSS MB'.padStart(13)} ${'sampled RSS MB'.padStart(15)} ${'landed'.padStart(10)}`);
  console.log(row('bare HTTP sink (other process)', figures.sink, sinkReceived));
  console.log(row('ingest route + PostgreSQL', figures.route, Number(stored)));
  console.log(`\ngoal: >= 20,000 records/s, peak RSS of the replaying process < 300 MB`);
  console.log(JSON.stringify(figures));
} finally {
  await rm(work, { recursive: true, force: true });
  await scratch.drop();
}
process.exit(0);

interface ReplayResult {
  records: number;
  bytes: number;
  openS: number;
  seconds: number;
  shipped: number;
  deadLettered: number;
  shipFailures: number;
  rssBeforeBytes: number;
  maxSampledRssBytes: number;
  peakRssBytes: number;
}

function summary(r: ReplayResult) {
  return {
    seconds: round(r.seconds, 2),
    openS: round(r.openS, 2),
    recordsPerS: Math.round(r.shipped / r.seconds),
    shipped: r.shipped,
    deadLettered: r.deadLettered,
    shipFailures: r.shipFailures,
    rssBeforeMB: mb(r.rssBeforeBytes),
    maxSampledRssMB: mb(r.maxSampledRssBytes),
    peakRssMB: mb(r.peakRssBytes),
  };
}

async function replay(spoolFile: string, url: string, token: string | undefined): Promise<ReplayResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'lib', 'spool-replayer.ts')], {
    env: { ...process.env, BENCH_SPOOL_FILE: spoolFile, BENCH_SINK_URL: url, BENCH_TOKEN: token ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last = '';
  for await (const line of createInterface({ input: child.stdout! })) last = line;
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
  if (code !== 0) throw new Error(`the replayer exited with ${code}`);
  return JSON.parse(last) as ReplayResult;
}
