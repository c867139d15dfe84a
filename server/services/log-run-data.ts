import { z } from 'zod';
import { MLFLOW_BATCH_LIMITS, ZMlflowMetric, ZMlflowParam, ZMlflowTag, type TMlflowMetric, type TMlflowParam, type TMlflowTag } from '../contracts/mlflow';
import { formatZodIssues } from '../contracts/zod-issues';
import type { DbOrTx, Tx } from '../db/client';
import { Prisma } from '../db/generated/client';
import { DomainError } from '../domain/errors';
import { CONFIG_PARAM_KEY, runConfigRecord, runPatchFromTags, type TRunConfigRecord } from '../domain/run-record-mapping';
import { linkConfigDatasets } from './link-run-datasets';
import { loadActiveRun } from './load-tracking-entity';
import type { ServiceContext } from './service-context';
import { ROLLUP_SHIFTS } from '../domain/metric-downsample';

export type TLogRunDataInput = { runId: string | undefined; metrics?: unknown[]; params?: unknown[]; tags?: unknown[] };

function parseItems<T>(schema: z.ZodType<T>, items: unknown[] | undefined, field: string): T[] {
  const parsed = z.array(schema).safeParse(items ?? []);
  if (parsed.success) return parsed.data;
  throw new DomainError('BAD_REQUEST', `Invalid ${field}: ${formatZodIssues(parsed.error, field).join('; ')}`);
}

function checkLimits(input: TLogRunDataInput): void {
  const m = input.metrics?.length ?? 0;
  const p = input.params?.length ?? 0;
  const t = input.tags?.length ?? 0;
  const L = MLFLOW_BATCH_LIMITS;
  const over = [
    m > L.metrics ? `${m} metrics (the limit is ${L.metrics})` : null,
    p > L.params ? `${p} params (the limit is ${L.params})` : null,
    t > L.tags ? `${t} tags (the limit is ${L.tags})` : null,
    m + p + t > L.total ? `${m + p + t} items in total (the limit is ${L.total})` : null,
  ].filter(Boolean);
  if (over.length) throw new DomainError('BAD_REQUEST', `A batch logging request can contain at most ${L.metrics} metrics, ${L.params} params, ${L.tags} tags and ${L.total} items in total; this one has ${over.join(', ')}. Nothing was logged.`);
}

/**
 * Appends metric points in one statement: the points and the per-key latest value, so a batch is
 * all-or-nothing without an explicit transaction. Values travel as text so that NaN and ±Infinity
 * reach float8 intact; identical re-sent points are ignored, as MLflow's store does.
 */
export async function appendMetrics(db: DbOrTx, runUuid: string, metrics: readonly TMlflowMetric[]): Promise<void> {
  if (metrics.length === 0) return;
  const keys = metrics.map((m) => m.key);
  const steps = metrics.map((m) => String(m.step));
  const timestamps = metrics.map((m) => String(m.timestamp));
  const values = metrics.map((m) => String(m.value));
  await db.$executeRaw(Prisma.sql`
    WITH input AS (
      SELECT *, value NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) AS finite
      FROM unnest(${keys}::text[], ${steps}::bigint[], ${timestamps}::bigint[], ${values}::float8[]) AS t(key, step, timestamp, value)
    ), appended AS (
      INSERT INTO metrics (run_id, key, step, timestamp, value)
      SELECT ${runUuid}::uuid, key, step, timestamp, value FROM input
      ON CONFLICT DO NOTHING
    ), latest AS (
      INSERT INTO latest_metrics (run_id, key, step, timestamp, value)
      SELECT DISTINCT ON (key) ${runUuid}::uuid, key, step, timestamp, value FROM input
      ORDER BY key, step DESC, timestamp DESC, value DESC
      ON CONFLICT (run_id, key) DO UPDATE SET step = EXCLUDED.step, timestamp = EXCLUDED.timestamp, value = EXCLUDED.value
      WHERE (EXCLUDED.step, EXCLUDED.timestamp, EXCLUDED.value) >= (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)
    ), batch_rollup AS (
      SELECT key, shift, step >> shift AS bucket,
        min(ARRAY[value, step::float8]) FILTER (WHERE finite) AS lo,
        max(ARRAY[value, -step::float8]) FILTER (WHERE finite) AS hi,
        max(ARRAY[CASE WHEN value = '-Infinity'::float8 THEN 0 WHEN value = 'NaN'::float8 THEN 1 ELSE 2 END, -step::float8]) FILTER (WHERE NOT finite) AS odd
      FROM input CROSS JOIN unnest(${ROLLUP_SHIFTS}::int[]) AS s(shift)
      GROUP BY key, shift, step >> shift
    )
    INSERT INTO metric_rollups AS r (run_id, key, shift, bucket, min_step, min_value, max_step, max_value, odd_step, odd_value)
    SELECT ${runUuid}::uuid, key, shift, bucket, lo[2]::bigint, lo[1], (-hi[2])::bigint, hi[1], (-odd[2])::bigint,
      CASE odd[1] WHEN 0 THEN '-Infinity'::float8 WHEN 1 THEN 'NaN'::float8 WHEN 2 THEN 'Infinity'::float8 END
    FROM batch_rollup
    ON CONFLICT (run_id, key, shift, bucket) DO UPDATE SET
      min_step = CASE WHEN r.min_value IS NULL OR (EXCLUDED.min_value, EXCLUDED.min_step) < (r.min_value, r.min_step) THEN EXCLUDED.min_step ELSE r.min_step END,
      min_value = CASE WHEN r.min_value IS NULL OR (EXCLUDED.min_value, EXCLUDED.min_step) < (r.min_value, r.min_step) THEN EXCLUDED.min_value ELSE r.min_value END,
      max_step = CASE WHEN r.max_value IS NULL OR EXCLUDED.max_value > r.max_value OR (EXCLUDED.max_value = r.max_value AND EXCLUDED.max_step < r.max_step) THEN EXCLUDED.max_step ELSE r.max_step END,
      max_value = CASE WHEN r.max_value IS NULL OR EXCLUDED.max_value > r.max_value THEN EXCLUDED.max_value ELSE r.max_value END,
      odd_step = COALESCE(r.odd_step, EXCLUDED.odd_step),
      odd_value = COALESCE(r.odd_value, EXCLUDED.odd_value)`);
}

async function writeParams(tx: Tx, runUuid: string, runId: string, params: readonly TMlflowParam[]): Promise<void> {
  if (params.length === 0) return;
  const existing = await tx.runParam.findMany({ where: { runId: runUuid, key: { in: params.map((p) => p.key) } } });
  const stored = new Map(existing.map((p) => [p.key, p.value]));
  const changed = params.filter((p) => stored.has(p.key) && stored.get(p.key) !== p.value);
  if (changed.length) {
    const first = changed[0]!;
    throw new DomainError(
      'BAD_REQUEST',
      `Changing param values is not allowed. Param with key='${first.key}' was already logged with value='${stored.get(first.key)}' for run ID='${runId}'. Attempted logging new value '${first.value}'.`,
    );
  }
  await tx.runParam.createMany({ data: params.filter((p) => !stored.has(p.key)).map((p) => ({ runId: runUuid, key: p.key, value: p.value })) });
}

async function writeTags(tx: Tx, runUuid: string, tags: readonly TMlflowTag[]): Promise<void> {
  if (tags.length === 0) return;
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO run_tags (run_id, key, value)
    SELECT ${runUuid}::uuid, key, value FROM unnest(${tags.map((t) => t.key)}::text[], ${tags.map((t) => t.value)}::text[]) AS t(key, value)
    ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value`);
}

/**
 * MLflow's log-batch, and the single-item log-metric / log-parameter / set-tag on top of it:
 * params are immutable (the same value again is fine), metrics are appended, tags overwrite.
 * Limits, item validation, param conflicts and the TrainingConfig are all checked before anything
 * is written, and the writes share one transaction, so a refused batch stores nothing.
 */
export async function logRunData(ctx: ServiceContext, input: TLogRunDataInput): Promise<void> {
  checkLimits(input);
  const metrics = parseItems(ZMlflowMetric, input.metrics, 'metrics');
  const params = parseItems(ZMlflowParam, input.params, 'params');
  // Later tags win within a batch, as in MLflow.
  const tags = [...new Map(parseItems(ZMlflowTag, input.tags, 'tags').map((t) => [t.key, t])).values()];
  const seen = new Set<string>();
  const duplicate = params.find((p) => seen.size === seen.add(p.key).size);
  if (duplicate) throw new DomainError('BAD_REQUEST', `Duplicate parameter keys have been submitted: ['${duplicate.key}']. Please ensure the request contains only one param value per param key.`);

  const configParam = params.find((p) => p.key === CONFIG_PARAM_KEY);
  const configRecord = configParam ? runConfigRecord(configParam.value, `param ${CONFIG_PARAM_KEY}`) : undefined;
  const patch = runPatchFromTags(tags);
  const run = await loadActiveRun(ctx.db, input.runId);

  if (params.length === 0 && tags.length === 0) {
    await appendMetrics(ctx.db, run.id, metrics);
    return;
  }
  await ctx.db.$transaction(async (tx) => {
    // Serialises writers of one run's params, so two conflicting values cannot both get in.
    await tx.$executeRaw`SELECT 1 FROM runs WHERE id = ${run.id}::uuid FOR UPDATE`;
    await writeParams(tx, run.id, input.runId!, params);
    await writeTags(tx, run.id, tags);
    await appendMetrics(tx, run.id, metrics);
    if (Object.keys(patch).length) {
      await tx.run.update({
        where: { id: run.id },
        data: { ...patch, libraries: patch.libraries ?? undefined, hardware: patch.hardware ?? undefined },
      });
    }
    if (configRecord) await applyRunConfig(ctx, tx, run.id, configRecord);
  });
}

/** Stores the validated TrainingConfig on the run and links the dataset versions it names. */
export async function applyRunConfig(ctx: ServiceContext, tx: Tx, runUuid: string, record: TRunConfigRecord): Promise<void> {
  await tx.run.update({
    where: { id: runUuid },
    data: {
      config: JSON.parse(record.configJson) as Prisma.InputJsonValue,
      configYaml: record.configYaml,
      configHash: record.configHash,
      effectiveBatchSize: record.effectiveBatchSize,
      seed: BigInt(record.seed),
    },
  });
  await linkConfigDatasets(ctx, tx, runUuid, record.config.datasets);
}

export async function deleteRunTag(ctx: ServiceContext, input: { runId: string; key: string }): Promise<void> {
  const run = await loadActiveRun(ctx.db, input.runId);
  const deleted = await ctx.db.runTag.deleteMany({ where: { runId: run.id, key: input.key } });
  if (deleted.count === 0) throw new DomainError('NOT_FOUND', `No tag with name: ${input.key} in run with id ${input.runId}`);
}
