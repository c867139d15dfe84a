import { createHash } from 'node:crypto';
import type { TTrafficVariant } from '../server/contracts/worker-desired-state';
import { MAX_JSON_DEPTH, findUnsafeJson } from '../server/contracts/safe-text';
import { MAX_LOG_BATCH, ZPredictionLogAck, type TPredictionLogRecord } from '../server/contracts/worker-prediction-log';
import { canonicalJson } from '../server/domain/canonical-config';
import { RateWindow, errorKind, sampleDecision } from './log-sampling';
import { LogShipper, PermanentShipError, TransientShipError, type ShipFn } from './spool/log-shipper';
import type { WorkerMetrics } from './worker-metrics';

/*
 * The prediction log: sampled on the hot path (cheap decision first, hashing only for kept records),
 * shipped to the control plane in batches off the hot path by a LogShipper: straight to the control
 * plane while it answers, through a segmented on-disk spool (inference-worker/spool/) while it does
 * not, in the order things happened. Records the control plane refuses go to a dead-letter file
 * beside the spool and are never retried; see docs/operations.md ("Prediction-log spool").
 *
 * A request that failed (refused input, a model error) becomes at most one record, whatever its
 * size: its first item stands for it, no other item is ever read. That keeps a flood of refused
 * requests from turning into a flood of records; error records are then sampled per kind of
 * error past an always-keep budget (inference-worker/log-sampling.ts).
 */

export { PermanentShipError, TransientShipError, type ShipFn };

export interface LoggedRequest {
  requestId: string;
  model: string;
  version: number;
  variant: TTrafficVariant;
  /** The request's items. For a failed request only the first is read, so it may be anything the caller sent. */
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
  /**
   * Where the spool lives: `<name>.jsonl` gives the segment directory `<name>/` and the dead-letter
   * file `<name>.dead-letter.jsonl` (spoolPaths); a file left at this path by an older worker (one
   * JSON-lines spool) is adopted as the oldest segment.
   */
  spoolFile: string;
  metrics: WorkerMetrics;
  slowMs: number;
  batchSize?: number;
  /** Records per batch when replaying the spool (default and most: MAX_LOG_BATCH, 5,000). */
  replayBatchSize?: number;
  flushIntervalMs?: number;
  /** Records held in memory at most; beyond it new records are dropped (counted) rather than risking OOM. */
  maxBuffered?: number;
  /** The spool's size cap (BALLAST_WORKER_SPOOL_MAX_BYTES); at the cap new records are dropped, stored ones kept. */
  spoolMaxBytes?: number;
  spoolSegmentBytes?: number;
  deadLetterMaxBytes?: number;
  log?: (line: string) => void;
  random?: () => number;
  now?: () => number;
}

/** The spool directory and dead-letter file that belong to a configured spool path. */
export function spoolPaths(spoolFile: string): { dir: string; deadLetterFile: string; legacyFile: string } {
  const base = spoolFile.endsWith('.jsonl') ? spoolFile.slice(0, -'.jsonl'.length) : `${spoolFile}.d`;
  return { dir: base, deadLetterFile: `${base}.dead-letter.jsonl`, legacyFile: spoolFile };
}

/** sha256 of an item that cannot be canonicalised safely (nested past MAX_JSON_DEPTH, text that is not Unicode). */
export const UNHASHABLE_INPUT_MARKER = 'ballast:unhashable-input';

export function inputHash(item: unknown): string {
  let text: string;
  // canonicalJson recurses: bound the depth first (findUnsafeJson does not recurse).
  if (findUnsafeJson(item, MAX_JSON_DEPTH) !== null) text = UNHASHABLE_INPUT_MARKER;
  else {
    try {
      text = canonicalJson(item);
    } catch {
      text = JSON.stringify(item) ?? 'null'; // 1e999 parses to Infinity, which canonical JSON refuses
    }
  }
  return createHash('sha256').update(text).digest('hex');
}

/** Kinds of error with a rate window kept at most; past it the windows start afresh (bounded memory). */
const MAX_ERROR_KINDS = 1024;

export class PredictionLog {
  private buffer: TPredictionLogRecord[] = [];
  private rates = new Map<string, RateWindow>();
  private errorRates = new Map<string, RateWindow>();
  private chain: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  readonly shipper: LogShipper;
  readonly paths: ReturnType<typeof spoolPaths>;

  constructor(private readonly opts: PredictionLogOptions) {
    this.batchSize = Math.min(opts.batchSize ?? 500, MAX_LOG_BATCH);
    this.maxBuffered = opts.maxBuffered ?? 100_000;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((line: string) => console.log(`[worker] ${line}`));
    this.paths = spoolPaths(opts.spoolFile);
    this.shipper = new LogShipper({
      ship: opts.ship,
      spoolDir: this.paths.dir,
      deadLetterFile: this.paths.deadLetterFile,
      legacySpoolFile: this.paths.legacyFile,
      spoolMaxBytes: opts.spoolMaxBytes,
      spoolSegmentBytes: opts.spoolSegmentBytes,
      deadLetterMaxBytes: opts.deadLetterMaxBytes,
      metrics: opts.metrics,
      log: this.log,
      batchSize: this.batchSize,
      replayBatchSize: opts.replayBatchSize === undefined ? undefined : Math.min(opts.replayBatchSize, MAX_LOG_BATCH),
      random: this.random,
      now: this.now,
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  record(r: LoggedRequest): void {
    const now = this.now();
    const key = `${r.model}@${r.version}`;
    let rate = this.rates.get(key);
    if (!rate) this.rates.set(key, (rate = new RateWindow()));
    rate.record(now);
    const isError = r.error !== null;
    let errorRate: number | undefined;
    if (isError) {
      const kind = errorKind(r.model, r.version, r.error!);
      let w = this.errorRates.get(kind);
      if (!w) {
        if (this.errorRates.size >= MAX_ERROR_KINDS) this.errorRates.clear();
        this.errorRates.set(kind, (w = new RateWindow()));
      }
      w.record(now);
      errorRate = w.rate(now);
    }
    const decision = sampleDecision({
      ratePerSecond: rate.rate(now),
      isError,
      errorRatePerSecond: errorRate,
      isSlow: r.latencyMs >= this.opts.slowMs,
      variant: r.variant,
      random: this.random(),
    });
    const items = Array.isArray(r.items) ? r.items : [];
    // A failed request is one record (its first item); a served one a record per item.
    const n = isError ? 1 : items.length;
    const m = this.opts.metrics;
    if (n === 0) return;
    if (decision === 'dropped') return m.logDropped.inc(['sampled_out'], n);
    if (this.buffer.length + n > this.maxBuffered) return m.logDropped.inc(['overflow'], n);
    m.logSampled.inc([decision], n);
    const timestamp = new Date(now).toISOString();
    for (let i = 0; i < n; i++) {
      const item: unknown = items[i];
      const o = r.outcomes[i];
      this.buffer.push({
        request_id: r.requestId,
        item: i,
        model: r.model,
        model_version: r.version,
        variant: r.variant,
        input_hash: inputHash(item ?? null),
        prediction: o?.prediction ?? null,
        confidence: o?.confidence ?? null,
        latency_ms: r.latencyMs,
        timestamp,
        error: r.error,
        routing_key: r.routingKey ?? null,
        inputs: numericRow(item, r.features),
      });
    }
    if (this.buffer.length >= this.batchSize) void this.flush();
  }

  /**
   * Ships (or spools) everything recorded so far and replays the spool while the control plane
   * takes it; calls are serialised and coalesced, so order is kept.
   */
  flush(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.chain.then(() => {
      this.queued = null;
      return this.shipper.pass(() => this.drain());
    });
    this.queued = next.catch((err: Error) => this.log(`prediction log: a flush failed (${err.message})`));
    this.chain = this.queued;
    return this.queued;
  }

  /** Stops the timer, ships or spools what is buffered (the spooled backlog replays at the next start). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.chain = this.chain.then(() => this.shipper.pass(() => this.drain(), true)).catch((err: Error) => this.log(`prediction log: the last flush failed (${err.message})`));
    await this.chain;
    await this.shipper.close();
  }

  private drain(): TPredictionLogRecord[] {
    const take = this.buffer;
    this.buffer = [];
    return take;
  }
}

/**
 * POST {controlPlane}/api/worker/v1/prediction-logs with the envelope; resolves with ingest's
 * per-record answer. 400/413/422 (and other 4xx but 408/429) refuse the batch for good; 408, 429,
 * 5xx and network errors are transient. A 2xx whose body is not an answer (an older control plane)
 * counts as all accepted: the control plane said it stored them.
 */
export function controlPlaneShipper(baseUrl: string, token: string | undefined, workerId: string, fetchFn: typeof fetch = fetch): ShipFn {
  const url = new URL('/api/worker/v1/prediction-logs', baseUrl);
  const prefix = `{"worker_id":${JSON.stringify(workerId)},"records":[`;
  const post = async (body: string) => {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text().catch(() => '');
    if (res.ok) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return;
      }
      const ack = ZPredictionLogAck.safeParse(json);
      return ack.success ? ack.data : undefined;
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      throw new PermanentShipError(`prediction-log ingest refused the batch: HTTP ${res.status} ${errorMessage(text)}`.trim(), res.status);
    }
    throw new TransientShipError(`prediction-log ingest failed: HTTP ${res.status}`, res.status);
  };
  const ship: ShipFn = (records) => post(JSON.stringify({ worker_id: workerId, records }));
  // Spooled lines are JSON records already: the envelope is put around them as they are.
  ship.raw = (lines) => post(`${prefix}${lines.join(',')}]}`);
  return ship;
}

/** The message of a Ballast error body, short; the raw text when it is not one. */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string };
    const msg = typeof body.error === 'string' ? body.error : body.error?.message;
    if (typeof msg === 'string') return msg.slice(0, 1000);
  } catch {
    // not JSON
  }
  return text.slice(0, 1000);
}

/** The item as a numeric row in input order (drift compares each feature with training); undefined when it is not numeric. */
function numericRow(item: unknown, features: readonly string[] | null | undefined): number[] | undefined {
  const values = Array.isArray(item) ? item : features && item && typeof item === 'object' ? features.map((f) => (item as Record<string, unknown>)[f]) : null;
  if (!values || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  return values as number[];
}
