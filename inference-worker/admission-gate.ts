/*
 * Admission before a prediction body is read. Under overload a closed-loop client refills each
 * refused connection at once; when every refusal costs reading and parsing a 200 KB body, the event
 * loop (which also runs in-process inference) spends its time refusing and goodput collapses.
 *
 * So a request's body is read only once a serving queue has room for the rows it likely carries
 * (estimated from Content-Length at the bytes per row recent bodies of the same kind had), minus the
 * rows already promised to requests still being read. Otherwise the request waits unread — TCP
 * backpressure, no CPU — in FIFO order, and if no room comes within `maxWaitMs` it is refused with
 * 429 and Retry-After without its body ever being parsed. An estimate that is off only moves the
 * moment of the exact check (the queue's own limit, after parsing), never its outcome.
 */

export interface GateTicket {
  /** Idempotent: the request's rows are queued (or it failed), so its reservation is returned. */
  release(): void;
}

export interface GateOptions {
  /** Rows the emptiest-serving queue could still take (Infinity when nothing serves yet). */
  room: () => number;
  /** How long a request may wait for room before its 429. */
  maxWaitMs: number;
  /** Estimates are capped here (the smaller of the row limit per request and the queue limit): an empty queue always fits one request. */
  maxRows: number;
}

interface Waiter {
  rows: number;
  resolve(ticket: GateTicket | null): void;
  timer: NodeJS.Timeout;
}

export class AdmissionGate {
  private reserved = 0;
  private waiters: Waiter[] = [];
  private bytesPerRow = new Map<string, number>();
  private wakeQueued = false;

  constructor(private readonly opts: GateOptions) {}

  /** Rows a body of `bytes` likely holds, from the bodies of this kind seen so far (1 until one was). */
  estimateRows(kind: string, bytes: number | null): number {
    const perRow = this.bytesPerRow.get(kind);
    if (!perRow || !bytes) return 1;
    return Math.min(this.opts.maxRows, Math.max(1, Math.floor(bytes / perRow)));
  }

  /** A parsed body's size and row count, to estimate the next ones. */
  learn(kind: string, bytes: number, rows: number): void {
    if (!(rows > 0 && bytes > 0)) return;
    const perRow = bytes / rows;
    const prev = this.bytesPerRow.get(kind);
    this.bytesPerRow.set(kind, prev === undefined ? perRow : prev * 0.8 + perRow * 0.2);
  }

  /** A ticket once room for `rows` is reserved, or null after waiting maxWaitMs without room. */
  enter(rows: number): GateTicket | Promise<GateTicket | null> {
    if (!this.waiters.length && this.fits(rows)) return this.ticket(rows);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        rows,
        resolve,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve(null);
          this.wake(); // the head may have been the one that did not fit
        }, this.opts.maxWaitMs),
      };
      this.waiters.push(waiter);
    });
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Room may have grown (rows left a queue, a ticket came back): let waiting requests in, in order. */
  wake(): void {
    if (this.wakeQueued || !this.waiters.length) return;
    this.wakeQueued = true;
    queueMicrotask(() => {
      this.wakeQueued = false;
      while (this.waiters.length && this.fits(this.waiters[0]!.rows)) {
        const w = this.waiters.shift()!;
        clearTimeout(w.timer);
        w.resolve(this.ticket(w.rows));
      }
    });
  }

  private fits(rows: number): boolean {
    return this.opts.room() - this.reserved >= rows;
  }

  private ticket(rows: number): GateTicket {
    this.reserved += rows;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.reserved -= rows;
        this.wake();
      },
    };
  }
}
