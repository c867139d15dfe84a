import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TPredictionLogAck, TPredictionLogRecord } from '../server/contracts/worker-prediction-log';
import { canonicalJson } from '../server/domain/canonical-config';
import { inputHash, PermanentShipError, PredictionLog, spoolPaths, TransientShipError, UNHASHABLE_INPUT_MARKER, type LoggedRequest, type PredictionLogOptions } from './prediction-log';
import { createWorkerMetrics, type WorkerMetrics } from './worker-metrics';

/*
 * The prediction log with its real spool on disk and a ship function standing in for the HTTP
 * call (the HTTP shipper against the real ingest route is covered by prediction-log-ingest.int.test.ts).
 */

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const metricsFor = () => createWorkerMetrics({ queueDepth: () => [], versionStates: () => [], uptimeS: () => 0 });
const spoolFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'ballast-plog-')), 'spool.jsonl');
const counter = (m: WorkerMetrics, name: keyof WorkerMetrics, labels: string[] = []) => (m[name] as unknown as { get(l: string[]): number }).get(labels);

function request(i: number, over: Partial<LoggedRequest> = {}): LoggedRequest {
  return { requestId: `r${i}`, model: 'churn', version: 1, variant: 'stable', items: [[i, 1, 2]], outcomes: [{ prediction: 1, confidence: 0.9 }], latencyMs: 1, error: null, ...over };
}

/** A ship function whose answer each test decides; it records every call. */
class Ingest {
  calls: TPredictionLogRecord[][] = [];
  stored: TPredictionLogRecord[] = [];
  answer: (records: TPredictionLogRecord[]) => TPredictionLogAck | Error = () => ({ accepted: 0, rejected: [] });
  ship = async (records: TPredictionLogRecord[]): Promise<TPredictionLogAck | void> => {
    this.calls.push(records);
    const a = this.answer(records);
    if (a instanceof Error) throw a;
    const refused = new Set(a.rejected.map((r) => r.index));
    this.stored.push(...records.filter((_, i) => !refused.has(i)));
    return a;
  };
}

function setup(over: Partial<PredictionLogOptions> = {}) {
  const ingest = new Ingest();
  const metrics = metricsFor();
  let now = 1_000_000;
  const lines: string[] = [];
  const opts: PredictionLogOptions = { ship: ingest.ship, spoolFile: spoolFile(), metrics, slowMs: 1000, random: () => 0.5, now: () => now, log: (l) => lines.push(l), ...over };
  const log = new PredictionLog(opts);
  return { ingest, metrics, log, opts, lines, advance: (ms: number) => (now += ms), deadLetters: () => readLetters(spoolPaths(opts.spoolFile).deadLetterFile) };
}

function readLetters(file: string): { reason: string; record: TPredictionLogRecord }[] {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { reason: string; record: TPredictionLogRecord });
  } catch {
    return [];
  }
}

describe('inputHash', () => {
  it('is the sha256 of the canonical JSON of the item', () => {
    expect(inputHash({ b: 1, a: [1, 2] })).toBe(sha('{"a":[1,2],"b":1}'));
    expect(inputHash([0.5, 1e21])).toBe(sha(canonicalJson([0.5, 1e21])));
  });
  it('hashes a fixed marker for an item nested past the depth bound, without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(inputHash(deep)).toBe(sha(UNHASHABLE_INPUT_MARKER));
    let sixtyFour: unknown = 1;
    for (let i = 0; i < 64; i++) sixtyFour = [sixtyFour];
    expect(inputHash(sixtyFour)).toBe(sha(canonicalJson(sixtyFour)));
  });
});

describe('PredictionLog.record', () => {
  it('turns a failed request into one record, reading no item but the first', async () => {
    const { ingest, log, metrics } = setup();
    const read: number[] = [];
    const rows = new Proxy(Array.from({ length: 50_000 }, () => []), {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) read.push(Number(key));
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    log.record(request(1, { items: rows, outcomes: [], error: 'inputs.49999: must have 3 values' }));
    log.record(request(2, { items: [], outcomes: [], error: 'inputs: must not be empty' }));
    await log.close();
    expect(read).toEqual([0]);
    expect(ingest.stored.map((r) => [r.request_id, r.item, r.error])).toEqual([
      ['r1', 0, 'inputs.49999: must have 3 values'],
      ['r2', 0, 'inputs: must not be empty'],
    ]);
    expect(ingest.stored[1]!.input_hash).toBe(sha('null'));
    expect(counter(metrics, 'logSampled', ['always'])).toBe(2);
  });

  it('keeps errors of one kind up to the budget, then samples them', async () => {
    const { ingest, log, metrics } = setup({ random: () => 0.5 }); // 0.5: every sampling draw drops
    for (let i = 0; i < 100; i++) log.record(request(i, { error: `inputs.${i}: must be a number`, outcomes: [] }));
    log.record(request(100, { error: 'model failed', outcomes: [] })); // another kind keeps its own budget
    await log.close();
    expect(ingest.stored.filter((r) => r.error?.startsWith('inputs')).length).toBe(10);
    expect(ingest.stored.filter((r) => r.error === 'model failed').length).toBe(1);
    expect(counter(metrics, 'logDropped', ['sampled_out'])).toBe(90);
  });
});

describe('PredictionLog shipping', () => {
  it('dead-letters the records ingest refuses by index, ships the rest, and never sends them again', async () => {
    const { ingest, log, metrics, deadLetters } = setup();
    ingest.answer = (records) => ({ accepted: records.length - 1, rejected: [{ index: 1, reason: 'model_version: unknown model version churn v1' }] });
    for (let i = 0; i < 3; i++) log.record(request(i));
    await log.flush();
    ingest.answer = () => ({ accepted: 0, rejected: [] });
    await log.flush();
    await log.close();
    expect(ingest.calls).toHaveLength(1);
    expect(ingest.stored.map((r) => r.request_id)).toEqual(['r0', 'r2']);
    expect(deadLetters().map((l) => [l.reason, l.record.request_id])).toEqual([['model_version: unknown model version churn v1', 'r1']]);
    expect(counter(metrics, 'logDeadLettered', ['rejected'])).toBe(1);
    expect(counter(metrics, 'logShipped')).toBe(2);
  });

  it('dead-letters a batch refused with 400 instead of dropping it, and goes on with the next', async () => {
    const { ingest, log, metrics, deadLetters, lines } = setup();
    ingest.answer = () => new PermanentShipError('prediction-log ingest refused the batch: HTTP 400 invalid request body', 400);
    log.record(request(1));
    log.record(request(2));
    await log.flush();
    ingest.answer = () => ({ accepted: 1, rejected: [] });
    log.record(request(3));
    await log.close();
    expect(deadLetters().map((l) => l.record.request_id)).toEqual(['r1', 'r2']);
    expect(deadLetters()[0]!.reason).toContain('HTTP 400');
    expect(counter(metrics, 'logDeadLettered', ['batch_refused'])).toBe(2);
    expect(ingest.stored.map((r) => r.request_id)).toEqual(['r3']);
    expect(lines.some((l) => l.includes('refused by the control plane'))).toBe(true);
  });

  it('splits a batch answered 413 until the halves fit', async () => {
    const { ingest, log, deadLetters } = setup();
    ingest.answer = (records) => (records.length > 2 ? new PermanentShipError('too large', 413) : { accepted: records.length, rejected: [] });
    for (let i = 0; i < 7; i++) log.record(request(i));
    await log.close();
    expect(ingest.stored.map((r) => r.request_id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(deadLetters()).toEqual([]);
  });

  it('spools on a transient failure, waits out the backoff, then replays in order and empties the spool', async () => {
    const { ingest, log, metrics, advance, opts } = setup();
    ingest.answer = () => new Error('HTTP 503');
    log.record(request(0));
    await log.flush(); // fails: r0 is spooled, backoff 125..250 ms
    expect(ingest.calls).toHaveLength(1);
    ingest.answer = () => ({ accepted: 1, rejected: [] });
    log.record(request(1));
    await log.flush(); // within the backoff: r1 goes behind r0 in the spool, nothing is sent
    expect(ingest.calls).toHaveLength(1);
    expect(counter(metrics, 'logSpooled')).toBe(2);
    expect(metrics.spool.records).toBe(2);
    expect(counter(metrics, 'logShipFailures')).toBe(1);
    advance(250);
    log.record(request(2));
    await log.flush();
    expect(ingest.stored.map((r) => r.request_id)).toEqual(['r0', 'r1', 'r2']);
    expect(metrics.spool.records).toBe(0);
    expect(metrics.spool.bytes).toBe(0);
    await log.close();
    expect(readdirSync(spoolPaths(opts.spoolFile).dir).filter((f) => f.startsWith('seg-'))).toEqual([]);
  });

  it('backs off exponentially while the control plane stays down and from the base again after a success', async () => {
    const { ingest, log, advance } = setup({ random: () => 0 }); // delays 125, 250, 500, ... ms
    ingest.answer = () => new Error('network');
    log.record(request(0));
    await log.flush();
    const tries = [ingest.calls.length];
    for (const step of [125, 125, 125, 125, 125, 125, 125]) {
      advance(step);
      await log.flush();
      tries.push(ingest.calls.length);
    }
    // Tried at 0, 125 (+125), 375 (+250), 875 (+500): the waits double.
    expect(tries).toEqual([1, 2, 2, 3, 3, 3, 3, 4]);
    ingest.answer = () => ({ accepted: 1, rejected: [] });
    advance(1000);
    await log.flush();
    expect(ingest.stored).toHaveLength(1);
    ingest.answer = () => new Error('network');
    log.record(request(1));
    await log.flush();
    advance(125);
    await log.flush();
    expect(ingest.calls.length).toBe(7); // the first wait after a success is the base again
    await log.close();
  });

  it('at the cap keeps what is spooled and counts new records as dropped (spool_full)', async () => {
    const { ingest, log, metrics, advance } = setup({ spoolMaxBytes: 1500, spoolSegmentBytes: 1000 });
    ingest.answer = () => new Error('down');
    for (let i = 0; i < 20; i++) log.record(request(i)); // ~300 bytes a record: about 5 fit
    await log.flush();
    const kept = counter(metrics, 'logSpooled');
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(20);
    expect(metrics.spool.bytes).toBeLessThanOrEqual(1500);
    expect(counter(metrics, 'logDropped', ['spool_full'])).toBe(20 - kept);
    expect(metrics.spool.full).toBe(1);
    ingest.answer = (records) => ({ accepted: records.length, rejected: [] });
    advance(1000);
    await log.flush();
    // The oldest records are the ones kept.
    expect(ingest.stored.map((r) => r.request_id)).toEqual(Array.from({ length: kept }, (_, i) => `r${i}`));
    log.record(request(99));
    await log.flush();
    expect(metrics.spool.full).toBe(0);
    await log.close();
  });

  it('a restarted worker replays what the last one spooled, after a torn last line', async () => {
    const first = setup();
    first.ingest.answer = () => new Error('down');
    for (let i = 0; i < 5; i++) first.log.record(request(i));
    await first.log.close();
    const { dir } = spoolPaths(first.opts.spoolFile);
    const seg = readdirSync(dir).find((f) => f.startsWith('seg-'))!;
    appendFileSync(path.join(dir, seg), '{"request_id":"r5","it'); // the crash mid-append
    const second = setup({ spoolFile: first.opts.spoolFile });
    await second.log.flush();
    expect(second.ingest.stored.map((r) => r.request_id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(counter(second.metrics, 'logDropped', ['torn'])).toBe(1);
    expect(second.lines.some((l) => l.includes('torn'))).toBe(true);
    await second.log.close();
  });

  it('replays a spool far larger than one batch with bounded batches, each sent once', async () => {
    const { ingest, log, advance } = setup({ batchSize: 100, replayBatchSize: 100, spoolSegmentBytes: 20_000, random: () => 0 }); // 0: sampling keeps all
    ingest.answer = () => new Error('down');
    for (let i = 0; i < 1000; i++) log.record(request(i));
    await log.flush();
    ingest.answer = (records) => ({ accepted: records.length, rejected: [] });
    advance(1000);
    await log.flush();
    expect(ingest.stored.map((r) => r.request_id)).toEqual(Array.from({ length: 1000 }, (_, i) => `r${i}`));
    // One failed try of 100, then ten replayed batches of 100.
    expect(ingest.calls.slice(1).every((c) => c.length <= 100)).toBe(true);
    expect(ingest.calls.length).toBe(11);
    await log.close();
  });

  it('replays spooled lines as they are through a raw shipper, and a corrupt line is dead-lettered alone', async () => {
    const first = setup();
    first.ingest.answer = () => new Error('down');
    for (let i = 0; i < 4; i++) first.log.record(request(i));
    await first.log.close();
    const { dir } = spoolPaths(first.opts.spoolFile);
    const seg = readdirSync(dir).find((f) => f.startsWith('seg-'))!;
    appendFileSync(path.join(dir, seg), '{"request_id":"r-corrupt", oops}\n');
    const bodies: string[] = [];
    const ingest = new Ingest();
    // The raw path sends the envelope as text: a receiver that parses it whole, like the real route.
    const ship = Object.assign(ingest.ship, {
      raw: async (lines: readonly string[]) => {
        const body = `{"worker_id":"w","records":[${lines.join(',')}]}`;
        bodies.push(body);
        let parsed: { records: TPredictionLogRecord[] };
        try {
          parsed = JSON.parse(body) as { records: TPredictionLogRecord[] };
        } catch {
          throw new PermanentShipError('HTTP 400 request body is not valid JSON', 400);
        }
        return ingest.ship(parsed.records);
      },
    });
    const second = setup({ spoolFile: first.opts.spoolFile, ship });
    await second.log.flush();
    await second.log.close();
    expect(bodies).toHaveLength(1);
    expect(ingest.stored.map((r) => r.request_id)).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(second.deadLetters().map((l) => [l.reason, l.record])).toEqual([['unreadable spool line: not a JSON record', '{"request_id":"r-corrupt", oops}']]);
    expect(counter(second.metrics, 'logDeadLettered', ['unreadable'])).toBe(1);
  });

  it('replays through a raw shipper without re-serialising: ingest sees the spooled text byte for byte', async () => {
    const first = setup();
    first.ingest.answer = () => new Error('down');
    for (let i = 0; i < 3; i++) first.log.record(request(i, { latencyMs: 0.1 + 0.2 }));
    await first.log.close();
    const { dir } = spoolPaths(first.opts.spoolFile);
    const spooled = readdirSync(dir).filter((f) => f.startsWith('seg-')).flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean));
    const sent: string[][] = [];
    const ship = Object.assign(async () => undefined, { raw: async (lines: readonly string[]) => void sent.push([...lines]) });
    const second = setup({ spoolFile: first.opts.spoolFile, ship });
    await second.log.flush();
    await second.log.close();
    expect(sent).toEqual([spooled]);
    expect(counter(second.metrics, 'logShipped')).toBe(3);
  });

  it('bisects a batch that keeps getting HTTP 500 and dead-letters only the record that causes it', async () => {
    const { ingest, log, metrics, advance, deadLetters } = setup({ random: () => 0 });
    // An ingest bug: one record makes the whole statement fail, 500, every time.
    ingest.answer = (records) => (records.some((r) => r.request_id === 'r6') ? new TransientShipError('HTTP 500', 500) : { accepted: records.length, rejected: [] });
    for (let i = 0; i < 10; i++) log.record(request(i));
    await log.flush(); // 500: spooled
    for (let i = 0; i < 3; i++) {
      advance(60_000);
      await log.flush(); // the spooled batch retried whole: 500 three times
    }
    expect(ingest.stored).toEqual([]);
    advance(60_000);
    await log.flush(); // then bisected
    expect(ingest.stored.map((r) => r.request_id).sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r7', 'r8', 'r9']);
    expect(deadLetters().map((l) => [l.record.request_id, l.reason.startsWith('poison')])).toEqual([['r6', true]]);
    expect(counter(metrics, 'logDeadLettered', ['poison'])).toBe(1);
    expect(metrics.spool.records).toBe(0);
    // The log goes on.
    log.record(request(10));
    await log.flush();
    expect(ingest.stored.at(-1)!.request_id).toBe('r10');
    await log.close();
  });

  it('dead-letters nothing while every request gets HTTP 500 (an outage, not a poison record)', async () => {
    const { ingest, log, metrics, advance, deadLetters } = setup({ random: () => 0 });
    ingest.answer = () => new TransientShipError('HTTP 500', 500);
    for (let i = 0; i < 10; i++) log.record(request(i));
    for (let i = 0; i < 8; i++) {
      await log.flush();
      advance(60_000);
    }
    expect(deadLetters()).toEqual([]);
    expect(metrics.spool.records).toBe(10);
    ingest.answer = (records) => ({ accepted: records.length, rejected: [] });
    await log.flush();
    expect(ingest.stored.map((r) => r.request_id)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    await log.close();
  });

  it('cuts direct batches by size as well as by count when rows are large', async () => {
    const { ingest, log } = setup({ random: () => 0 });
    const wide = Array.from({ length: 50_000 }, (_, i) => i / 7); // ~1.2 MB a record
    for (let i = 0; i < 20; i++) log.record(request(i, { items: [wide] }));
    await log.close();
    expect(ingest.stored).toHaveLength(20);
    // 8 MiB a batch: at most 7 such records in one.
    expect(Math.max(...ingest.calls.map((c) => c.length))).toBeLessThanOrEqual(7);
    expect(ingest.calls.length).toBeGreaterThanOrEqual(3);
  });
});
