import { z } from 'zod';
import { ZDatasetReference } from './dataset-reference';

/*
 * The TrainingConfig is the file a run is reproduced from (config.yaml / config.json), written by
 * people and by the Python client, so its keys are snake_case and unknown keys are refused: a typo
 * such as `learning_rte` must fail loudly rather than silently train with a default. Free-form
 * settings belong in the open records (`hyperparameters`, `params`, `extra`).
 */

export type TJsonValue = string | number | boolean | null | TJsonValue[] | { [key: string]: TJsonValue };

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function collectNonJson(value: unknown, path: (string | number)[], out: { path: (string | number)[]; rule: string }[], seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) out.push({ path, rule: `${String(value)} is not a JSON number` });
      return;
    case 'object': {
      if (value === null) return;
      if (seen.has(value)) {
        out.push({ path, rule: 'must not refer to itself' });
        return;
      }
      if (!Array.isArray(value) && !isPlainObject(value)) {
        out.push({ path, rule: 'must be a JSON value (string, number, boolean, null, list or map)' });
        return;
      }
      seen.add(value);
      if (Array.isArray(value)) value.forEach((item, index) => collectNonJson(item, [...path, index], out, seen));
      else for (const [key, item] of Object.entries(value)) collectNonJson(item, [...path, key], out, seen);
      seen.delete(value);
      return;
    }
    default:
      out.push({ path, rule: `${typeof value} is not a JSON value` });
  }
}

// Hand-written instead of z.json() so an error points at the offending leaf (params.betas[1])
// rather than reporting "Invalid input" for the whole union at the top.
export const ZJsonValue = z.custom<TJsonValue>().superRefine((value, ctx) => {
  const problems: { path: (string | number)[]; rule: string }[] = [];
  collectNonJson(value, [], problems, new Set());
  for (const problem of problems) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.rule });
});

// A missing map and an empty map configure the same run, so both parse to {} and hash alike.
const ZJsonRecord = z.record(z.string(), ZJsonValue).default({});

const nonEmptyName = () => z.string().trim().min(1);

export const ZModelConfig = z.strictObject({
  architecture: nonEmptyName(),
  hyperparameters: ZJsonRecord,
});

export const ZOptimizerConfig = z.strictObject({
  name: nonEmptyName(),
  learning_rate: z.number().positive(),
  weight_decay: z.number().min(0).default(0),
  params: ZJsonRecord,
});

export const ZLrScheduleConfig = z.strictObject({
  name: nonEmptyName(),
  params: ZJsonRecord,
});

export const ZEarlyStoppingConfig = z.strictObject({
  patience: z.int().min(0),
  metric: nonEmptyName(),
  mode: z.enum(['min', 'max']),
});

export const SEED_MAX = 2 ** 32 - 1;

const COMPUTED_KEYS: Record<string, string> = {
  effective_batch_size:
    'is computed (batch_size_per_device x device_count x gradient_accumulation_steps), never given; remove it',
};

export const ZTrainingConfig = z
  .strictObject(
    {
      model: ZModelConfig,
      optimizer: ZOptimizerConfig,
      lr_schedule: ZLrScheduleConfig,
      batch_size_per_device: z.int().min(1),
      device_count: z.int().min(1).default(1),
      gradient_accumulation_steps: z.int().min(1).default(1),
      max_epochs: z.int().min(1),
      early_stopping: ZEarlyStoppingConfig.optional(),
      seed: z.int().min(0).max(SEED_MAX),
      datasets: z.array(ZDatasetReference).min(1),
      extra: ZJsonRecord,
    },
    {
      error: (issue) => {
        if (issue.code !== 'unrecognized_keys') return undefined;
        const computed = issue.keys.filter((key) => key in COMPUTED_KEYS);
        if (computed.length === 0) return undefined;
        return computed.map((key) => `${key} ${COMPUTED_KEYS[key]}`).join('; ');
      },
    },
  )
  .superRefine((config, ctx) => {
    // Lineage maps a dataset name to one version; two versions of one name in a run would be ambiguous.
    const firstIndex = new Map<string, number>();
    config.datasets.forEach((dataset, index) => {
      const earlier = firstIndex.get(dataset.name);
      if (earlier === undefined) firstIndex.set(dataset.name, index);
      else {
        ctx.addIssue({
          code: 'custom',
          path: ['datasets', index, 'name'],
          message: `duplicates datasets[${earlier}].name "${dataset.name}"; each dataset may appear once`,
        });
      }
    });
  });

export type TTrainingConfig = z.output<typeof ZTrainingConfig>;
export type TTrainingConfigInput = z.input<typeof ZTrainingConfig>;

export function effectiveBatchSize(
  config: Pick<TTrainingConfig, 'batch_size_per_device' | 'device_count' | 'gradient_accumulation_steps'>,
): number {
  return config.batch_size_per_device * config.device_count * config.gradient_accumulation_steps;
}

export type TConfigIssue = { field: string; rule: string };
export type TConfigIssueReport = { message: string; issues: TConfigIssue[] };

const IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function formatFieldPath(path: readonly PropertyKey[]): string {
  let field = '';
  for (const segment of path) {
    if (typeof segment === 'number') field += `[${segment}]`;
    else {
      const key = String(segment);
      if (IDENTIFIER_RE.test(key)) field += field === '' ? key : `.${key}`;
      else field += `[${JSON.stringify(key)}]`;
    }
  }
  return field === '' ? '(root)' : field;
}

const TYPE_NAMES: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
};

function describeBound(issue: { inclusive?: boolean }, minimum: boolean): string {
  const exclusive = issue.inclusive === false;
  return minimum ? (exclusive ? '>' : '>=') : exclusive ? '<' : '<=';
}

function rulesOf(issue: z.core.$ZodIssue): TConfigIssue[] {
  const field = formatFieldPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      // zod 4 drops the input from finished issues; its message is the only trace of "missing".
      if (/received undefined$/.test(issue.message)) return [{ field, rule: 'required' }];
      return [{ field, rule: `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}` }];
    case 'too_small':
    case 'too_big': {
      const isMin = issue.code === 'too_small';
      const bound = Number(isMin ? issue.minimum : issue.maximum);
      if (issue.origin === 'array') {
        return [{ field, rule: `must have ${isMin ? 'at least' : 'at most'} ${bound} item${bound === 1 ? '' : 's'}` }];
      }
      if (issue.origin === 'string') {
        if (isMin && bound === 1) return [{ field, rule: 'must not be empty' }];
        return [{ field, rule: `must be ${isMin ? 'at least' : 'at most'} ${bound} characters` }];
      }
      return [{ field, rule: `must be ${describeBound(issue, isMin)} ${bound}` }];
    }
    case 'invalid_value':
      return [{ field, rule: `must be one of: ${issue.values.map((value) => String(value)).join(', ')}` }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        field: formatFieldPath([...issue.path, key]),
        rule: COMPUTED_KEYS[key] ?? 'unknown field',
      }));
    default:
      return [{ field, rule: issue.message }];
  }
}

const MESSAGE_ISSUE_LIMIT = 3;

// Turns a zod error into what a 400 response names: each offending field and the rule it broke.
export function formatConfigIssues(error: z.ZodError): TConfigIssueReport {
  const issues = error.issues.flatMap(rulesOf);
  const shown = issues.slice(0, MESSAGE_ISSUE_LIMIT).map((issue) => `${issue.field} ${issue.rule}`);
  const more = issues.length > MESSAGE_ISSUE_LIMIT ? ` (and ${issues.length - MESSAGE_ISSUE_LIMIT} more)` : '';
  return { message: `Invalid training config: ${shown.join('; ')}${more}`, issues };
}
