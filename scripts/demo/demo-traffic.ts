import { sampleCustomer } from './churn-dataset';
import {
  driftPhase,
  driftShift,
  emptyCounts,
  MIN_BACKOFF_MS,
  nextBackoffMs,
  routingKey,
  rowsPerRequest,
  summaryLine,
  type TDriftSchedule,
  type TTrafficCounts,
} from './traffic-schedule';

/*
 * The demo's customers calling the worker's /predict: a steady rate of small batches with random
 * customer ids as routing keys (so the canary gets its share), drifting after a while so the
 * monitoring charts move and a drift alert fires. Quiet: one line a minute, one when drift
 * starts, one when the worker stops or comes back answering. A worker that is down (restarting,
 * or the whole product stopping) is retried with backoff, never crashed on.
 */

export interface TDemoTrafficOptions {
  workerUrl: string;
  model: string;
  requestsPerSecond: number;
  drift: TDriftSchedule;
  log: (line: string) => void;
  /** How often the summary line is printed (default 60 s). */
  summaryEveryMs?: number;
  rand?: () => number;
}

export interface TDemoTraffic {
  /** Counts since start (the summary resets its own). */
  totals(): TTrafficCounts;
  stop(): Promise<void>;
}

/** More requests in flight than this means the worker is slow: skip ticks rather than pile up. */
const MAX_IN_FLIGHT = 16;
const REQUEST_TIMEOUT_MS = 5_000;

export function startDemoTraffic(o: TDemoTrafficOptions): TDemoTraffic {
  const rand = o.rand ?? Math.random;
  const startedAt = Date.now();
  const totals = emptyCounts();
  let period = emptyCounts();
  let periodStartedAt = startedAt;
  let backoffMs = 0;
  let pausedUntil = 0;
  let unreachable = false;
  let announcedDrift = false;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();

  const count = (c: TTrafficCounts, update: (c: TTrafficCounts) => void) => [c, totals].forEach(update);
  const bump = (record: Record<string, number>, key: string, n = 1) => (record[key] = (record[key] ?? 0) + n);

  /** The shift now; the first drifted moment is announced once, before any line that mentions drift. */
  function currentShift(): number {
    const shift = driftShift((Date.now() - startedAt) / 1000, o.drift);
    if (shift > 0 && !announcedDrift) {
      announcedDrift = true;
      o.log(
        'demo traffic: customers start drifting now (higher monthly charges, more support calls); drift is computed over 5-minute windows a minute after each ends, so an alert follows within about 10 minutes',
      );
    }
    return shift;
  }

  async function send(): Promise<void> {
    const shift = currentShift();
    const rows = rowsPerRequest(rand);
    const inputs = Array.from({ length: rows }, () => sampleCustomer(rand, shift));
    count(period, (c) => {
      c.requests++;
      c.rows += rows;
    });
    try {
      const res = await fetch(`${o.workerUrl}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: o.model, inputs, routing_key: routingKey(rand) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = (await res.json().catch(() => null)) as { variant?: string; predictions?: { model_version: number }[] } | null;
      if (unreachable) {
        unreachable = false;
        o.log('demo traffic: the worker answers again');
      }
      backoffMs = 0;
      if (res.ok && body?.predictions?.length) {
        count(period, (c) => bump(c.served, `v${body.predictions![0]!.model_version} ${body.variant ?? ''}`.trim(), rows));
      } else {
        count(period, (c) => bump(c.failed, `HTTP ${res.status}`));
      }
    } catch (err) {
      count(period, (c) => bump(c.failed, 'unreachable'));
      backoffMs = nextBackoffMs(backoffMs || MIN_BACKOFF_MS / 2);
      pausedUntil = Date.now() + backoffMs;
      // On Ctrl+C the worker gets the signal too and may stop first: not worth a line.
      if (!unreachable && !stopped) {
        unreachable = true;
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
        o.log(`demo traffic: the worker at ${o.workerUrl} does not answer (${cause}); retrying with backoff`);
      }
    }
  }

  const tick = setInterval(() => {
    if (Date.now() < pausedUntil || inFlight.size >= MAX_IN_FLIGHT) return;
    // While backing off, one probe at a time: the first success resumes the full rate.
    if (unreachable && inFlight.size > 0) return;
    const p = send().finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, 1000 / o.requestsPerSecond);

  const summary = setInterval(() => {
    const now = Date.now();
    const shift = currentShift();
    o.log(summaryLine(period, (now - periodStartedAt) / 1000, driftPhase((now - startedAt) / 1000, o.drift), shift));
    period = emptyCounts();
    periodStartedAt = now;
  }, o.summaryEveryMs ?? 60_000);

  return {
    totals: () => structuredClone(totals),
    async stop() {
      stopped = true;
      clearInterval(tick);
      clearInterval(summary);
      await Promise.allSettled([...inFlight]);
    },
  };
}
