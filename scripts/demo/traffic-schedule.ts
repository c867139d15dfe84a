import { z } from 'zod';

/*
 * The demo traffic's plan, kept pure: how hard it sends, when and how far the customers drift,
 * how it backs off from a worker that is down, and the one line a minute it prints.
 */

export interface TDriftSchedule {
  /** Seconds of undrifted traffic first. */
  afterS: number;
  /** Seconds over which the shift grows to its maximum. */
  rampS: number;
  /** sampleCustomer's shift at full drift. */
  maxShift: number;
}

/**
 * Full drift is a shift of 2: support calls go from Poisson(1.5) to Poisson(5.5), a mean shift of
 * 4 / sqrt(1.5) = 3.3 training SDs, and monthly charges from N(70, 25) to N(130, 25) capped at 140
 * (mean about 124: 2.2 SDs). Both are over the 2-SD alert line even in a 5-minute window that
 * drifted for only part of its time (support calls: from about 60% of it).
 */
export const FULL_DRIFT_SHIFT = 2;

export interface TTrafficConfig {
  enabled: boolean;
  requestsPerSecond: number;
  drift: TDriftSchedule;
}

const ZTrafficEnv = z.object({
  BALLAST_DEMO_TRAFFIC: z.enum(['on', 'off']).default('on'),
  BALLAST_DEMO_RPS: z.coerce.number().positive().max(200).default(10),
  BALLAST_DEMO_DRIFT_AFTER_S: z.coerce.number().min(0).default(120),
  BALLAST_DEMO_DRIFT_RAMP_S: z.coerce.number().min(0).default(60),
});

/** The traffic settings from the environment, validated once at start. */
export function trafficConfigFromEnv(env: Record<string, string | undefined> = process.env): TTrafficConfig {
  const parsed = ZTrafficEnv.safeParse(env);
  if (!parsed.success) throw new Error(`invalid demo traffic settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  return {
    enabled: e.BALLAST_DEMO_TRAFFIC === 'on',
    requestsPerSecond: e.BALLAST_DEMO_RPS,
    drift: { afterS: e.BALLAST_DEMO_DRIFT_AFTER_S, rampS: e.BALLAST_DEMO_DRIFT_RAMP_S, maxShift: FULL_DRIFT_SHIFT },
  };
}

/** The shift applied to customers `elapsedS` seconds after traffic started: 0, then a linear ramp, then the maximum. */
export function driftShift(elapsedS: number, s: TDriftSchedule): number {
  if (elapsedS < s.afterS) return 0;
  if (s.rampS <= 0 || elapsedS >= s.afterS + s.rampS) return s.maxShift;
  return (s.maxShift * (elapsedS - s.afterS)) / s.rampS;
}

export type TDriftPhase = 'none' | 'ramping' | 'full';

export function driftPhase(elapsedS: number, s: TDriftSchedule): TDriftPhase {
  const shift = driftShift(elapsedS, s);
  return shift === 0 ? 'none' : shift < s.maxShift ? 'ramping' : 'full';
}

export const MIN_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 30_000;

/** Doubling backoff while the worker is unreachable, 1 s to 30 s. */
export function nextBackoffMs(previousMs: number): number {
  return Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, previousMs * 2));
}

/** 1 to 4 customers per request: small batches, as an online service would send. */
export function rowsPerRequest(rand: () => number): number {
  return 1 + Math.floor(rand() * 4);
}

/** A customer id as routing key: sticky per customer, and spread over enough of them that the canary gets its share. */
export function routingKey(rand: () => number, customers = 5_000): string {
  return `customer-${Math.floor(rand() * customers)}`;
}

export interface TTrafficCounts {
  requests: number;
  rows: number;
  /** Served rows by "v<version> <variant>". */
  served: Record<string, number>;
  /** Refused or failed requests by HTTP status, or "unreachable". */
  failed: Record<string, number>;
}

export const emptyCounts = (): TTrafficCounts => ({ requests: 0, rows: 0, served: {}, failed: {} });

/** The one line a minute: volume, the split the worker applied, failures, and where drift stands. */
export function summaryLine(c: TTrafficCounts, periodS: number, phase: TDriftPhase, shift: number): string {
  const servedRows = Object.values(c.served).reduce((a, b) => a + b, 0);
  const split = Object.entries(c.served)
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([k, n]) => `${k} ${Math.round((100 * n) / Math.max(1, servedRows))}%`)
    .join(', ');
  const failures = Object.entries(c.failed)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const drift = phase === 'none' ? 'no drift yet' : phase === 'ramping' ? `customers drifting (shift ${shift.toFixed(2)})` : 'customers drifted';
  return `demo traffic: ${c.requests} requests (${c.rows} customers) in the last ${Math.round(periodS)} s${split ? `: ${split}` : ''}${failures ? `; failed: ${failures}` : ''}; ${drift}`;
}
