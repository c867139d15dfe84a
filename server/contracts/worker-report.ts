import { z } from 'zod';
import { ZVersionState } from './worker-model';
import { ZTrafficVariant } from './worker-desired-state';

/**
 * POST /api/worker/v1/heartbeat, at least every 10 s: who the worker is, what it serves and how
 * that went since start (counters are cumulative, so a lost report loses nothing).
 */

/**
 * The one latency bucket scheme: the report's bounds, the version_traffic rows and the worker's
 * Prometheus histograms (the same bounds in seconds), so a report copies the worker's counts as
 * they are. Changing it changes the meaning of stored rows (they keep their own bounds_ms).
 */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] as const;

export const ZLatencyHistogram = z.object({
  /** Upper bounds in ms; counts has one more entry, for +Inf. Not cumulative. */
  bounds_ms: z.array(z.number()),
  counts: z.array(z.number().int().nonnegative()),
  sum_ms: z.number(),
});

export const ZVersionReport = z.object({
  model: z.string(),
  version: z.number().int(),
  state: ZVersionState,
  variant: ZTrafficVariant.nullable(),
  weight: z.number().int(),
  requests: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  latency: ZLatencyHistogram,
  last_served_at: z.string().nullable(),
  /** Why the version is `failed` (checksum, golden mismatch, load error). */
  failure: z.string().nullable(),
});
export type TVersionReport = z.infer<typeof ZVersionReport>;

export const ZWorkerReport = z.object({
  worker_id: z.string().min(1),
  hostname: z.string(),
  started_at: z.string(),
  sent_at: z.string(),
  uptime_s: z.number(),
  execution_provider: z.enum(['cpu', 'cuda']),
  desired_revision: z.string().nullable(),
  versions: z.array(ZVersionReport),
});
export type TWorkerReport = z.infer<typeof ZWorkerReport>;

export const ZWorkerReportAck = z.object({ ok: z.literal(true) });
