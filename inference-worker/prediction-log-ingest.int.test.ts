import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as logsRoute from '@/app/api/worker/v1/prediction-logs/route';
import type { TPredictionLogRecord } from '@/server/contracts/worker-prediction-log';
import { makeToken, testDb } from '@/server/testing/fixtures';
import { makeMonitoredModel } from '@/server/testing/monitoring-fixtures';
import { startRouteServer, type TRouteServer } from '@/server/testing/route-server';
import { controlPlaneShipper, PredictionLog, spoolPaths, type LoggedRequest } from './prediction-log';
import { tempDir, waitFor } from './testing/harness';
import { createWorkerMetrics } from './worker-metrics';

/*
 * The worker's prediction log against the real control-plane ingest route (node:http around the
 * App Router handler) on a real PostgreSQL: an outage spooled and replayed in order, each record
 * stored once; a batch holding a record ingest cannot store is dead-lettered, never retried, and
 * does not hold up what follows.
 */

const routes = { '/api/worker/v1/prediction-logs': logsRoute };
let server: TRouteServer;
let port = 0;
let token = '';
let modelName = '';

beforeAll(async () => {
  const { model } = await makeMonitoredModel(testDb().db, { versions: 1 });
  modelName = model.name;
  token = (await makeToken('admin', ['worker'])).token.secret;
  server = await startRouteServer(routes);
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server?.close();
});

const metricsFor = () => createWorkerMetrics({ queueDepth: () => [], versionStates: () => [], uptimeS: () => 0 });

function open(workerId: string) {
  const metrics = metricsFor();
  const spoolFile = `${tempDir('ingest-spool')}/prediction-log.spool.jsonl`;
  const log = new PredictionLog({
    ship: controlPlaneShipper(`http://127.0.0.1:${port}`, token, workerId),
    spoolFile,
    metrics,
    slowMs: 10_000,
    flushIntervalMs: 50,
    random: () => 0, // sampling keeps every record; backoff waits its shortest
    log: () => undefined,
  });
  log.start();
  return { log, metrics, paths: spoolPaths(spoolFile) };
}

const request = (id: string, over: Partial<LoggedRequest> = {}): LoggedRequest => ({
  requestId: id,
  model: modelName,
  version: 1,
  variant: 'canary', // always kept
  items: [[1, 2, 3, 4]],
  outcomes: [{ prediction: 1, confidence: 0.75 }],
  latencyMs: 2,
  error: null,
  ...over,
});

async function storedIds(prefix: string): Promise<string[]> {
  const rows = await testDb().db.$queryRaw<{ request_id: string }[]>`SELECT request_id FROM prediction_logs WHERE request_id LIKE ${`${prefix}%`} ORDER BY id`;
  return rows.map((r) => r.request_id);
}

function deadLetters(file: string): { reason: string; record: TPredictionLogRecord }[] {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { reason: string; record: TPredictionLogRecord });
  } catch {
    return [];
  }
}

describe('prediction log into the real ingest route', () => {
  it('spools through an outage and replays every record once, in order, when ingest is back', async () => {
    const { log, metrics, paths } = open('w-outage');
    const prefix = `out-${randomUUID().slice(0, 8)}-`;
    await server.close(); // the control plane goes away
    const ids = Array.from({ length: 1200 }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
    for (const id of ids.slice(0, 600)) log.record(request(id));
    await waitFor(() => metrics.spool.records === 600, '600 spooled records');
    expect(readdirSync(paths.dir).some((f) => f.startsWith('seg-'))).toBe(true);
    server = await startRouteServer(routes, port); // back, on the same port
    for (const id of ids.slice(600)) log.record(request(id));
    await waitFor(async () => (await storedIds(prefix)).length === 1200, '1200 stored records', 30_000);
    await log.close();
    // Stored in the order they happened, none twice, and the spool is empty again.
    expect(await storedIds(prefix)).toEqual(ids);
    expect(metrics.spool.records).toBe(0);
    expect(readdirSync(paths.dir).filter((f) => f.startsWith('seg-'))).toEqual([]);
    expect(metrics.logShipFailures.get()).toBeGreaterThan(0);
    expect(metrics.logDeadLettered.get(['rejected']) + metrics.logDeadLettered.get(['batch_refused'])).toBe(0);
  });

  it('dead-letters a record ingest cannot store instead of retrying it, and the records after it ship', async () => {
    const { log, metrics, paths } = open('w-forged');
    const prefix = `forged-${randomUUID().slice(0, 8)}-`;
    // One batch: two good records around one for a version the registry does not have.
    log.record(request(`${prefix}a`));
    log.record(request(`${prefix}bad`, { version: 999 }));
    log.record(request(`${prefix}c`));
    await log.flush();
    const letters = deadLetters(paths.deadLetterFile);
    const stored = await storedIds(prefix);
    // Ingest judges each record: the good ones around the bad one are stored, and only the bad one,
    // refused by index with a reason naming its version, is dead-lettered.
    expect(stored.sort()).toEqual([`${prefix}a`, `${prefix}c`]);
    expect(letters.map((l) => l.record.request_id)).toEqual([`${prefix}bad`]);
    expect(letters[0]!.reason).toMatch(/999/);
    // Never sent again, and nothing waits behind it.
    log.record(request(`${prefix}after`));
    await log.flush();
    await log.flush();
    expect(await storedIds(prefix)).toEqual([...stored, `${prefix}after`]);
    expect(deadLetters(paths.deadLetterFile)).toHaveLength(letters.length);
    expect(metrics.spool.records).toBe(0);
    expect(metrics.logDeadLettered.get(['rejected'])).toBe(1);
    expect(metrics.logDeadLettered.get(['batch_refused'])).toBe(0);
    await log.close();
  });

  it('a poison record (NUL in its routing key, from before the edge refused it) is dead-lettered and the ten after it are stored', async () => {
    const { log, metrics, paths } = open('w-poison');
    const prefix = `poison-${randomUUID().slice(0, 8)}-`;
    // As in the issue: the record that made ingest answer 500 forever, then ten normal ones.
    log.record(request(`${prefix}p`, { routingKey: 'poison\u0000' }));
    const good = Array.from({ length: 10 }, (_, i) => `${prefix}${i}`);
    for (const id of good) log.record(request(id));
    await waitFor(async () => (await storedIds(prefix)).length === 10, 'the ten good records', 30_000);
    await waitFor(() => deadLetters(paths.deadLetterFile).length === 1, 'the poison dead-lettered');
    expect((await storedIds(prefix)).sort()).toEqual([...good].sort());
    const [letter] = deadLetters(paths.deadLetterFile);
    expect(letter!.record.request_id).toBe(`${prefix}p`);
    expect(letter!.record.routing_key).toBe('poison\u0000');
    // Refused by index (ingest judging records) or found by the poison guard (ingest answering 500).
    expect(metrics.logDeadLettered.get(['rejected']) + metrics.logDeadLettered.get(['poison'])).toBe(1);
    await waitFor(() => metrics.spool.records === 0, 'an empty spool');
    await log.close();
  });
});
