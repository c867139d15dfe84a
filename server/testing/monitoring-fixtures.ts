import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import { seededRandom } from '../synthetic/seeded-random';
import { sampleReferenceStats } from './onnx-model';

/*
 * Monitoring fixtures: a model with versions that carry reference statistics and training runs
 * (rows written directly: the registry's own tests cover how versions are made), deployments,
 * and prediction logs in bulk.
 */

let seq = 0;

export async function makeMonitoredModel(db: Db, opts: { versions?: number; features?: number } = {}) {
  const n = seq++;
  const name = `mon-${Date.now().toString(36)}-${n}`;
  const model = await db.registeredModel.create({ data: { name } });
  const experiment = await db.experiment.create({ data: { name: `${name}-exp` } });
  const versions = [];
  for (let v = 1; v <= (opts.versions ?? 2); v++) {
    const run = await db.run.create({ data: { id: randomUUID(), experimentId: experiment.id, name: `train-v${v}`, startTime: BigInt(Date.now()), artifactUri: 'mem://x' } });
    const reference = sampleReferenceStats(opts.features ?? 4);
    versions.push(
      await db.modelVersion.create({
        data: { modelId: model.id, version: v, stage: v === 1 ? 'production' : 'staging', runId: run.id, referenceStats: reference, onnxSha256: 'a'.repeat(64), complete: true },
      }),
    );
  }
  return { model, experiment, versions };
}

export async function makeDeployment(
  db: Db,
  modelId: string,
  opts: { stableVersionId: string; candidateVersionId: string; strategy?: 'ab_test' | 'canary'; outcomeKind?: 'binary' | 'continuous'; createdAt?: Date; candidateWeight?: number },
) {
  return db.deployment.create({
    data: {
      modelId,
      activeModelId: modelId,
      strategy: opts.strategy ?? 'ab_test',
      stableVersionId: opts.stableVersionId,
      candidateVersionId: opts.candidateVersionId,
      candidateWeight: opts.candidateWeight ?? 5000,
      outcomeKind: opts.outcomeKind ?? null,
      createdAt: opts.createdAt ?? new Date(Date.now() - 3_600_000),
    },
  });
}

export interface TLogRow {
  ts: Date;
  requestId: string;
  routingKey?: string | null;
  modelVersionId: string;
  variant: string;
  inputs?: number[];
  prediction?: number | null;
  confidence?: number | null;
  latencyMs?: number;
  error?: string | null;
}

export async function insertPredictionLogs(db: Db, rows: TLogRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await db.$executeRaw`
      INSERT INTO prediction_logs (ts, request_id, item, routing_key, model_version_id, variant, input_hash, inputs, prediction, confidence, latency_ms, error)
      SELECT t.ts, t.request_id, 0, t.routing_key, t.model_version_id, t.variant, 'h', t.inputs::float8[], t.prediction, t.confidence, t.latency_ms, t.error
      FROM unnest(${chunk.map((r) => r.ts)}::timestamptz[], ${chunk.map((r) => r.requestId)}::text[], ${chunk.map((r) => r.routingKey ?? null)}::text[],
                  ${chunk.map((r) => r.modelVersionId)}::uuid[], ${chunk.map((r) => r.variant)}::text[], ${chunk.map((r) => `{${(r.inputs ?? []).join(',')}}`)}::text[],
                  ${chunk.map((r) => r.prediction ?? null)}::float8[], ${chunk.map((r) => r.confidence ?? null)}::float8[], ${chunk.map((r) => r.latencyMs ?? 5)}::float8[],
                  ${chunk.map((r) => r.error ?? null)}::text[])
        AS t(ts, request_id, routing_key, model_version_id, variant, inputs, prediction, confidence, latency_ms, error)`;
  }
}

/** Standard normal draws from a seeded uniform generator (Box–Muller). */
export function seededNormal(seed: number): () => number {
  const u = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}
