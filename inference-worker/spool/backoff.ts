/*
 * Retry timing for transient ship failures (network errors, 5xx, 408, 429): exponential from
 * `baseMs`, capped at `capMs`, with "equal jitter" (half the delay fixed, half random) so that
 * workers that lost the control plane together do not all come back in the same second, and no
 * retry comes sooner than half its step. A success resets it.
 */

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 60_000 };

/** Delay before retry number `failures` (1 = after the first failure); `random` is uniform in [0, 1). */
export function backoffDelayMs(failures: number, random: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (failures <= 0) return 0;
  // 2 ** 30 already exceeds any sensible cap; clamping the exponent keeps the arithmetic finite.
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failures - 1, 30));
  return step / 2 + (step / 2) * random;
}

export class Backoff {
  private failures = 0;
  private until = 0;

  constructor(
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** Records a failure at `nowMs`; returns the delay chosen. */
  fail(nowMs: number): number {
    this.failures++;
    const delay = backoffDelayMs(this.failures, this.random(), this.policy);
    this.until = nowMs + delay;
    return delay;
  }

  succeed(): void {
    this.failures = 0;
    this.until = 0;
  }

  /** Whether a retry may be tried at `nowMs`. */
  ready(nowMs: number): boolean {
    return nowMs >= this.until;
  }

  get failureCount(): number {
    return this.failures;
  }

  /** Milliseconds left before the next try (0 when ready). */
  remainingMs(nowMs: number): number {
    return Math.max(0, this.until - nowMs);
  }
}
