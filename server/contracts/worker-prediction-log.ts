import { z } from 'zod';
import { zInt4 } from './column-limits';
import { TEXT_LIMITS, ZSafeId, ZSafeName, zSafeText } from './safe-text';
import { ZTrafficVariant } from './worker-desired-state';

/** POST /api/worker/v1/prediction-logs: sampled per-item records, shipped in batches. */

export const MAX_LOG_INPUTS = 100_000;

/**
 * A timestamp PostgreSQL's timestamptz can store and JavaScript can read back: ISO 8601 with a
 * zone (what Date#toISOString writes), a real calendar date, years 1-9999.
 */
const ZLogTimestamp = z.string().superRefine((text, ctx) => {
  if (text.length > 40 || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-01-01T00:00:00.000Z' });
    return;
  }
  const at = Date.parse(text);
  // Date.parse rolls 2026-02-30 over to March 2; a real date reads back the same day it names.
  const day = text.slice(0, 10);
  const calendar = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  calendar.setUTCFullYear(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  const sameDay = !Number.isNaN(at) && calendar.getUTCFullYear() === Number(day.slice(0, 4)) && calendar.toISOString().slice(5, 10) === day.slice(5);
  if (!sameDay) ctx.addIssue({ code: 'custom', message: `'${text.slice(0, 40)}' is not a real date` });
  else if (new Date(at).getUTCFullYear() < 1 || new Date(at).getUTCFullYear() > 9999) ctx.addIssue({ code: 'custom', message: 'must be within the years 1-9999' });
});

/**
 * One record as ingest judges it. The worker's edge applies the same text rules, so a record the
 * worker logged is one ingest stores; anything else is refused by index, never by failing a batch.
 * Every string fits its column (no NUL, identifiers without control characters, capped lengths),
 * every integer its int4 column, every number is finite.
 */
export const ZPredictionLogRecord = z.object({
  request_id: ZSafeId,
  /** Position of the item in its request: request_id + item identifies a record (dedupe on replay). */
  item: zInt4({ min: 0 }),
  model: ZSafeName,
  model_version: zInt4({ min: 1 }),
  variant: ZTrafficVariant,
  /** sha256 of the canonical JSON (RFC 8785) of the item as sent: a row array or a feature object. */
  input_hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (sha256)'),
  /** A number (regression, class index) or a label. */
  prediction: z.union([z.number(), zSafeText({ max: TEXT_LIMITS.name, kind: 'text' })]).nullable(),
  confidence: z.number().nullable(),
  latency_ms: z.number().nonnegative(),
  timestamp: ZLogTimestamp,
  /** Why the item failed, in words (free text, capped). */
  error: zSafeText({ max: TEXT_LIMITS.text, kind: 'text' }).nullable(),
  /** Optional (newer workers): the sticky routing key, for feedback by routing key. */
  routing_key: zSafeText({ max: TEXT_LIMITS.id }).nullable().optional(),
  /** Optional (newer workers): the numeric input row, for input-feature drift. */
  inputs: z.array(z.number()).max(MAX_LOG_INPUTS, `must have at most ${MAX_LOG_INPUTS} values`).optional(),
});
export type TPredictionLogRecord = z.infer<typeof ZPredictionLogRecord>;

export const MAX_LOG_BATCH = 5_000;

export const ZPredictionLogBatch = z.object({
  worker_id: zSafeText({ min: 1, max: TEXT_LIMITS.id }),
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
