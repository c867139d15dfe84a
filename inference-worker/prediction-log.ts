import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TTrafficVariant } from '../server/contracts/worker-desired-state';
import { MAX_LOG_BATCH, type TPredictionLogRecord } from '../server/contracts/worker-prediction-log';
import { canonicalJson } from '../server/domain/canonical-config';
import { RateWindow, sampleDecision } from '../server/domain/log-sampling';
import type { WorkerMetrics } from './worker-metrics';

/*
 * The prediction log: sampled on the hot path (cheap decision first, hashing only for kept records),
 * shipped to the control plane in batches off the hot path. While the control plane is unreachable
 * records go to an append-only JSON-lines spool; once the spool holds anything, new records are
 * appended behind it, so replay ships everything in the order it happened. A sidecar file holds the
 * byte offset already shipped, so a crash mid-replay resends at most one batch (the control plane
 * dedupes on request_id + item).
 */

/** A refusal that retrying cannot fix (4xx): the records are dropped and counted, not spooled forever. */
export class PermanentShipError extends Error {}

export type ShipFn = (records: TPredictionLogRecord[]) => Promise<void>;

export interface LoggedRequest {
  requestId: string;
  model: string;
  version: number;
  variant: TTrafficVariant;
  items: readonly unknown[];
  outcomes: readonly { prediction: number | string | null; confidence: number | null }[];
  latencyMs: number;
  error: string | null;
  /** The sticky routing key the caller sent, so feedback can find the prediction by it. */
  routingKey?: string | null;
  /** Feature names in input order, to turn `{feature: value}` items into rows for drift. */
  features?: readonly string[] | null;
}

export interface PredictionLogOptions {
  ship: ShipFn;
  spoolFile: string;
  metrics: WorkerMetrics;
  slowMs: number;
  batchSize?: number;
  flushIntervalMs?: number;
  /** Records held in memory at most; beyond it new records are dropped (counted) rather than risking OOM. */
  maxBuffered?: number;
  random?: () => number;
}

function inputHash(item: unknown): string {
  let text: string;
  try {
    text = canonicalJson(item);
  } catch {
    text = JSON.stringify(item) ?? 'null'; // 1e999 parses to Infinity, which canonical JSON refuses
  }
  return createHash('sha256').update(text).digest('hex');
}

export class PredictionLog {
  private buffer: TPredictionLogRecord[] = [];
  private rates = new Map<string, RateWindow>();
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly random: () => number;
  private readonly offsetFile: string;

  constructor(private readonly opts: PredictionLogOptions) {
    this.batchSize = Math.min(opts.batchSize ?? 500, MAX_LOG_BATCH);
    this.maxBuffered = opts.maxBuffered ?? 100_000;
    this.random = opts.random ?? Math.random;
    this.offsetFile = `${opts.spoolFile}.offset`;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  record(r: LoggedRequest): void {
    const now = Date.now();
    const key = `${r.model}@${r.version}`;
    let rate = this.rates.get(key);
    if (!rate) this.rates.set(key, (rate = new RateWindow()));
    rate.record(now);
    const decision = sampleDecision({
      ratePerSecond: rate.rate(now),
      isError: r.error !== null,
      isSlow: r.latencyMs >= this.opts.slowMs,
      variant: r.variant,
      random: this.random(),
    });
    const m = this.opts.metrics;
    if (decision === 'dropped') return m.logDropped.inc(['sampled_out'], r.items.length);
    if (this.buffer.length + r.items.length > this.maxBuffered) return m.logDropped.inc(['overflow'], r.items.length);
    m.logSampled.inc([decision], r.items.length);
    const timestamp = new Date(now).toISOString();
    r.items.forEach((item, i) => {
      const o = r.outcomes[i];
      this.buffer.push({
        request_id: r.requestId,
        item: i,
        model: r.model,
        model_version: r.version,
        variant: r.variant,
        input_hash: inputHash(item),
        prediction: o?.prediction ?? null,
        confidence: o?.confidence ?? null,
        latency_ms: r.latencyMs,
        timestamp,
        error: r.error,
        routing_key: r.routingKey ?? null,
        inputs: numericRow(item, r.features),
      });
    });
    if (this.buffer.length >= this.batchSize) void this.flush();
  }

  /** Ships (or spools) everything recorded so far; calls are serialised, so order is kept. */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.flushNow()).catch(() => undefined);
    return this.chain;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private async flushNow(): Promise<void> {
    const take = this.buffer;
    this.buffer = [];
    if (await this.spoolHasData()) {
      if (take.length) await this.spool(take);
      await this.replay();
      return;
    }
    for (let i = 0; i < take.length; i += this.batchSize) {
      const chunk = take.slice(i, i + this.batchSize);
      const ok = await this.shipChunk(chunk);
      if (!ok) {
        await this.spool(take.slice(i));
        return;
      }
    }
  }

  /** true when shipped or permanently refused; false when the control plane is unreachable. */
  private async shipChunk(chunk: TPredictionLogRecord[]): Promise<boolean> {
    try {
      await this.opts.ship(chunk);
      this.opts.metrics.logShipped.inc([], chunk.length);
      return true;
    } catch (err) {
      if (err instanceof PermanentShipError) {
        this.opts.metrics.logDropped.inc(['rejected'], chunk.length);
        return true;
      }
      return false;
    }
  }

  private async spool(records: TPredictionLogRecord[]): Promise<void> {
    await mkdir(path.dirname(this.opts.spoolFile), { recursive: true });
    await appendFile(this.opts.spoolFile, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    this.opts.metrics.logSpooled.inc([], records.length);
  }

  private async spoolHasData(): Promise<boolean> {
    try {
      return (await stat(this.opts.spoolFile)).size > 0;
    } catch {
      return false;
    }
  }

  private async replay(): Promise<void> {
    let offset = 0;
    try {
      offset = Number(await readFile(this.offsetFile, 'utf8')) || 0;
    } catch {
      // no replay in progress
    }
    const text = (await readFile(this.opts.spoolFile)).subarray(offset).toString('utf8');
    const lines = text.split('\n');
    lines.pop(); // the text ends with "\n"; a torn last line (crash mid-append) has no "\n" and is left out
    let at = offset;
    for (let i = 0; i < lines.length; i += this.batchSize) {
      const slice = lines.slice(i, i + this.batchSize);
      const records = slice.flatMap((l) => {
        try {
          return [JSON.parse(l) as TPredictionLogRecord];
        } catch {
          return [];
        }
      });
      if (records.length && !(await this.shipChunk(records))) return;
      at += slice.reduce((s, l) => s + Buffer.byteLength(l) + 1, 0);
      await writeFile(this.offsetFile, String(at));
    }
    await writeFile(this.opts.spoolFile, '');
    await rm(this.offsetFile, { force: true });
  }
}

/** POST {controlPlane}/api/worker/v1/prediction-logs with ZPredictionLogBatch. */
export function controlPlaneShipper(baseUrl: string, token: string | undefined, workerId: string, fetchFn: typeof fetch = fetch): ShipFn {
  const url = new URL('/api/worker/v1/prediction-logs', baseUrl);
  return async (records) => {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ worker_id: workerId, records }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new PermanentShipError(`prediction-log ingest refused a batch: HTTP ${res.status}`);
    throw new Error(`prediction-log ingest failed: HTTP ${res.status}`);
  };
}

/** The item as a numeric row in input order (drift compares each feature with training); undefined when it is not numeric. */
function numericRow(item: unknown, features: readonly string[] | null | undefined): number[] | undefined {
  const values = Array.isArray(item) ? item : features && item && typeof item === 'object' ? features.map((f) => (item as Record<string, unknown>)[f]) : null;
  if (!values || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  return values as number[];
}
