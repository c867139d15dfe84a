import { ZPredictionLogBatch, type TPredictionLogBatch } from '../contracts/worker-prediction-log';
import type { Db } from '../db/client';
import { DomainError, parseInput } from '../domain/errors';

/*
 * The prediction-log ingest: one batch (<= 5,000 records) in one multi-row INSERT ... SELECT FROM
 * unnest(arrays), so the cost is one round trip and one statement whatever the batch size. Model
 * and version are resolved to ids once per batch; a record the registry does not know refuses the
 * whole batch (400 naming it), because retrying cannot fix it. Replays after a worker's spool are
 * deduplicated by (request_id, item, ts).
 */

export async function ingestPredictionLogs(db: Db, raw: TPredictionLogBatch): Promise<{ accepted: number }> {
  const batch = parseInput(ZPredictionLogBatch, raw, 'prediction-log batch');
  const versionIds = await resolveVersions(db, batch.records);
  const n = batch.records.length;
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
    const r = batch.records[i]!;
    const at = Date.parse(r.timestamp);
    if (Number.isNaN(at)) throw new DomainError('BAD_REQUEST', `records.${i}.timestamp: '${r.timestamp}' is not a date`);
    ts[i] = new Date(at).toISOString();
    requestIds[i] = r.request_id;
    items[i] = r.item;
    routingKeys[i] = r.routing_key ?? null;
    modelVersionIds[i] = versionIds.get(`${r.model}\u0000${r.model_version}`)!;
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
  const inserted = await db.$executeRaw`
    INSERT INTO prediction_logs (ts, request_id, item, routing_key, model_version_id, variant, input_hash, inputs, prediction, label, confidence, latency_ms, error, worker_id)
    SELECT t.ts, t.request_id, t.item, t.routing_key, t.model_version_id, t.variant, t.input_hash, t.inputs::float8[], t.prediction, t.label, t.confidence, t.latency_ms, t.error, ${batch.worker_id}
    FROM unnest(${ts}::timestamptz[], ${requestIds}::text[], ${items}::int[], ${routingKeys}::text[], ${modelVersionIds}::uuid[], ${variants}::text[],
                ${hashes}::text[], ${inputs}::text[], ${predictions}::float8[], ${labels}::text[], ${confidences}::float8[], ${latencies}::float8[], ${errors}::text[])
      AS t(ts, request_id, item, routing_key, model_version_id, variant, input_hash, inputs, prediction, label, confidence, latency_ms, error)
    ON CONFLICT (request_id, item, ts) DO NOTHING`;
  return { accepted: inserted };
}

async function resolveVersions(db: Db, records: TPredictionLogBatch['records']): Promise<Map<string, string>> {
  const wanted = new Map<string, { model: string; version: number }>();
  for (const r of records) wanted.set(`${r.model}\u0000${r.model_version}`, { model: r.model, version: r.model_version });
  const pairs = [...wanted.values()];
  const rows = await db.$queryRaw<{ model: string; version: number; id: string }[]>`
    SELECT m.name AS model, v.version, v.id::text AS id
    FROM unnest(${pairs.map((p) => p.model)}::text[], ${pairs.map((p) => p.version)}::int[]) AS w(model, version)
    JOIN registered_models m ON m.name = w.model
    JOIN model_versions v ON v.model_id = m.id AND v.version = w.version`;
  const found = new Map(rows.map((r) => [`${r.model}\u0000${r.version}`, r.id]));
  const missing = pairs.filter((p) => !found.has(`${p.model}\u0000${p.version}`));
  if (missing.length) {
    throw new DomainError('BAD_REQUEST', `unknown model version(s): ${missing.map((p) => `${p.model} v${p.version}`).join(', ')}; the batch was not stored`, { unknown: missing });
  }
  return found;
}
