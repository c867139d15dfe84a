import { decideBatch, splitRows, type BatchPolicy, type TBatchCloseReason } from './batch-policy';
import { DomainError } from '../server/domain/errors';

/*
 * The dynamic batcher of one model version: requests wait in a FIFO; the domain policy says when a
 * batch closes; one model call per batch; each caller gets a view of its own rows. One batch runs at
 * a time per version, because a second concurrent run would only contend for the same cores while
 * the queue keeps forming the next batch.
 */

export class QueueFullError extends DomainError {
  constructor(readonly retryAfterS: number) {
    super('TOO_MANY_REQUESTS', `the queue is full; retry after ${retryAfterS} s`);
  }
}

export class DeadlineError extends Error {
  readonly httpStatus = 504;
  constructor(deadlineMs: number) {
    super(`the request waited past its ${deadlineMs} ms deadline`);
  }
}

export interface BatchRunner {
  inputWidth: number;
  outputWidth: number;
  run(data: Float32Array, rows: number): Promise<Float32Array>;
}

export interface BatchObserver {
  onBatch(rows: number, reason: TBatchCloseReason, queueWaitsMs: number[], runMs: number): void;
  /** Rows left the depth (a batch started, or a waiting request passed its deadline): room to admit more. */
  onRoom?(): void;
}

export interface QueuePolicy extends BatchPolicy {
  /** Rows waiting (all requests together) beyond which new requests get 429. */
  queueLimitRows: number;
}

interface Pending {
  data: Float32Array;
  rows: number;
  enqueuedAt: number;
  deadlineAt: number;
  done: boolean;
  /** True while the rows count in the depth: they leave it exactly once (batch start or deadline, whichever comes first). */
  queued: boolean;
  timer: NodeJS.Timeout;
  resolve(out: Float32Array): void;
  reject(err: Error): void;
}

export class BatchQueue {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private expectedRunMs = 1;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly runner: BatchRunner,
    private readonly policy: QueuePolicy,
    private readonly observer: BatchObserver,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get depthRows(): number {
    return this.queuedRows;
  }

  /** Rows in, rows out (outputWidth each); a request bigger than a batch goes in as several chunks. */
  async submit(data: Float32Array, rows: number, deadlineMs: number): Promise<Float32Array> {
    const retryAfter = this.admission(rows);
    if (retryAfter !== null) throw new QueueFullError(retryAfter);
    if (rows <= this.policy.maxBatchSize) return this.enqueue(data, rows, deadlineMs);
    const parts: Promise<Float32Array>[] = [];
    let at = 0;
    for (const n of splitRows(rows, this.policy.maxBatchSize)) {
      parts.push(this.enqueue(data.subarray(at * this.runner.inputWidth, (at + n) * this.runner.inputWidth), n, deadlineMs));
      at += n;
    }
    const outs = await Promise.all(parts);
    const joined = new Float32Array(rows * this.runner.outputWidth);
    let off = 0;
    for (const o of outs) {
      joined.set(o, off);
      off += o.length;
    }
    return joined;
  }

  /** Rows that can still be queued before the limit. */
  get roomRows(): number {
    return this.policy.queueLimitRows - this.queuedRows;
  }

  /** Null when `rows` more can be queued, else the Retry-After (s) of a 429. */
  admission(rows: number): number | null {
    if (this.queuedRows + rows <= this.policy.queueLimitRows) return null;
    // A full queue drains in about (depth / batch) runs: tell clients when to come back.
    const runs = Math.ceil(this.queuedRows / this.policy.maxBatchSize);
    return Math.max(1, Math.ceil((runs * this.expectedRunMs) / 1000));
  }

  /** Resolves once nothing waits or runs: graceful shutdown and blue-green draining. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(data: Float32Array, rows: number, deadlineMs: number): Promise<Float32Array> {
    return new Promise<Float32Array>((resolve, reject) => {
      const enqueuedAt = this.now();
      const p: Pending = {
        data,
        rows,
        enqueuedAt,
        deadlineAt: enqueuedAt + deadlineMs,
        done: false,
        queued: true,
        resolve,
        reject,
        // Answer 504 on time even when the queue is stuck behind a slow batch. A request whose batch
        // already started has left the depth with that batch; only a waiting one leaves it here.
        timer: setTimeout(() => {
          if (p.done) return;
          p.done = true;
          this.dequeue(p);
          reject(new DeadlineError(deadlineMs));
        }, deadlineMs),
      };
      this.queue.push(p);
      this.queuedRows += rows;
      this.schedule();
    });
  }

  private dequeue(p: Pending): void {
    if (!p.queued) return;
    p.queued = false;
    this.queuedRows -= p.rows;
    this.observer.onRoom?.();
  }

  private schedule(): void {
    if (this.running) return;
    this.dropDone();
    const head = this.queue[0];
    const decision = decideBatch(
      {
        queuedRows: this.queuedRows,
        oldestEnqueuedAt: head?.enqueuedAt ?? null,
        // Deadlines are enqueue time + one fixed budget, so the head of the FIFO is the most urgent.
        earliestDeadlineAt: head?.deadlineAt ?? null,
        expectedRunMs: this.expectedRunMs,
        now: this.now(),
      },
      this.policy,
    );
    if (!decision) return this.notifyIdle();
    if ('waitMs' in decision) {
      this.timer ??= setTimeout(
        () => {
          this.timer = null;
          this.schedule();
        },
        Math.max(1, Math.ceil(decision.waitMs)),
      );
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    void this.runBatch(decision.close);
  }

  private dropDone(): void {
    let i = 0;
    while (i < this.queue.length && this.queue[i]!.done) i++;
    if (i) this.queue.splice(0, i);
  }

  private async runBatch(reason: TBatchCloseReason): Promise<void> {
    this.running = true;
    const batch: Pending[] = [];
    let rows = 0;
    let i = 0;
    for (; i < this.queue.length; i++) {
      const p = this.queue[i]!;
      if (p.done) continue;
      if (rows + p.rows > this.policy.maxBatchSize) break;
      batch.push(p);
      rows += p.rows;
      this.dequeue(p);
    }
    this.queue.splice(0, i);
    const width = this.runner.inputWidth;
    const input = new Float32Array(rows * width);
    let at = 0;
    const started = this.now();
    const waits: number[] = [];
    for (const p of batch) {
      input.set(p.data, at * width);
      at += p.rows;
      waits.push(started - p.enqueuedAt);
    }
    try {
      const out = await this.runner.run(input, rows);
      const runMs = this.now() - started;
      this.expectedRunMs = this.expectedRunMs * 0.8 + runMs * 0.2;
      this.observer.onBatch(rows, reason, waits, runMs);
      let off = 0;
      const ow = this.runner.outputWidth;
      for (const p of batch) {
        clearTimeout(p.timer);
        if (!p.done) {
          p.done = true;
          p.resolve(out.subarray(off * ow, (off + p.rows) * ow));
        }
        off += p.rows;
      }
    } catch (err) {
      for (const p of batch) {
        clearTimeout(p.timer);
        if (!p.done) {
          p.done = true;
          p.reject(err as Error);
        }
      }
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  private notifyIdle(): void {
    if (this.running || this.queue.length) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
