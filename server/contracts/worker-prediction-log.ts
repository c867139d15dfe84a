import { z } from 'zod';
import { TEXT_LIMITS, zSafeText } from './safe-text';
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

/**
 * The wire envelope ingest reads: records stay unknown here so that ingest can judge each one
 * (ZPredictionLogRecord) and refuse only the bad ones, by index, instead of failing the batch.
 */
export const ZPredictionLogEnvelope = z.object({
  worker_id: zSafeText({ min: 1, max: TEXT_LIMITS.id }),
  records: z.array(z.unknown()).min(1).max(MAX_LOG_BATCH),
});
export type TPredictionLogEnvelope = z.infer<typeof ZPredictionLogEnvelope>;

/** One record ingest will never store, whatever the retry: the worker dead-letters it. */
export const ZPredictionLogRejection = z.object({
  /** Position of the record in the batch that was sent. */
  index: z.number().int().nonnegative(),
  reason: z.string(),
});
export type TPredictionLogRejection = z.infer<typeof ZPredictionLogRejection>;

/**
 * Ingest's answer (HTTP 200 whenever the envelope was readable): `accepted` records were stored
 * or were already stored (a replay), `rejected` lists each refused record. A 4xx means the
 * envelope itself was unreadable; a 5xx or 503 means "try again later", never "this record is bad".
 */
export const ZPredictionLogAck = z.object({
  accepted: z.number().int().nonnegative(),
  /** Absent from control planes older than per-record judgement. */
  rejected: z.array(ZPredictionLogRejection).default([]),
});
export type TPredictionLogAck = z.infer<typeof ZPredictionLogAck>;
