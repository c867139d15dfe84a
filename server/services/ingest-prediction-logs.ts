import { formatZodIssues } from '../contracts/zod-issues';
import {
  ZPredictionLogEnvelope,
  ZPredictionLogRecord,
  type TPredictionLogAck,
  type TPredictionLogRecord,
  type TPredictionLogRejection,
} from '../contracts/worker-prediction-log';
import type { Db } from '../db/client';
import { parseInput } from '../domain/errors';

/*
 * The prediction-log ingest judges each record. The envelope (worker id, 1-5,000 records) must be
 * readable, or the batch is a 400; each record is then parsed on its own (ZPredictionLogRecord:
 * strings that fit their columns, integers within int4, finite numbers, real dates) and resolved
 * to its model version on its own, so a bad record or an unknown model refuses only that record,
 * by index, and never stops a worker's spool. The good records go in one multi-row
 * INSERT ... SELECT FROM unnest(arrays): one round trip whatever the batch size. Replays after a
 * worker's spool are deduplicated by (request_id, item, ts) and count as accepted.
 */

export type TPredictionLogCounters = { accepted: number; invalid: number; unknownVersion: number };

// Process-local Prometheus counters (each replica exports its own; Prometheus sums them), kept on
// globalThis so that Next's per-route module copies share one set.
const holder = globalThis as unknown as { ballastPredictionLogCounters?: TPredictionLogCounters };
export function predictionLogCounters(): TPredictionLogCounters {
  holder.ballastPredictionLogCounters ??= { accepted: 0, invalid: 0, unknownVersion: 0 };
  return holder.ballastPredictionLogCounters;
}

/** A reason names the first few problems; a record with 100,000 bad inputs does not get 100,000 lines. */
const MAX_REASON_ISSUES = 3;
const MAX_REASON_CHARS = 1_000;

function rejectionReason(issues: string[]): string {
  const shown = issues.slice(0, MAX_REASON_ISSUES).join('; ');
  const more = issues.length > MAX_REASON_ISSUES ? ` (and ${issues.length - MAX_REASON_ISSUES} more problems)` : '';
  const reason = `invalid record: ${shown}${more}`;
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;
}

const versionKey = (model: string, version: number) => `${model}\u0000${version}`;

export async function ingestPredictionLogs(db: Db, raw: unknown): Promise<TPredictionLogAck> {
  const envelope = parseInput(ZPredictionLogEnvelope, raw, 'prediction-log batch');
  const rejected: TPredictionLogRejection[] = [];
  const valid: { index: number; record: TPredictionLogRecord }[] = [];
  envelope.records.forEach((candidate, index) => {
    const parsed = ZPredictionLogRecord.safeParse(candidate);
    if (parsed.success) valid.push({ index, record: parsed.data });
    else rejected.push({ index, reason: rejectionReason(formatZodIssues(parsed.error)) });
  });
  const invalid = rejected.length;

  const versionIds = await resolveVersions(db, valid.map((v) => v.record));
  const stored: TPredictionLogRecord[] = [];
  for (const { index, record } of valid) {
    if (versionIds.has(versionKey(record.model, record.model_version))) stored.push(record);
    else rejected.push({ index, reason: `unknown model version: ${record.model} v${record.model_version} is not in the registry` });
  }
  rejected.sort((a, b) => a.index - b.index);

  if (stored.length) await insertRecords(db, envelope.worker_id, stored, versionIds);
  const counters = predictionLogCounters();
  counters.accepted += stored.length;
  counters.invalid += invalid;
  counters.unknownVersion += rejected.length - invalid;
  return { accepted: stored.length, rejected };
}

async function insertRecords(db: Db, workerId: string, records: TPredictionLogRecord[], versionIds: Map<string, string>): Promise<void> {
  const n = records.length;
  const ts = new Array<string>(n);
  const requestIds = new Array<string>(n);
  const items = new Array<number>(n);
  const routingKeys = new Array<string | null>(n);
  const modelVersionIds = new Array<string>(n);
  const variants = new Array<string>(n);
  const hashes = new Array<string>(n);
  const inputs = new Array<string>(n);
  const predictions = new Array<number | null>(n);
  const labels = new Array<string | null>(n);
  const confidences = new Array<number | null>(n);
  const latencies = new Array<number>(n);
  const errors = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    // The contract checked that the timestamp is a real date within years 1-9999.
    ts[i] = new Date(Date.parse(r.timestamp)).toISOString();
    requestIds[i] = r.request_id;
    items[i] = r.item;
    routingKeys[i] = r.routing_key ?? null;
    modelVersionIds[i] = versionIds.get(versionKey(r.model, r.model_version))!;
    variants[i] = r.variant;
    hashes[i] = r.input_hash;
    // unnest() flattens a 2-D array, so each row travels as a Postgres array literal.
    inputs[i] = r.inputs?.length ? `{${r.inputs.join(',')}}` : '{}';
    predictions[i] = typeof r.prediction === 'number' ? r.prediction : null;
    labels[i] = typeof r.prediction === 'string' ? r.prediction : null;
    confidences[i] = r.confidence;
    latencies[i] = r.latency_ms;
    errors[i] = r.error;
  }
  await db.$executeRaw`
    INSERT INTO prediction_logs (ts, request_id, item, routing_key, model_version_id, variant, input_hash, inputs, prediction, label, confidence, latency_ms, error, worker_id)
    SELECT t.ts, t.request_id, t.item, t.routing_key, t.model_version_id, t.variant, t.input_hash, t.inputs::float8[], t.prediction, t.label, t.confidence, t.latency_ms, t.error, ${workerId}
    FROM unnest(${ts}::timestamptz[], ${requestIds}::text[], ${items}::int[], ${routingKeys}::text[], ${modelVersionIds}::uuid[], ${variants}::text[],
                ${hashes}::text[], ${inputs}::text[], ${predictions}::float8[], ${labels}::text[], ${confidences}::float8[], ${latencies}::float8[], ${errors}::text[])
      AS t(ts, request_id, item, routing_key, model_version_id, variant, input_hash, inputs, prediction, label, confidence, latency_ms, error)
    ON CONFLICT (request_id, item, ts) DO NOTHING`;
}

/** (model, version) -> version id, for the pairs the registry knows; one query per batch. */
async function resolveVersions(db: Db, records: TPredictionLogRecord[]): Promise<Map<string, string>> {
  const wanted = new Map<string, { model: string; version: number }>();
  for (const r of records) wanted.set(versionKey(r.model, r.model_version), { model: r.model, version: r.model_version });
  if (!wanted.size) return new Map();
  const pairs = [...wanted.values()];
  const rows = await db.$queryRaw<{ model: string; version: number; id: string }[]>`
    SELECT m.name AS model, v.version, v.id::text AS id
    FROM unnest(${pairs.map((p) => p.model)}::text[], ${pairs.map((p) => p.version)}::int[]) AS w(model, version)
    JOIN registered_models m ON m.name = w.model
    JOIN model_versions v ON v.model_id = m.id AND v.version = w.version`;
  return new Map(rows.map((r) => [versionKey(r.model, r.version), r.id]));
}
