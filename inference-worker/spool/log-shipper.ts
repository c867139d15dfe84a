import { MAX_LOG_BATCH, type TPredictionLogAck, type TPredictionLogRecord } from '../../server/contracts/worker-prediction-log';
import type { WorkerMetrics } from '../worker-metrics';
import { Backoff, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { DeadLetterFile, type DeadLetter } from './dead-letter';
import { RateLimitedLog } from './rate-limited-log';
import { SegmentSpool, type SpoolPosition } from './segment-spool';

/*
 * Moves prediction-log records from memory to the control plane, in the order they happened.
 * While the spool is empty and the control plane answers, records go straight to it; after a
 * transient failure (network, 5xx, 408, 429) they go behind the spool and the spool is replayed
 * batch by batch once the backoff allows, with new records appended between batches. Each answer
 * is read per record: what ingest refuses (by index, or a whole batch refused with 400/413/422) is
 * dead-lettered and never sent again; everything else counts as shipped and moves the cursor on.
 */

/** The control plane refused the whole batch for good (HTTP 4xx other than 408/429). */
export class PermanentShipError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A failure worth retrying (408, 429, 5xx), with the HTTP status when there was an answer. */
export class TransientShipError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/**
 * A head batch answered HTTP 500 this many times in a row (the control plane is up, yet fails on
 * it) is bisected: a record that keeps failing while the records sent beside it are stored is
 * poison and is dead-lettered, so no record can stop the log (whatever ingest's bug). A real
 * outage fails every half alike and dead-letters nothing.
 */
export const POISON_SUSPECT_AFTER = 3;
/** Requests one bisection may make (a poison record in 5,000 needs about 2 x 13). */
const ISOLATION_BUDGET = 64;

/**
 * Ships one batch. Resolves with ingest's per-record answer (void: all accepted, as from a
 * receiver that answers nothing); throws PermanentShipError for a refused batch, anything else
 * for "try again later". `raw`, where the shipper has it, sends records given as their JSON text
 * (spooled lines), so a replay neither parses nor re-serialises what it sends.
 */
export type ShipFn = ((records: TPredictionLogRecord[]) => Promise<TPredictionLogAck | void>) & {
  raw?: (lines: readonly string[]) => Promise<TPredictionLogAck | void>;
};

export interface LogShipperOptions {
  ship: ShipFn;
  spoolDir: string;
  deadLetterFile: string;
  /** A single-file spool of an older worker, adopted into the segments on start. */
  legacySpoolFile?: string;
  spoolMaxBytes?: number;
  spoolSegmentBytes?: number;
  deadLetterMaxBytes?: number;
  metrics: WorkerMetrics;
  log?: (line: string) => void;
  batchSize: number;
  /** Records per replayed batch (default MAX_LOG_BATCH, 5,000): a backlog ships faster in large batches (bench/spool-replay.ts). */
  replayBatchSize?: number;
  /** A replayed batch stops at about this many bytes of records (ingest refuses bodies over 32 MiB). */
  maxBatchBytes?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  now?: () => number;
}

interface Pending {
  /** The spooled line of each record: sent as it is (ShipFn.raw) and dead-lettered byte for byte. */
  lines: string[];
  end: SpoolPosition;
  /** Lines the batch covers in the spool (records and unreadable lines). */
  count: number;
}

export class LogShipper {
  private spool: SegmentSpool | null = null;
  private readonly ready: Promise<void>;
  private readonly deadLetters: DeadLetterFile;
  private readonly backoff: Backoff;
  private readonly notes: RateLimitedLog;
  private readonly now: () => number;
  private readonly maxBatchBytes: number;
  /** Batches read from the spool and not yet committed, oldest first (the one shipping, one read ahead). */
  private queue: Pending[] = [];
  /** HTTP status of the last transient failure (null: no answer, a network error). */
  private lastFailureStatus: number | null = null;
  /** Consecutive HTTP 500 answers to the batch at the head of the spool. */
  private head500s = 0;

  constructor(private readonly opts: LogShipperOptions) {
    const log = opts.log ?? ((line: string) => console.log(`[worker] ${line}`));
    this.now = opts.now ?? Date.now;
    this.notes = new RateLimitedLog(log, 10_000, this.now);
    this.backoff = new Backoff(opts.backoff ?? DEFAULT_BACKOFF, opts.random ?? Math.random);
    this.deadLetters = new DeadLetterFile({ file: opts.deadLetterFile, maxBytes: opts.deadLetterMaxBytes });
    this.maxBatchBytes = opts.maxBatchBytes ?? 8 << 20;
    opts.metrics.spool.capBytes = opts.spoolMaxBytes ?? 2 * 1024 ** 3;
    this.ready = SegmentSpool.open({ dir: opts.spoolDir, maxBytes: opts.spoolMaxBytes, segmentBytes: opts.spoolSegmentBytes, legacyFile: opts.legacySpoolFile }).then(
      ({ spool, report }) => {
        this.spool = spool;
        if (report.adoptedLegacy) log(`prediction log: adopted the single-file spool ${opts.legacySpoolFile} (${spool.records} records to replay)`);
        if (report.tornBytes) {
          opts.metrics.logDropped.inc(['torn'], 1);
          log(`prediction log: cut a torn last line (${report.tornBytes} bytes, a crash mid-append) off the spool`);
        }
        if (spool.records) log(`prediction log: ${spool.records} spooled records (${spool.bytes} bytes) to replay`);
        this.updateGauges();
      },
      (err: Error) => log(`prediction log: cannot open the spool in ${opts.spoolDir} (${err.message}); records that cannot be shipped at once are dropped`),
    );
  }

  /** Spool bytes and records (after start-up, once the spool is open). */
  async stats(): Promise<{ bytes: number; records: number }> {
    await this.ready;
    return { bytes: this.spool?.bytes ?? 0, records: this.spool?.records ?? 0 };
  }

  /**
   * One pass: places what `drain()` hands over (shipped or spooled), then replays the spool batch
   * by batch while the control plane takes it, draining new records behind each batch. With
   * `final` (shutdown) it only places what is left: the backlog replays at the next start.
   */
  async pass(drain: () => TPredictionLogRecord[], final = false): Promise<void> {
    await this.ready;
    for (;;) {
      const fresh = drain();
      if (fresh.length) await this.place(fresh);
      if (final || !this.backoff.ready(this.now()) || !this.spool) break;
      const batch = this.queue.shift() ?? (await this.readBatch());
      if (!batch) break;
      // Read the next batch from disk while this one is on the wire; it is sent only after.
      const ahead = this.queue.length === 0 ? this.readBatch() : null;
      ahead?.catch(() => undefined); // awaited below; never an unhandled rejection if shipping throws first
      const outcome = batch.lines.length === 0 ? 'done' : this.head500s >= POISON_SUSPECT_AFTER ? await this.isolateTop(batch.lines) : await this.shipLines(batch.lines);
      const next = ahead ? await ahead : null;
      if (next) this.queue.push(next);
      if (outcome === 'retry') {
        this.head500s = this.lastFailureStatus === 500 ? this.head500s + 1 : 0;
        this.queue.unshift(batch);
        this.failed();
        break;
      }
      this.head500s = 0;
      await this.spool.commit(batch.end, batch.count);
      // Committing may delete a segment: room again, until an append finds the cap once more.
      if (this.spool.bytes < this.spool.maxBytes) this.opts.metrics.spool.full = 0;
      if (batch.lines.length) this.backoff.succeed();
      this.updateGauges();
    }
    this.updateGauges();
  }

  async close(): Promise<void> {
    await this.ready;
    this.notes.flush();
    await this.spool?.close();
    await this.deadLetters.close();
  }

  private get spoolBusy(): boolean {
    return this.queue.length > 0 || (this.spool !== null && !this.spool.isEmpty);
  }

  private async place(records: TPredictionLogRecord[]): Promise<void> {
    if (this.spoolBusy || !this.backoff.ready(this.now())) return this.toSpool(records);
    for (let i = 0; i < records.length; ) {
      const end = this.chunkEnd(records, i);
      if ((await this.shipBatch(records.slice(i, end))) === 'retry') {
        this.failed();
        return this.toSpool(i === 0 ? records : records.slice(i));
      }
      this.backoff.succeed();
      i = end;
    }
  }

  /** End of the batch starting at `from`: batchSize records, fewer when their rows make it large. */
  private chunkEnd(records: TPredictionLogRecord[], from: number): number {
    let bytes = 0;
    let i = from;
    // About 400 bytes of fields and up to 24 per input value: an estimate, a 413 splits further.
    while (i < records.length && i - from < this.opts.batchSize && (i === from || bytes < this.maxBatchBytes)) bytes += 400 + (records[i++]!.inputs?.length ?? 0) * 24;
    return i;
  }

  private async toSpool(records: TPredictionLogRecord[]): Promise<void> {
    const m = this.opts.metrics;
    if (!this.spool) return void m.logDropped.inc(['spool_error'], records.length);
    try {
      const { written, refused } = await this.spool.append(records.map((r) => JSON.stringify(r)));
      m.logSpooled.inc([], written);
      if (refused) {
        m.logDropped.inc(['spool_full'], refused);
        m.spool.full = 1;
        this.notes.note('spool_full', refused, (n) => `prediction log: the spool is at its cap (${this.spool!.maxBytes} bytes); ${n} new records dropped (kept: what is already spooled)`);
      } else m.spool.full = 0;
    } catch (err) {
      m.logDropped.inc(['spool_error'], records.length);
      this.notes.note('spool_error', records.length, (n) => `prediction log: cannot append to the spool (${(err as Error).message}); ${n} records dropped`);
    }
    this.updateGauges();
  }

  private async readBatch(): Promise<Pending | null> {
    const b = await this.spool!.read(this.opts.replayBatchSize ?? MAX_LOG_BATCH, this.maxBatchBytes);
    if (!b) return null;
    if (b.unreadable.length) {
      await this.deadLetter(
        b.unreadable.map((u) => ({ reason: `unreadable spool bytes: ${u.bytes} bytes without a line end`, record: { segment: u.at.segment, offset: u.at.offset, bytes: u.bytes } })),
        'unreadable',
      );
    }
    return { lines: b.lines, end: b.end, count: b.lines.length + b.unreadable.length };
  }

  /**
   * Ships spooled lines: as they are where the shipper can (ShipFn.raw), else parsed. A raw batch
   * the control plane refuses as unreadable is parsed line by line, so that a corrupt line is
   * dead-lettered alone and the records around it are sent once more as records.
   */
  private async shipLines(lines: string[]): Promise<'done' | 'retry'> {
    const raw = this.opts.ship.raw;
    if (raw) {
      const outcome = await this.attempt(() => raw(lines), lines.length);
      if (outcome.kind === 'retry') return 'retry';
      if (outcome.kind === 'ack') return this.settle(outcome.ack, lines.length, (i) => ({ record: lines[i]!, raw: true }));
      if (outcome.err.status === 413 && lines.length > 1) {
        const half = Math.ceil(lines.length / 2);
        if ((await this.shipLines(lines.slice(0, half))) === 'retry') return 'retry';
        return this.shipLines(lines.slice(half));
      }
    }
    const records: TPredictionLogRecord[] = [];
    const kept: string[] = [];
    const bad: DeadLetter[] = [];
    for (const line of lines) {
      try {
        const r = JSON.parse(line) as unknown;
        if (!r || typeof r !== 'object' || Array.isArray(r)) throw new Error('not a record');
        records.push(r as TPredictionLogRecord);
        kept.push(line);
      } catch {
        bad.push({ reason: 'unreadable spool line: not a JSON record', record: line.slice(0, 64 * 1024), raw: true });
      }
    }
    if (bad.length) await this.deadLetter(bad, 'unreadable');
    return records.length ? this.shipBatch(records, kept) : 'done';
  }

  private async isolateTop(lines: string[]): Promise<'done' | 'retry'> {
    const r = await this.isolate(lines, { left: ISOLATION_BUDGET });
    return r === 'done' ? 'done' : 'retry';
  }

  /** 'failing': every record here got HTTP 500; 'done': all settled (stored, refused or found poison). */
  private async isolate(lines: string[], budget: { left: number }): Promise<'done' | 'retry' | 'failing'> {
    if (budget.left-- <= 0) return 'retry';
    if ((await this.shipLines(lines)) === 'done') return 'done';
    if (this.lastFailureStatus !== 500) return 'retry';
    if (lines.length === 1) return 'failing';
    const half = Math.ceil(lines.length / 2);
    const a = await this.isolate(lines.slice(0, half), budget);
    if (a === 'retry') return 'retry';
    const b = await this.isolate(lines.slice(half), budget);
    if (b === 'retry') return 'retry';
    if (a === 'failing' && b === 'failing') return 'failing';
    // One side was stored, so ingest is up: what fails beside it fails because of itself.
    const poison = [...(a === 'failing' ? lines.slice(0, half) : []), ...(b === 'failing' ? lines.slice(half) : [])];
    await this.deadLetter(
      poison.map((line) => ({ reason: `poison: ingest answered HTTP 500 for this record ${POISON_SUSPECT_AFTER}+ times while it stored the records sent beside it`, record: line, raw: true })),
      'poison',
    );
    return 'done';
  }

  private async attempt(send: () => Promise<TPredictionLogAck | void>, n: number): Promise<{ kind: 'ack'; ack: TPredictionLogAck | void } | { kind: 'refused'; err: PermanentShipError } | { kind: 'retry' }> {
    try {
      return { kind: 'ack', ack: await send() };
    } catch (err) {
      if (err instanceof PermanentShipError) return { kind: 'refused', err };
      this.lastFailureStatus = err instanceof TransientShipError ? err.status : null;
      this.opts.metrics.logShipFailures.inc();
      this.notes.note('ship_failed', 1, (k) => `prediction log: shipping ${n} records failed (${(err as Error).message}); ${k} failure(s), retrying with backoff`);
      return { kind: 'retry' };
    }
  }

  /** Dead-letters what the answer refused by index; the rest counts as shipped. */
  private async settle(ack: TPredictionLogAck | void, n: number, letter: (i: number) => Omit<DeadLetter, 'reason'>): Promise<'done'> {
    const refused = new Map<number, string>();
    for (const r of ack?.rejected ?? []) if (Number.isInteger(r.index) && r.index >= 0 && r.index < n) refused.set(r.index, r.reason);
    if (refused.size) await this.deadLetter([...refused].map(([i, reason]) => ({ reason, ...letter(i) })), 'rejected');
    this.opts.metrics.logShipped.inc([], n - refused.size);
    return 'done';
  }

  /** 'done' when ingest answered for every record (stored or refused), 'retry' on a transient failure. */
  private async shipBatch(records: TPredictionLogRecord[], lines?: string[]): Promise<'done' | 'retry'> {
    const outcome = await this.attempt(() => this.opts.ship(records), records.length);
    if (outcome.kind === 'retry') return 'retry';
    if (outcome.kind === 'ack') return this.settle(outcome.ack, records.length, (i) => (lines ? { record: lines[i]!, raw: true } : { record: records[i] }));
    // Too large as a whole: halves may pass (a batch of huge rows), down to a single record.
    if (outcome.err.status === 413 && records.length > 1) {
      const half = Math.ceil(records.length / 2);
      if ((await this.shipBatch(records.slice(0, half), lines?.slice(0, half))) === 'retry') return 'retry';
      return this.shipBatch(records.slice(half), lines?.slice(half));
    }
    const reason = outcome.err.message;
    await this.deadLetter(
      records.map((r, i) => (lines ? { reason, record: lines[i]!, raw: true } : { reason, record: r })),
      'batch_refused',
    );
    return 'done';
  }

  private async deadLetter(letters: DeadLetter[], reason: 'rejected' | 'batch_refused' | 'unreadable' | 'poison'): Promise<void> {
    this.opts.metrics.logDeadLettered.inc([reason], letters.length);
    try {
      await this.deadLetters.write(letters);
    } catch (err) {
      this.notes.note('dead_letter_error', letters.length, (n) => `prediction log: cannot write the dead-letter file ${this.deadLetters.file} (${(err as Error).message}); ${n} refused records lost`);
    }
    this.notes.note(`dead_letter_${reason}`, letters.length, (n) => `prediction log: ${n} record(s) refused by the control plane (${reason}: ${letters[0]!.reason.slice(0, 200)}) went to ${this.deadLetters.file}; they are not retried`);
  }

  private failed(): void {
    const delay = this.backoff.fail(this.now());
    this.opts.metrics.spool.retryInS = delay / 1000;
  }

  private updateGauges(): void {
    const s = this.opts.metrics.spool;
    s.bytes = this.spool?.bytes ?? 0;
    s.records = this.spool?.records ?? 0;
    s.retryInS = this.backoff.remainingMs(this.now()) / 1000;
  }
}
