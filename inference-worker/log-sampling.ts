import type { TTrafficVariant } from '../server/contracts/worker-desired-state';

/*
 * Which predictions reach the log. Full logging costs too much at high rates, but the records that
 * decide things must never be sampled away: errors and slow requests (debugging), canary traffic
 * (automated rollback compares it with stable) and A/B traffic (significance needs every outcome).
 * Errors are kept always only up to a budget per kind of error: past it, a flood of refused
 * requests (one bad client, an attack) is sampled like busy traffic, so it cannot crowd the
 * records that matter out of the log.
 */

export const FULL_LOGGING_BELOW_RPS = 100;
export const SAMPLE_RATE_ABOVE = 0.1;
/** Error records of one kind (model version + error message shape) kept always, per second. */
export const ERRORS_ALWAYS_KEPT_PER_S = 10;

export interface SampleInput {
  /** Requests per second the version is serving now (RateWindow). */
  ratePerSecond: number;
  isError: boolean;
  /** For an error: requests per second failing with this kind of error, this one included (RateWindow per errorKind). */
  errorRatePerSecond?: number;
  isSlow: boolean;
  variant: TTrafficVariant;
  /** Uniform in [0, 1): injected so the decision is testable. */
  random: number;
}

export type TSampleDecision = 'always' | 'sampled' | 'dropped';

export function sampleDecision(i: SampleInput): TSampleDecision {
  if (i.isError && (i.errorRatePerSecond ?? 0) > ERRORS_ALWAYS_KEPT_PER_S) return i.random < SAMPLE_RATE_ABOVE ? 'sampled' : 'dropped';
  if (i.isError || i.isSlow || i.variant !== 'stable') return 'always';
  if (i.ratePerSecond < FULL_LOGGING_BELOW_RPS) return 'sampled';
  return i.random < SAMPLE_RATE_ABOVE ? 'sampled' : 'dropped';
}

/** Longest error text that tells kinds apart; the rest of a message is detail. */
export const ERROR_KIND_CHARS = 80;

/**
 * The kind of an error, for its budget: the message with every run of digits as "#" (so
 * "inputs.3: ..." and "inputs.7: ..." are one kind), cut to ERROR_KIND_CHARS, under its model
 * version. A bounded key whatever a client sends.
 */
export function errorKind(model: string, version: number, message: string): string {
  return `${model.slice(0, 256)}@${version}\u0000${message.slice(0, ERROR_KIND_CHARS * 4).replace(/\d+/g, '#').slice(0, ERROR_KIND_CHARS)}`;
}

/**
 * Requests per second over the last `slots` whole seconds, from counts in one-second slots: cheap to
 * update on the hot path, and it reacts within a few seconds when traffic rises or falls.
 */
export class RateWindow {
  private counts: number[];
  private seconds: number[];

  constructor(private readonly slots = 5) {
    this.counts = new Array<number>(slots).fill(0);
    this.seconds = new Array<number>(slots).fill(-1);
  }

  record(nowMs: number, n = 1): void {
    const sec = Math.floor(nowMs / 1000);
    const i = sec % this.slots;
    if (this.seconds[i] !== sec) {
      this.seconds[i] = sec;
      this.counts[i] = 0;
    }
    this.counts[i]! += n;
  }

  /** Counts of the completed seconds in the window (the current, partial second is left out). */
  rate(nowMs: number): number {
    const sec = Math.floor(nowMs / 1000);
    let total = 0;
    let full = 0;
    for (let s = sec - this.slots + 1; s < sec; s++) {
      full++;
      const i = ((s % this.slots) + this.slots) % this.slots;
      if (this.seconds[i] === s) total += this.counts[i]!;
    }
    // In the first second of traffic there is no completed second yet: use the current one.
    const cur = sec % this.slots;
    if (total === 0 && this.seconds[cur] === sec) return this.counts[cur]!;
    return full ? total / full : 0;
  }
}
