import { z } from 'zod';
import { zSafeText } from './safe-text';

/*
 * Request bodies (and GET query strings) of MLflow's tracking REST API, as mlflow/protos/service.proto
 * defines them. MLflow clients serialise with protobuf's JSON mapping, so int64 fields may arrive as
 * strings ("1700000000000") and doubles as "NaN", "Infinity" or "-Infinity"; both are accepted.
 * Field names stay snake_case, exactly as on the wire.
 *
 * Every string has a cap (MLflow's own where MLflow has one: mlflow/utils/validation.py and the
 * column sizes of its SQL store) and the shared text rules (no NUL; no control characters in
 * names, keys and ids); every integer fits the column it reaches.
 */

const INT64_RE = /^-?\d{1,20}$/;
/**
 * An int64 on the wire, held as a JavaScript number: within ±(2^53 - 1) so it is exact (epoch
 * milliseconds and steps never come near), and so within PostgreSQL's bigint.
 */
export const ZInt64 = z
  .union([z.number().int('must be an integer'), z.string().regex(INT64_RE, 'must be an integer').transform(Number)], { error: 'must be an integer' })
  .pipe(z.number().min(Number.MIN_SAFE_INTEGER, `must be at least ${Number.MIN_SAFE_INTEGER}`).max(Number.MAX_SAFE_INTEGER, `must be at most ${Number.MAX_SAFE_INTEGER}`));

const DOUBLE_WORDS: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };
// zod's z.number() refuses NaN and ±Infinity, which are legitimate metric values here.
export const ZDouble = z.union([
  z.custom<number>((v) => typeof v === 'number', 'must be a number'),
  z.string().transform((text, ctx) => {
    if (text in DOUBLE_WORDS) return DOUBLE_WORDS[text]!;
    const value = Number(text);
    if (text.trim() === '' || Number.isNaN(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be a number, "NaN", "Infinity" or "-Infinity"' });
      return z.NEVER;
    }
    return value;
  }),
]);

/** MLflow ids are strings; JSON clients sometimes send the experiment id as a number. */
const ZId = z.union([zSafeText({ min: 1, max: 256 }), z.number().int().transform(String)]);
/** A run id (32 hex digits, or a UUID); unknown ones are answered RESOURCE_DOES_NOT_EXIST. */
const ZRunId = zSafeText({ max: 256 });

// MLflow's own rule for metric, param and tag names (mlflow/utils/validation.py).
const KEY_RE = /^[/\w.\- :]*$/;
export const MLFLOW_KEY_MAX = 250;
export const MLFLOW_PARAM_VALUE_MAX = 6000;
export const MLFLOW_TAG_VALUE_MAX = 8000;
/** MLflow's MAX_EXPERIMENT_TAG_VAL_LENGTH and MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH. */
export const MLFLOW_ENTITY_TAG_VALUE_MAX = 5000;
export const MLFLOW_EXPERIMENT_NAME_MAX = 500;
/** MLflow's runs.name column (String(250)). */
export const MLFLOW_RUN_NAME_MAX = 250;
/** Filters, order-by clauses and page tokens: far past any real one, well short of a flood. */
const QUERY_TEXT_MAX = 10_000;

/** Free text of at most `max` characters (tabs and line breaks allowed, no NUL). */
export const zMlflowText = (max: number) => zSafeText({ max, kind: 'text' });
export const zMlflowName = (max: number) => zSafeText({ min: 1, max });

const ZKey = z
  .string()
  .min(1, 'must not be empty')
  .max(MLFLOW_KEY_MAX, `must be at most ${MLFLOW_KEY_MAX} characters`)
  .regex(KEY_RE, 'may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)')
  .refine((key) => !key.split('/').some((part) => part === '..' || part === '.') && !key.startsWith('/'), 'must not be a path that escapes (".." or a leading "/")');

export { ZKey as ZMlflowKey };
export const ZMlflowTag = z.object({ key: ZKey, value: zMlflowText(MLFLOW_TAG_VALUE_MAX).default('') });
/** Tags of experiments, registered models and model versions: MLflow caps their values at 5,000. */
export const ZMlflowEntityTag = z.object({ key: ZKey, value: zMlflowText(MLFLOW_ENTITY_TAG_VALUE_MAX).default('') });
export const ZMlflowParam = z.object({ key: ZKey, value: zMlflowText(MLFLOW_PARAM_VALUE_MAX).default('') });
export const ZMlflowMetric = z.object({ key: ZKey, value: ZDouble, timestamp: ZInt64, step: ZInt64.default(0) });
export type TMlflowTag = z.output<typeof ZMlflowTag>;
export type TMlflowParam = z.output<typeof ZMlflowParam>;
export type TMlflowMetric = z.output<typeof ZMlflowMetric>;

/** A GET query gives a single value where the proto has a repeated field. */
export const ZStringList = z.union([z.array(zMlflowText(QUERY_TEXT_MAX)).max(100, 'must have at most 100 items'), zMlflowText(QUERY_TEXT_MAX).transform((s) => [s])]);
export const ZQueryText = zMlflowText(QUERY_TEXT_MAX);
const ZViewType = z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']).default('ACTIVE_ONLY');
const ZMaxResults = (max: number) => ZInt64.pipe(z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`));

// run_uuid is the deprecated spelling of run_id that older clients still send.
const runRef = { run_id: ZRunId.optional(), run_uuid: ZRunId.optional() };

const ZExperimentName = zSafeText({ max: MLFLOW_EXPERIMENT_NAME_MAX })
  .trim()
  .min(1, 'must not be empty');
export const ZCreateExperiment = z.object({ name: ZExperimentName, artifact_location: zMlflowText(2048).optional(), tags: z.array(ZMlflowEntityTag).max(100, 'must have at most 100 items').default([]) });
export const ZExperimentRef = z.object({ experiment_id: ZId });
export const ZGetExperimentByName = z.object({ experiment_name: zMlflowName(MLFLOW_EXPERIMENT_NAME_MAX) });
export const ZSearchExperiments = z.object({
  max_results: ZMaxResults(50_000).default(1000),
  page_token: ZQueryText.optional(),
  filter: ZQueryText.optional(),
  order_by: ZStringList.default([]),
  view_type: ZViewType,
});
export const ZUpdateExperiment = z.object({ experiment_id: ZId, new_name: ZExperimentName.optional() });
export const ZSetExperimentTag = z.object({ experiment_id: ZId, key: ZKey, value: zMlflowText(MLFLOW_ENTITY_TAG_VALUE_MAX) });

export const ZRunStatus = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
export const ZCreateRun = z.object({
  experiment_id: ZId.default('0'),
  user_id: zSafeText({ max: 256 }).optional(),
  run_name: zMlflowText(MLFLOW_RUN_NAME_MAX).optional(),
  start_time: ZInt64.optional(),
  tags: z.array(ZMlflowTag).max(100, 'must have at most 100 items').default([]),
});
export const ZRunRef = z.object(runRef);
export const ZUpdateRun = z.object({ ...runRef, status: ZRunStatus.optional(), end_time: ZInt64.optional(), run_name: zMlflowText(MLFLOW_RUN_NAME_MAX).optional() });
export const ZSearchRuns = z.object({
  experiment_ids: ZStringList.default([]),
  filter: ZQueryText.optional(),
  run_view_type: ZViewType,
  max_results: ZMaxResults(50_000).default(1000),
  order_by: ZStringList.default([]),
  page_token: ZQueryText.optional(),
});
export const ZLogMetric = z.object({ ...runRef, key: ZKey, value: ZDouble, timestamp: ZInt64, step: ZInt64.default(0) });
export const ZLogParam = z.object({ ...runRef, key: ZKey, value: zMlflowText(MLFLOW_PARAM_VALUE_MAX) });
export const ZSetTag = z.object({ ...runRef, key: ZKey, value: zMlflowText(MLFLOW_TAG_VALUE_MAX) });
export const ZDeleteTag = z.object({ run_id: ZRunId, key: zMlflowName(MLFLOW_KEY_MAX) });
// Items are validated one by one in the service, after the limits, so a 1,001-item batch is refused
// for its size before any item is looked at (MLflow's order).
export const ZLogBatch = z.object({
  run_id: ZRunId,
  metrics: z.array(z.unknown()).default([]),
  params: z.array(z.unknown()).default([]),
  tags: z.array(z.unknown()).default([]),
});

// MLflow's MAX_DATASET_NAME_SIZE, MAX_DATASET_DIGEST_SIZE, MAX_DATASET_SOURCE_SIZE,
// MAX_DATASET_SCHEMA_SIZE, MAX_DATASET_PROFILE_SIZE, MAX_INPUT_TAG_KEY_SIZE / VALUE_SIZE.
export const ZMlflowDataset = z.object({
  name: zMlflowName(500),
  digest: zMlflowName(36),
  source_type: zSafeText({ max: 256 }).default(''),
  source: zMlflowText(65_535).default(''),
  schema: zMlflowText(1_048_575).optional(),
  profile: zMlflowText(16_777_215).optional(),
});
export const ZMlflowDatasetInput = z.object({
  tags: z.array(z.object({ key: zMlflowName(255), value: zMlflowText(500) })).max(100, 'must have at most 100 items').default([]),
  dataset: ZMlflowDataset,
});
export type TMlflowDatasetInput = z.output<typeof ZMlflowDatasetInput>;
export const ZLogInputs = z.object({ run_id: ZRunId, datasets: z.array(ZMlflowDatasetInput).max(1000, 'must have at most 1000 items').default([]) });

export const ZGetMetricHistory = z.object({ ...runRef, metric_key: zMlflowName(MLFLOW_KEY_MAX), page_token: ZQueryText.optional(), max_results: ZMaxResults(25_000).optional() });
export const ZListArtifacts = z.object({ ...runRef, path: zSafeText({ max: 4096 }).default(''), page_token: ZQueryText.optional() });

export const MLFLOW_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;
