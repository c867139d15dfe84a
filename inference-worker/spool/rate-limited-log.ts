/*
 * A log line per kind of event at most every `intervalMs`, carrying how many events it stands for:
 * a flood of dead letters or ship failures must be visible without flooding the worker's log.
 */
export class RateLimitedLog {
  private last = new Map<string, { at: number; pending: number; text: (count: number) => string }>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts `n` events of `key`; logs `text(total since the last line)` when the interval allows. */
  note(key: string, n: number, text: (count: number) => string): void {
    const t = this.now();
    const s = this.last.get(key) ?? { at: -Infinity, pending: 0, text };
    s.pending += n;
    s.text = text;
    if (t - s.at >= this.intervalMs) {
      this.log(text(s.pending));
      s.at = t;
      s.pending = 0;
    }
    this.last.set(key, s);
  }

  /** Logs what is still pending (at shutdown). */
  flush(): void {
    for (const s of this.last.values()) if (s.pending > 0) this.log(s.text(s.pending));
    this.last.clear();
  }
}
