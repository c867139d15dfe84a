import { z } from 'zod';

/*
 * Request bodies (and GET query strings) of MLflow's tracking REST API, as mlflow/protos/service.proto
 * defines them. MLflow clients serialise with protobuf's JSON mapping, so int64 fields may arrive as
 * strings ("1700000000000") and doubles as "NaN", "Infinity" or "-Infinity"; both are accepted.
 * Field names stay snake_case, exactly as on the wire.
 */

const INT64_RE = /^-?\d+$/;
export const ZInt64 = z.union([
  z.number().int('must be an integer'),
  z.string().regex(INT64_RE, 'must be an integer').transform(Number),
]);

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
const ZId = z.union([z.string().min(1, 'must not be empty'), z.number().int().transform(String)]);

// MLflow's own rule for metric, param and tag names (mlflow/utils/validation.py).
const KEY_RE = /^[/\w.\- :]*$/;
export const MLFLOW_KEY_MAX = 250;
export const MLFLOW_PARAM_VALUE_MAX = 6000;
export const MLFLOW_TAG_VALUE_MAX = 8000;

const ZKey = z
  .string()
  .min(1, 'must not be empty')
  .max(MLFLOW_KEY_MAX, `must be at most ${MLFLOW_KEY_MAX} characters`)
  .regex(KEY_RE, 'may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)')
  .refine((key) => !key.split('/').some((part) => part === '..' || part === '.') && !key.startsWith('/'), 'must not be a path that escapes (".." or a leading "/")');

export const ZMlflowTag = z.object({ key: ZKey, value: z.string().max(MLFLOW_TAG_VALUE_MAX, `must be at most ${MLFLOW_TAG_VALUE_MAX} characters`).default('') });
export const ZMlflowParam = z.object({ key: ZKey, value: z.string().max(MLFLOW_PARAM_VALUE_MAX, `must be at most ${MLFLOW_PARAM_VALUE_MAX} characters`).default('') });
export const ZMlflowMetric = z.object({ key: ZKey, value: ZDouble, timestamp: ZInt64, step: ZInt64.default(0) });
export type TMlflowTag = z.output<typeof ZMlflowTag>;
export type TMlflowParam = z.output<typeof ZMlflowParam>;
export type TMlflowMetric = z.output<typeof ZMlflowMetric>;

/** A GET query gives a single value where the proto has a repeated field. */
const ZStringList = z.union([z.array(z.string()), z.string().transform((s) => [s])]);
const ZViewType = z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']).default('ACTIVE_ONLY');
const ZMaxResults = (max: number) => ZInt64.pipe(z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`));

// run_uuid is the deprecated spelling of run_id that older clients still send.
const runRef = { run_id: z.string().optional(), run_uuid: z.string().optional() };

export const ZCreateExperiment = z.object({ name: z.string().trim().min(1, 'must not be empty').max(500), artifact_location: z.string().optional(), tags: z.array(ZMlflowTag).default([]) });
export const ZExperimentRef = z.object({ experiment_id: ZId });
export const ZGetExperimentByName = z.object({ experiment_name: z.string().min(1, 'must not be empty') });
export const ZSearchExperiments = z.object({
  max_results: ZMaxResults(50_000).default(1000),
  page_token: z.string().optional(),
  filter: z.string().optional(),
  order_by: ZStringList.default([]),
  view_type: ZViewType,
});
export const ZUpdateExperiment = z.object({ experiment_id: ZId, new_name: z.string().trim().min(1, 'must not be empty').optional() });
export const ZSetExperimentTag = z.object({ experiment_id: ZId, key: ZKey, value: z.string().max(MLFLOW_TAG_VALUE_MAX) });

export const ZRunStatus = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
export const ZCreateRun = z.object({
  experiment_id: ZId.default('0'),
  user_id: z.string().optional(),
  run_name: z.string().max(250).optional(),
  start_time: ZInt64.optional(),
  tags: z.array(ZMlflowTag).default([]),
});
export const ZRunRef = z.object(runRef);
export const ZUpdateRun = z.object({ ...runRef, status: ZRunStatus.optional(), end_time: ZInt64.optional(), run_name: z.string().max(250).optional() });
export const ZSearchRuns = z.object({
  experiment_ids: ZStringList.default([]),
  filter: z.string().optional(),
  run_view_type: ZViewType,
  max_results: ZMaxResults(50_000).default(1000),
  order_by: ZStringList.default([]),
  page_token: z.string().optional(),
});
export const ZLogMetric = z.object({ ...runRef, key: ZKey, value: ZDouble, timestamp: ZInt64, step: ZInt64.default(0) });
export const ZLogParam = z.object({ ...runRef, key: ZKey, value: z.string().max(MLFLOW_PARAM_VALUE_MAX, `must be at most ${MLFLOW_PARAM_VALUE_MAX} characters`) });
export const ZSetTag = z.object({ ...runRef, key: ZKey, value: z.string().max(MLFLOW_TAG_VALUE_MAX, `must be at most ${MLFLOW_TAG_VALUE_MAX} characters`) });
export const ZDeleteTag = z.object({ run_id: z.string(), key: z.string().min(1, 'must not be empty') });
// Items are validated one by one in the service, after the limits, so a 1,001-item batch is refused
// for its size before any item is looked at (MLflow's order).
export const ZLogBatch = z.object({
  run_id: z.string(),
  metrics: z.array(z.unknown()).default([]),
  params: z.array(z.unknown()).default([]),
  tags: z.array(z.unknown()).default([]),
});

export const ZMlflowDataset = z.object({
  name: z.string().min(1, 'must not be empty'),
  digest: z.string().min(1, 'must not be empty'),
  source_type: z.string().default(''),
  source: z.string().default(''),
  schema: z.string().optional(),
  profile: z.string().optional(),
});
export const ZMlflowDatasetInput = z.object({ tags: z.array(z.object({ key: z.string().min(1), value: z.string() })).default([]), dataset: ZMlflowDataset });
export type TMlflowDatasetInput = z.output<typeof ZMlflowDatasetInput>;
export const ZLogInputs = z.object({ run_id: z.string(), datasets: z.array(ZMlflowDatasetInput).default([]) });

export const ZGetMetricHistory = z.object({ ...runRef, metric_key: z.string().min(1, 'must not be empty'), page_token: z.string().optional(), max_results: ZMaxResults(25_000).optional() });
export const ZListArtifacts = z.object({ ...runRef, path: z.string().default(''), page_token: z.string().optional() });

export const MLFLOW_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;
