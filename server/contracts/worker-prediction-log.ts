import { z } from 'zod';
import { ZTrafficVariant } from './worker-desired-state';

/** POST /api/worker/v1/prediction-logs: sampled per-item records, shipped in batches. */

export const ZPredictionLogRecord = z.object({
  request_id: z.string(),
  /** Position of the item in its request: request_id + item identifies a record (dedupe on replay). */
  item: z.number().int().nonnegative(),
  model: z.string(),
  model_version: z.number().int(),
  variant: ZTrafficVariant,
  /** sha256 of the canonical JSON (RFC 8785) of the item as sent: a row array or a feature object. */
  input_hash: z.string().regex(/^[0-9a-f]{64}$/),
  prediction: z.union([z.number(), z.string()]).nullable(),
  confidence: z.number().nullable(),
  latency_ms: z.number().nonnegative(),
  timestamp: z.string(),
  error: z.string().nullable(),
  /** Optional (newer workers): the sticky routing key, for feedback by routing key. */
  routing_key: z.string().max(256).nullable().optional(),
  /** Optional (newer workers): the numeric input row, for input-feature drift. */
  inputs: z.array(z.number()).max(100_000).optional(),
});
export type TPredictionLogRecord = z.infer<typeof ZPredictionLogRecord>;

export const MAX_LOG_BATCH = 5_000;

export const ZPredictionLogBatch = z.object({
  worker_id: z.string().min(1),
  records: z.array(ZPredictionLogRecord).min(1).max(MAX_LOG_BATCH),
});
export type TPredictionLogBatch = z.infer<typeof ZPredictionLogBatch>;

export const ZPredictionLogAck = z.object({ accepted: z.number().int().nonnegative() });
