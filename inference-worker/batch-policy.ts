/*
 * When a dynamic batch closes. Triton's rule, kept small enough to explain in one sentence: a batch
 * closes when it holds maxBatchSize rows, or when its oldest request has waited windowMs — or
 * earlier, when waiting longer would push its most urgent request past its deadline.
 */

export type TBatchCloseReason = 'full' | 'window' | 'deadline';
export const BATCH_CLOSE_REASONS: readonly TBatchCloseReason[] = ['full', 'window', 'deadline'];

export interface BatchPolicy {
  maxBatchSize: number;
  windowMs: number;
}

export interface QueueView {
  queuedRows: number;
  /** Enqueue time of the oldest waiting request; null when the queue is empty. */
  oldestEnqueuedAt: number | null;
  /** Earliest deadline among waiting requests. */
  earliestDeadlineAt: number | null;
  /** Expected duration of one batch run: a batch must start this long before its deadline. */
  expectedRunMs: number;
  now: number;
}

export type BatchDecision = { close: TBatchCloseReason } | { waitMs: number } | null;

export function decideBatch(q: QueueView, p: BatchPolicy): BatchDecision {
  if (q.queuedRows === 0 || q.oldestEnqueuedAt === null) return null;
  if (q.queuedRows >= p.maxBatchSize) return { close: 'full' };
  const windowLeft = q.oldestEnqueuedAt + p.windowMs - q.now;
  if (windowLeft <= 0) return { close: 'window' };
  if (q.earliestDeadlineAt !== null) {
    const deadlineLeft = q.earliestDeadlineAt - q.expectedRunMs - q.now;
    if (deadlineLeft <= 0) return { close: 'deadline' };
    if (deadlineLeft < windowLeft) return { waitMs: deadlineLeft };
  }
  return { waitMs: windowLeft };
}

/** Chunk sizes for a request bigger than one batch: [max, max, ..., rest]. */
export function splitRows(rows: number, maxBatchSize: number): number[] {
  const out: number[] = [];
  for (let left = rows; left > 0; left -= maxBatchSize) out.push(Math.min(left, maxBatchSize));
  return out;
}
