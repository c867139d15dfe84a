/*
 * npm run bench:worker — the inference worker's performance goals of issue 5, measured on this
 * machine in one run, each against a baseline measured in the same run:
 *   tabular (32 -> 256 -> 256 -> 2): throughput vs a no-inference endpoint with the same HTTP and
 *     validation path, vs the worker with batching disabled; p99.
 *   wide (512 -> 2048 -> 2048 -> 10): rows/s vs in-process ONNX Runtime at the batch size the worker
 *     formed, same thread count.
 *   both: p99 at 80% of the measured saturation throughput; in-process vs worker-thread inference.
 *   a blue-green switch and rollback during load (failed requests counted); prediction logging at
 *     10% sampling vs none.
 * Load: autocannon in this process, single-row requests, 64 connections; each server runs in its own
 * child process so the load generator never shares its event loop. Last line: one JSON object.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { ZPredictRequest } from '../server/contracts/worker-predict';
import { packRows } from '../inference-worker/predict-input';
import { parseJson, readBody, sendJson } from '../inference-worker/http-io';
import { createInferenceHost } from '../inference-worker/inference-host';
import { sha256Hex } from '../inference-worker/model-source';
import { MemoryModelSource } from '../inference-worker/testing/memory-model-source';
import { buildMlp } from '../inference-worker/testing/onnx-mlp';
import { createWorker, type WorkerConfig } from '../inference-worker/worker';
import type { TDesiredState } from '../server/contracts/worker-desired-state';

const MODELS = {
  tabular: [32, 256, 256, 2],
  wide: [512, 2048, 2048, 10],
} as const;
type ModelName = keyof typeof MODELS;
const CONNECTIONS = 64;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const MAX_BATCH = Number(process.env.BENCH_MAX_BATCH ?? 32);

interface ServeConfig {
  kind: 'noop' | 'worker';
  model: ModelName;
  maxBatchSize: number;
  inference: 'thread' | 'in-process';
  predictionLog: boolean;
}

const mlp = (name: ModelName, seed: number) => buildMlp({ layers: [...MODELS[name]], seed });

function desired(rev: string, name: ModelName, versions: { v: number; seed: number; weight: number }[]): TDesiredState {
  return {
    revision: rev,
    generated_at: new Date().toISOString(),
    models: [{ name, ref: `${name}@production`, versions: versions.map(({ v, seed, weight }) => ({ version: v, sha256: sha256Hex(mlp(name, seed).bytes), weight, variant: 'stable' as const, golden: [] })) }],
  };
}

// ---------- child: one server ----------
async function serve(cfg: ServeConfig): Promise<void> {
  const width = MODELS[cfg.model][0];
  let port: number;
  if (cfg.kind === 'noop') {
    // Same HTTP, JSON and validation path as /predict, minus the queue and the model.
    const server = createServer(async (req, res) => {
      try {
        const body = ZPredictRequest.parse(parseJson(await readBody(req, 1 << 20)));
        packRows(body.inputs, { width, allowNonFinite: false, maxRows: 1024 });
        sendJson(res, 200, { request_id: 'x', model: body.model, variant: 'stable', predictions: body.inputs.map(() => ({ prediction: 0, confidence: 1, model_version: 1, latency_ms: 0 })) });
      } catch (err) {
        sendJson(res, 400, { error: (err as Error).message });
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  } else {
    const source = new MemoryModelSource().put(cfg.model, 1, mlp(cfg.model, 1).bytes).put(cfg.model, 2, mlp(cfg.model, 2).bytes);
    const config: WorkerConfig = {
      batchWindowMs: 10,
      maxBatchSize: cfg.maxBatchSize,
      queueLimitRows: 8192,
      requestDeadlineMs: 10_000,
      maxRowsPerRequest: 1024,
      maxBodyBytes: 1 << 20,
      intraOpThreads: THREADS,
      provider: 'cpu',
      inference: cfg.inference,
      slowMs: 10_000,
      spoolFile: path.join(os.tmpdir(), `ballast-bench-spool-${process.pid}.jsonl`),
      logFlushIntervalMs: 500,
    };
    // The log sink is in-process: this measures sampling, hashing and batching, not the network.
    const worker = createWorker(config, { source, ship: cfg.predictionLog ? async () => undefined : null, log: () => undefined });
    await worker.applyDesiredState(desired('r1', cfg.model, [{ v: 1, seed: 1, weight: 10_000 }]));
    port = await worker.listen(0, '127.0.0.1');
    process.on('message', async (msg: { op: string }) => {
      if (msg.op === 'switch') await worker.applyDesiredState(desired('r2', cfg.model, [{ v: 1, seed: 1, weight: 0 }, { v: 2, seed: 2, weight: 10_000 }]));
      if (msg.op === 'rollback') await worker.applyDesiredState(desired('r3', cfg.model, [{ v: 1, seed: 1, weight: 10_000 }, { v: 2, seed: 2, weight: 0 }]));
      process.send!({ op: `${msg.op}-done` });
    });
  }
  process.send!({ op: 'ready', port });
}

// ---------- parent: load and report ----------
async function startServer(cfg: ServeConfig): Promise<{ url: string; child: ChildProcess; stop(): void }> {
  const child = fork(import.meta.filename, ['--serve'], { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_CONFIG: JSON.stringify(cfg) } });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, stop: () => void child.kill('SIGKILL') };
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  failed: number;
  total: number;
}

async function load(url: string, model: ModelName, opts: { rate?: number; duration?: number } = {}): Promise<LoadResult> {
  const width = MODELS[model][0];
  const row = Array.from({ length: width }, (_, i) => Math.round(Math.sin(i) * 1000) / 1000);
  const r = await autocannon({
    url: `${url}/predict`,
    connections: CONNECTIONS,
    duration: opts.duration ?? DURATION_S,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, inputs: [row] }),
    ...(opts.rate ? { overallRate: Math.round(opts.rate) } : {}),
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failed: r.errors + r.timeouts + r.non2xx, total: r.requests.total };
}

async function meanBatch(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`)).reduce((s, l) => s + Number(l.split(' ').pop()), 0);
  return sum('ballast_worker_batch_rows_sum') / Math.max(1, sum('ballast_worker_batches_total'));
}

async function inProcessRowsPerS(model: ModelName, batch: number): Promise<number> {
  const host = createInferenceHost('in-process', { intraOpThreads: THREADS, provider: 'cpu' }, () => undefined);
  const loaded = await host.load(mlp(model, 1).bytes);
  const width = MODELS[model][0];
  const data = () => Float32Array.from({ length: batch * width }, (_, i) => Math.sin(i));
  for (let i = 0; i < 20; i++) await loaded.run(data(), batch);
  let rows = 0;
  const start = performance.now();
  while (performance.now() - start < 3000) {
    await loaded.run(data(), batch);
    rows += batch;
  }
  const rate = rows / ((performance.now() - start) / 1000);
  await host.close();
  return rate;
}

async function measure(cfg: ServeConfig, extra?: (url: string, child: ChildProcess) => Promise<void>) {
  const s = await startServer(cfg);
  try {
    await load(s.url, cfg.model, { duration: 1 }); // warm the JIT and connections
    const run = load(s.url, cfg.model);
    if (extra) await extra(s.url, s.child);
    const result = await run;
    const batch = cfg.kind === 'worker' ? await meanBatch(s.url) : 1;
    return { ...result, batch, url: s.url };
  } finally {
    s.stop();
  }
}

async function measureAtRate(cfg: ServeConfig, rate: number) {
  const s = await startServer(cfg);
  try {
    await load(s.url, cfg.model, { duration: 1 });
    return await load(s.url, cfg.model, { rate });
  } finally {
    s.stop();
  }
}

const askChild = (child: ChildProcess, op: string) =>
  new Promise<void>((resolve) => {
    const on = (m: { op: string }) => {
      if (m.op === `${op}-done`) {
        child.off('message', on);
        resolve();
      }
    };
    child.on('message', on);
    child.send({ op });
  });

async function main() {
  const base = { maxBatchSize: MAX_BATCH, predictionLog: false } as const;
  const f = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
  const rows: string[][] = [];
  const out: Record<string, unknown> = { machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version }, connections: CONNECTIONS, duration_s: DURATION_S, intra_op_threads: THREADS, max_batch_size: MAX_BATCH };
  const say = (line: string) => console.error(`[bench] ${line}`);

  // --- tabular ---
  say('tabular: no-inference baseline');
  const noop = await measure({ ...base, kind: 'noop', model: 'tabular', inference: 'in-process' });
  say('tabular: worker, batching, in-process inference');
  const tIn = await measure({ ...base, kind: 'worker', model: 'tabular', inference: 'in-process' });
  say('tabular: worker, batching, inference thread');
  const tTh = await measure({ ...base, kind: 'worker', model: 'tabular', inference: 'thread' });
  say('tabular: worker, batching disabled');
  const tNo = await measure({ ...base, maxBatchSize: 1, kind: 'worker', model: 'tabular', inference: 'in-process' });
  const tBest = tIn.rps >= tTh.rps ? { mode: 'in-process' as const, ...tIn } : { mode: 'thread' as const, ...tTh };
  say('tabular: prediction log at 10% sampling');
  const tLog = await measure({ ...base, kind: 'worker', model: 'tabular', inference: tBest.mode, predictionLog: true });
  say('tabular: p99 at 80% of saturation');
  const t80 = await measureAtRate({ ...base, kind: 'worker', model: 'tabular', inference: tBest.mode }, tBest.rps * 0.8);
  say('tabular: blue-green switch and rollback under load');
  const bg = await measure({ ...base, kind: 'worker', model: 'tabular', inference: tBest.mode }, async (_url, child) => {
    await new Promise((r) => setTimeout(r, (DURATION_S * 1000) / 4));
    await askChild(child, 'switch');
    await new Promise((r) => setTimeout(r, (DURATION_S * 1000) / 4));
    await askChild(child, 'rollback');
  });

  // --- wide ---
  say('wide: worker, batching, in-process inference');
  const wIn = await measure({ ...base, kind: 'worker', model: 'wide', inference: 'in-process' });
  say('wide: worker, batching, inference thread');
  const wTh = await measure({ ...base, kind: 'worker', model: 'wide', inference: 'thread' });
  const wBest = wIn.rps >= wTh.rps ? { mode: 'in-process' as const, ...wIn } : { mode: 'thread' as const, ...wTh };
  const formed = Math.max(1, Math.round(wBest.batch));
  say(`wide: in-process ONNX Runtime at batch ${formed}`);
  const wCeiling = await inProcessRowsPerS('wide', formed);
  say('wide: p99 at 80% of saturation');
  const w80 = await measureAtRate({ ...base, kind: 'worker', model: 'wide', inference: wBest.mode }, wBest.rps * 0.8);

  const ratio = (a: number, b: number) => a / b;
  const goals = [
    ['tabular >= 85% of no-inference', ratio(tBest.rps, noop.rps), 0.85, '>='],
    ['tabular >= 2.5x batching disabled', ratio(tBest.rps, tNo.rps), 2.5, '>='],
    ['tabular p99 < 5 ms (saturated)', tBest.p99, 5, '<'],
    ['wide >= 80% of in-process ORT rows/s', ratio(wBest.rps, wCeiling), 0.8, '>='],
    ['tabular p99 < 100 ms at 80% load', t80.p99, 100, '<'],
    ['wide p99 < 100 ms at 80% load', w80.p99, 100, '<'],
    ['blue-green + rollback: 0 failed', bg.failed, 0, '=='],
    ['logging at 10% costs < 5%', 1 - ratio(tLog.rps, tBest.rps), 0.05, '<'],
  ] as const;

  rows.push(['run', 'req/s', 'p50 ms', 'p99 ms', 'mean batch', 'failed']);
  const line = (name: string, r: { rps: number; p50: number; p99: number; failed: number; batch?: number }) => rows.push([name, f(r.rps), String(r.p50), String(r.p99), r.batch ? r.batch.toFixed(1) : '-', String(r.failed)]);
  line('tabular no-inference (HTTP+validation)', noop);
  line('tabular worker, in-process', tIn);
  line('tabular worker, inference thread', tTh);
  line('tabular worker, batching disabled', tNo);
  line(`tabular worker, log 10% (${tBest.mode})`, tLog);
  line(`tabular worker at 80% load (${tBest.mode})`, { ...t80, batch: 0 });
  line(`tabular blue-green + rollback (${tBest.mode})`, bg);
  line('wide worker, in-process', wIn);
  line('wide worker, inference thread', wTh);
  line(`wide worker at 80% load (${wBest.mode})`, { ...w80, batch: 0 });
  rows.push([`wide in-process ORT, batch ${formed}`, `${f(wCeiling)} rows/s`, '-', '-', String(formed), '-']);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log(`\nWorker benchmark: ${out.machine && (out.machine as { cpu: string }).cpu}, ${os.cpus().length} cores, ${CONNECTIONS} connections, ${DURATION_S} s per run, ${THREADS} intra-op thread(s), max batch ${MAX_BATCH}\n`);
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  console.log('\nGoals');
  const goalOut: Record<string, { value: number; target: number; met: boolean }> = {};
  for (const [name, value, target, op] of goals) {
    const met = op === '>=' ? value >= target : op === '<' ? value < target : value === target;
    goalOut[name] = { value: Math.round(value * 1000) / 1000, target, met };
    console.log(`  ${met ? 'MET ' : 'MISS'}  ${name.padEnd(40)} ${value.toFixed(3)} (target ${op} ${target})`);
  }
  const strip = ({ url: _u, ...r }: { url?: string } & Record<string, unknown>) => r;
  Object.assign(out, {
    tabular: { no_inference: strip(noop), in_process: strip(tIn), thread: strip(tTh), batching_disabled: strip(tNo), logging_10pct: strip(tLog), at_80pct: t80, blue_green: strip(bg), chosen_mode: tBest.mode },
    wide: { in_process: strip(wIn), thread: strip(wTh), at_80pct: w80, ort_in_process_rows_per_s: wCeiling, formed_batch: formed, chosen_mode: wBest.mode },
    goals: goalOut,
  });
  console.log(JSON.stringify(out));
}

if (process.argv.includes('--serve')) void serve(JSON.parse(process.env.BENCH_CONFIG!) as ServeConfig);
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
