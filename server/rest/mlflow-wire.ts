import type { ZodType } from 'zod';
import type { TExperimentView, TMetricPointView, TRunView } from '../contracts/tracking';
import { formatZodIssues } from '../contracts/zod-issues';
import { DomainError, type TErrorCode } from '../domain/errors';

/*
 * MLflow's wire format: its error shape and codes, protobuf-JSON doubles ("NaN", "Infinity",
 * "-Infinity" as strings), and the JSON of experiments, runs and metrics as service.proto has them.
 */

const MLFLOW_ERROR_CODES: Record<TErrorCode, string> = {
  BAD_REQUEST: 'INVALID_PARAMETER_VALUE',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'PERMISSION_DENIED',
  NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST',
  CONFLICT: 'RESOURCE_ALREADY_EXISTS',
  PAYLOAD_TOO_LARGE: 'RESOURCE_EXHAUSTED',
  UNPROCESSABLE: 'INVALID_PARAMETER_VALUE',
  TOO_MANY_REQUESTS: 'REQUEST_LIMIT_EXCEEDED',
  INTERNAL: 'INTERNAL_ERROR',
  UNAVAILABLE: 'TEMPORARILY_UNAVAILABLE',
};

export function mlflowErrorBody(err: DomainError): { error_code: string; message: string } {
  const explicit = typeof err.details?.mlflowErrorCode === 'string' ? err.details.mlflowErrorCode : undefined;
  return { error_code: explicit ?? MLFLOW_ERROR_CODES[err.code], message: err.message };
}

/**
 * MLflow answers RESOURCE_ALREADY_EXISTS with HTTP 400 (clients key on error_code, and some on the
 * status), where Ballast's own API says 409; only the MLflow surface translates.
 */
export function toMlflowError(err: unknown): unknown {
  if (err instanceof DomainError && err.code === 'CONFLICT') {
    // A conflict of state (an unmet gate, a forbidden transition) names its own code, INVALID_STATE.
    return new DomainError('BAD_REQUEST', err.message, { ...err.details, mlflowErrorCode: err.details?.mlflowErrorCode ?? 'RESOURCE_ALREADY_EXISTS' });
  }
  return err;
}

// Python's json module writes bare NaN / Infinity tokens (json.dumps(float("nan"))); JSON.parse
// refuses them. Outside string literals they are quoted, so ZDouble reads them like protobuf's.
function quoteBareNonFinite(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const rest = text.slice(i, i + 9);
    const word = rest.startsWith('-Infinity') ? '-Infinity' : rest.startsWith('Infinity') ? 'Infinity' : rest.startsWith('NaN') ? 'NaN' : null;
    if (word) {
      out += `"${word}"`;
      i += word.length - 1;
    } else out += c;
  }
  return out;
}

export async function readMlflowJson(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new DomainError('PAYLOAD_TOO_LARGE', `request body is ${declared} bytes; the limit is ${maxBytes}`);
  const text = await request.text();
  if (text.length > maxBytes) throw new DomainError('PAYLOAD_TOO_LARGE', `request body is over the ${maxBytes}-byte limit`);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(quoteBareNonFinite(text));
    } catch (err) {
      throw new DomainError('BAD_REQUEST', `Malformed request: the body is not valid JSON (${(err as Error).message})`, { mlflowErrorCode: 'MALFORMED_REQUEST' });
    }
  }
}

/** GET endpoints read the same fields from the query string; a repeated key is a list. */
export function readMlflowQuery(request: Request): Record<string, string | string[]> {
  const params = new URL(request.url).searchParams;
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0]!;
  }
  return out;
}

export function parseMlflowRequest<T>(schema: ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new DomainError('BAD_REQUEST', `Invalid request: ${formatZodIssues(parsed.error).join('; ')}`);
}

export function mlflowDouble(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

export const metricJson = (m: TMetricPointView) => ({ key: m.key, value: mlflowDouble(m.value), timestamp: m.timestamp, step: m.step });

export const experimentJson = (e: TExperimentView) => ({
  experiment_id: e.experimentId,
  name: e.name,
  artifact_location: e.artifactLocation,
  lifecycle_stage: e.lifecycleStage,
  last_update_time: e.lastUpdateTime,
  creation_time: e.creationTime,
  tags: e.tags,
});

export const runInfoJson = (r: TRunView) => ({
  run_id: r.runId,
  run_uuid: r.runId,
  run_name: r.runName,
  experiment_id: r.experimentId,
  user_id: r.userId,
  status: r.status,
  start_time: r.startTime,
  ...(r.endTime !== null ? { end_time: r.endTime } : {}),
  artifact_uri: r.artifactUri,
  lifecycle_stage: r.lifecycleStage,
});

export const runJson = (r: TRunView) => ({
  info: runInfoJson(r),
  data: { metrics: r.metrics.map(metricJson), params: r.params, tags: r.tags },
  inputs: {
    dataset_inputs: r.inputs.map((i) => {
      const source = (i.source ?? {}) as { digest?: string; source_type?: string; source?: string; profile?: string };
      return {
        tags: i.tags,
        dataset: {
          name: i.datasetName,
          digest: source.digest ?? (i.fingerprint ?? i.version),
          source_type: source.source_type ?? i.kind,
          source: source.source ?? i.version,
          ...(i.schema !== null ? { schema: typeof i.schema === 'string' ? i.schema : JSON.stringify(i.schema) } : {}),
          ...(source.profile ? { profile: source.profile } : {}),
        },
      };
    }),
  },
});
