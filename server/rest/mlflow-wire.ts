import type { ZodType } from 'zod';
import { findUnsafeJson } from '../contracts/safe-text';
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
  // MLflow names a refusal by the state of the resource (INVALID_STATE) or the caller's rights.
  GATES_UNMET: 'INVALID_STATE',
  INVALID_TRANSITION: 'INVALID_STATE',
  FOUR_EYES: 'PERMISSION_DENIED',
  NOT_OWNER: 'PERMISSION_DENIED',
  NOT_REQUESTER: 'PERMISSION_DENIED',
  DEPLOYMENT_RUNNING: 'INVALID_STATE',
  STALE_SNAPSHOT: 'INVALID_STATE',
  SCOPE_MISSING: 'PERMISSION_DENIED',
  ADMIN_REASON_REQUIRED: 'PERMISSION_DENIED',
  PERSON_REQUIRED: 'PERMISSION_DENIED',
  SYSTEM_ONLY: 'PERMISSION_DENIED',
  DEPLOYMENT_NOT_ACTIVE: 'INVALID_STATE',
  ALREADY_PAUSED: 'INVALID_STATE',
  NOT_PAUSED: 'INVALID_STATE',
  // A second request for the same version: what MLflow (and the generic CONFLICT) always answered.
  REQUEST_ALREADY_OPEN: 'RESOURCE_ALREADY_EXISTS',
  NO_PRODUCTION: 'INVALID_STATE',
  NO_PREVIOUS: 'INVALID_STATE',
  NOT_ARCHIVABLE: 'INVALID_STATE',
  NO_LIVE_FIGURES: 'INVALID_STATE',
  RESERVED_ALIAS: 'INVALID_PARAMETER_VALUE',
  COMMENT_REQUIRED: 'INVALID_PARAMETER_VALUE',
  INVALID_PLAN: 'INVALID_PARAMETER_VALUE',
  LAST_ACTIVE_ADMIN: 'INVALID_STATE',
  SAME_ORIGIN: 'PERMISSION_DENIED',
  JSON_CONTENT_TYPE: 'PERMISSION_DENIED',
};

export function mlflowErrorBody(err: DomainError): { error_code: string; message: string } {
  const explicit = typeof err.details?.mlflowErrorCode === 'string' ? err.details.mlflowErrorCode : undefined;
  return { error_code: explicit ?? MLFLOW_ERROR_CODES[err.code], message: err.message };
}

// SQLSTATEs a request's own values cause (so: the caller's fault, a 400, never a 500): a string
// past its column, a number out of range, bytes PostgreSQL cannot store, an index entry too large.
const BAD_VALUE_SQLSTATES: Record<string, string> = {
  '22001': 'a value is longer than its column allows',
  '22003': 'a number is out of range for its column',
  '22007': 'a date or time is not valid',
  '22008': 'a date or time is out of range',
  '22021': 'a string contains bytes that cannot be stored (e.g. NUL)',
  '22P02': 'a value has the wrong form for its column',
  '22P05': 'a string contains characters that cannot be stored',
  '54000': 'a value is too large to be indexed',
};

/** The SQLSTATE (or Prisma code) behind a database error, wherever the driver adapter put it. */
function databaseCodes(err: unknown): { prisma?: string; sqlstate?: string } {
  if (!err || typeof err !== 'object') return {};
  const e = err as { code?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } }; cause?: { code?: unknown; originalCode?: unknown } };
  const prisma = typeof e.code === 'string' && /^P\d{4}$/.test(e.code) ? e.code : undefined;
  const candidates = [e.meta?.driverAdapterError?.cause?.originalCode, e.meta?.code, e.cause?.originalCode, e.cause?.code, prisma ? undefined : e.code];
  const sqlstate = candidates.find((c): c is string => typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c));
  return { prisma, sqlstate };
}

/**
 * MLflow answers RESOURCE_ALREADY_EXISTS with HTTP 400 (clients key on error_code, and some on the
 * status), where Ballast's own API says 409; only the MLflow surface translates. A unique violation
 * (two concurrent creates of one name: both passed the existence check) is that same conflict, and
 * a value the database refuses is the caller's INVALID_PARAMETER_VALUE.
 */
export function toMlflowError(err: unknown): unknown {
  if (err instanceof DomainError && err.httpStatus === 409) {
    // A conflict of state (an unmet gate, a forbidden transition) names its own code, INVALID_STATE.
    const fallback = err.code === 'CONFLICT' ? 'RESOURCE_ALREADY_EXISTS' : MLFLOW_ERROR_CODES[err.code];
    return new DomainError('BAD_REQUEST', err.message, { ...err.details, mlflowErrorCode: err.details?.mlflowErrorCode ?? fallback });
  }
  if (err instanceof DomainError) return err;
  const { prisma, sqlstate } = databaseCodes(err);
  if (prisma === 'P2002' || sqlstate === '23505') {
    return new DomainError('BAD_REQUEST', 'Resource already exists: another request created it at the same time', { mlflowErrorCode: 'RESOURCE_ALREADY_EXISTS' });
  }
  if (prisma === 'P2000') return new DomainError('BAD_REQUEST', 'Invalid value: a value is longer than its column allows');
  if (sqlstate && BAD_VALUE_SQLSTATES[sqlstate]) return new DomainError('BAD_REQUEST', `Invalid value: ${BAD_VALUE_SQLSTATES[sqlstate]}`);
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

const tooLarge = (maxBytes: number, seen: string) =>
  new DomainError('PAYLOAD_TOO_LARGE', `request body is ${seen}; the limit is ${maxBytes} bytes`, { mlflowErrorCode: 'RESOURCE_LIMIT_EXCEEDED', limitBytes: maxBytes });

/**
 * The body's bytes, read as a stream and abandoned the moment they pass maxBytes, so a chunked
 * body (no Content-Length) of any size costs at most maxBytes of memory.
 */
async function readCappedBytes(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes, `${declared} bytes`);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes, `over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Refuses a string anywhere in the request that no column could store, naming its field. */
export function refuseUnsafeJson(value: unknown): void {
  const unsafe = findUnsafeJson(value);
  if (unsafe) {
    const field = unsafe.path || '(body)';
    throw new DomainError('BAD_REQUEST', `Invalid value for parameter '${field}': ${unsafe.problem}`, { field });
  }
}

export async function readMlflowJson(request: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readCappedBytes(request, maxBytes);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new DomainError('BAD_REQUEST', 'Malformed request: the body is not valid UTF-8', { mlflowErrorCode: 'MALFORMED_REQUEST' });
  }
  if (text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    try {
      json = JSON.parse(quoteBareNonFinite(text));
    } catch (err) {
      throw new DomainError('BAD_REQUEST', `Malformed request: the body is not valid JSON (${(err as Error).message.slice(0, 200)})`, { mlflowErrorCode: 'MALFORMED_REQUEST' });
    }
  }
  refuseUnsafeJson(json);
  return json;
}

/** GET endpoints read the same fields from the query string; a repeated key is a list. */
export function readMlflowQuery(request: Request): Record<string, string | string[]> {
  const params = new URL(request.url).searchParams;
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0]!;
  }
  refuseUnsafeJson(out);
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
