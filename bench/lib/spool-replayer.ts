/*
 * The replaying side of bench/spool-replay.ts, in its own process so that its RSS is its own: a
 * real PredictionLog over the spool at BENCH_SPOOL_FILE, shipping through the real HTTP shipper to
 * BENCH_SINK_URL until the spool is empty. Prints one JSON line with its figures.
 */
import { readFileSync } from 'node:fs';
import { controlPlaneShipper, PredictionLog } from '../../inference-worker/prediction-log';
import { createWorkerMetrics } from '../../inference-worker/worker-metrics';

const spoolFile = process.env.BENCH_SPOOL_FILE!;
const sinkUrl = process.env.BENCH_SINK_URL!;
const token = process.env.BENCH_TOKEN || undefined;

/** Peak and current resident set size of this process, from the kernel (bytes). */
function rss(): { peak: number; now: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { peak: kb('VmHWM'), now: kb('VmRSS') };
}

const metrics = createWorkerMetrics({ queueDepth: () => [], versionStates: () => [], uptimeS: () => 0 });
const log = new PredictionLog({ ship: controlPlaneShipper(sinkUrl, token, 'bench-replayer'), spoolFile, metrics, slowMs: 1e9, replayBatchSize: process.env.BENCH_REPLAY_BATCH ? Number(process.env.BENCH_REPLAY_BATCH) : undefined, log: (l) => process.stderr.write(`[replayer] ${l}\n`) });
const opened = performance.now();
const { records, bytes } = await log.shipper.stats();
const openS = (performance.now() - opened) / 1000;
const rssBefore = rss();
let maxRss = rssBefore.now;
const sampler = setInterval(() => (maxRss = Math.max(maxRss, rss().now)), 100);
const started = performance.now();
let lastReport = started;
while (metrics.spool.records > 0) {
  await log.flush();
  if (metrics.spool.records > 0 && metrics.spool.retryInS > 0) await new Promise((r) => setTimeout(r, metrics.spool.retryInS * 1000));
  if (performance.now() - lastReport > 10_000) {
    lastReport = performance.now();
    process.stderr.write(`[replayer] ${metrics.logShipped.get()} shipped, ${metrics.spool.records} left\n`);
  }
}
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
await log.close();
const end = rss();
process.stdout.write(
  `${JSON.stringify({
    records,
    bytes,
    openS,
    seconds,
    shipped: metrics.logShipped.get(),
    deadLettered: metrics.logDeadLettered.get(['rejected']) + metrics.logDeadLettered.get(['batch_refused']) + metrics.logDeadLettered.get(['unreadable']) + metrics.logDeadLettered.get(['poison']),
    shipFailures: metrics.logShipFailures.get(),
    rssBeforeBytes: rssBefore.now,
    maxSampledRssBytes: Math.max(maxRss, end.now),
    peakRssBytes: end.peak,
  })}\n`,
);
process.exit(0);
