import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TDesiredState, TDesiredVersion } from '../../server/contracts/worker-desired-state';
import type { TPredictionLogRecord } from '../../server/contracts/worker-prediction-log';
import { sha256Hex } from '../model-source';
import { controlPlaneShipper } from '../prediction-log';
import { createWorker, type Worker, type WorkerConfig } from '../worker';
import { MemoryModelSource } from './memory-model-source';
import { buildMlp, type Mlp } from './onnx-mlp';

/** Test-only helpers: real models, a real worker on an ephemeral port, a real HTTP log receiver. */

export const SMALL = [8, 16, 3];

export function model(seed: number, weightScale = 1): Mlp {
  return buildMlp({ layers: SMALL, seed, weightScale });
}

export function desiredVersion(version: number, m: Mlp, weight: number, variant: TDesiredVersion['variant'] = 'stable', golden = true): TDesiredVersion {
  const row = Array.from({ length: m.spec.layers[0]! }, (_, i) => (i % 3) - 1);
  return {
    version,
    sha256: sha256Hex(m.bytes),
    weight,
    variant,
    signature: { features: Array.from({ length: m.spec.layers[0]! }, (_, i) => `f${i}`), allow_non_finite: false },
    golden: golden ? [{ input: row, expected: m.forward(row), tolerance: 1e-4 }] : [],
  };
}

export function state(revision: string, name: string, versions: TDesiredVersion[]): TDesiredState {
  return { revision, generated_at: new Date().toISOString(), models: [{ name, ref: `${name}@production`, versions }] };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `ballast-${prefix}-`));
}

export const testConfig = (over: Partial<WorkerConfig> = {}): WorkerConfig => ({
  batchWindowMs: 10,
  maxBatchSize: 16,
  queueLimitRows: 4096,
  requestDeadlineMs: 10_000, // generous: the CI machine is shared, tests assert behaviour, not speed
  maxRowsPerRequest: 256,
  maxBodyBytes: 64 * 1024,
  intraOpThreads: 1,
  provider: 'cpu',
  inference: 'in-process',
  slowMs: 1000,
  spoolFile: path.join(tempDir('spool'), 'spool.jsonl'),
  logFlushIntervalMs: 50,
  ...over,
});

export interface Running {
  worker: Worker;
  url: string;
  source: MemoryModelSource;
  spoolFile: string;
  close(): Promise<void>;
}

export async function startWorker(opts: { config?: Partial<WorkerConfig>; logUrl?: string | null; source?: MemoryModelSource } = {}): Promise<Running> {
  const source = opts.source ?? new MemoryModelSource();
  const config = testConfig(opts.config);
  const worker = createWorker(config, {
    source,
    ship: opts.logUrl ? controlPlaneShipper(opts.logUrl, 'test-token', 'test-worker') : null,
    log: () => undefined,
  });
  const port = await worker.listen(0, '127.0.0.1');
  return { worker, url: `http://127.0.0.1:${port}`, source, spoolFile: config.spoolFile, close: () => worker.shutdown() };
}

/** A stand-in for the control plane's prediction-log ingest: stores records, can be stopped and restarted on the same port. */
export class LogReceiver {
  readonly records: TPredictionLogRecord[] = [];
  private server: Server | null = null;
  port = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { records: TPredictionLogRecord[] };
        this.records.push(...body.records);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted: body.records.length }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) total += Number(m[3]);
  }
  return total;
}

export interface TWorkerChild {
  child: ChildProcess;
  url: string;
  /** Everything the process has printed so far (stdout and stderr). */
  output(): string;
}

/**
 * `npm run worker` as a real process (inference-worker/main.ts) on an ephemeral loopback port,
 * with the given environment on top of this one; resolves once it listens.
 */
export async function spawnWorkerProcess(env: Record<string, string>, timeoutMs = 40_000): Promise<TWorkerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '..', 'main.ts')], {
    env: { ...process.env, BALLAST_WORKER_PORT: '0', BALLAST_WORKER_HOST: '127.0.0.1', BALLAST_WORKER_EXECUTION_PROVIDER: 'cpu', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(() => /listening on (http:\/\/\S+)/.test(output) || child.exitCode !== null, 'the worker to listen', timeoutMs);
  const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`the worker exited before listening:\n${output}`);
  return { child, url, output: () => output };
}
