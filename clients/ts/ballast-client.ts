/*
 * The TypeScript client of a Ballast control plane.
 *
 *   const ballast = createBallastClient({ url: 'http://localhost:3000', token: process.env.BALLAST_TOKEN });
 *   await ballast.trpc.models.list.query();                       // the typed tRPC API (AppRouter)
 *   const run = await ballast.startRun({ experiment: 'churn', config });  // MLflow REST run logging
 *   await run.logMetrics({ loss: 0.3 }, 1);
 *   await run.logArtifact('model.onnx');
 *   await run.end('FINISHED');
 *
 * Run logging mirrors clients/python/ballast_client/client.py: the config goes to the run as the
 * `ballast.config` param (canonical YAML) and a `config.yaml` artifact, with the config hash as a tag.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../../server/api/root';
import { effectiveBatchSize, type TTrainingConfig } from '../../server/contracts/training-config';
import { canonicalJson, canonicalYaml, configHash, parseConfigYaml } from '../../server/domain/canonical-config';

export const MLFLOW_API = '/api/2.0/mlflow/';
export const ARTIFACT_API = '/api/2.0/mlflow-artifacts/artifacts/';
export const CONFIG_PARAM_KEY = 'ballast.config';
export const CONFIG_HASH_TAG = 'ballast.config_hash';
export const CONFIG_ARTIFACT = 'config.yaml';

// The server's limits (server/contracts/mlflow.ts).
const BATCH_METRICS = 1000;
const BATCH_PARAMS = 100;
const BATCH_TAGS = 100;
const PARAM_VALUE_MAX = 6000;
const TAG_VALUE_MAX = 8000;

/** Any failure: a refusal by the server (its message), or a request that could not be made. */
export class BallastError extends Error {
  constructor(
    message: string,
    readonly code: string = 'INTERNAL_ERROR',
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'BallastError';
  }
}

export interface TBallastClientOptions {
  url: string;
  token?: string | undefined;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
}

export type TRunStatus = 'FINISHED' | 'FAILED' | 'KILLED';

interface TRunInfo {
  run_id: string;
  experiment_id: string;
  artifact_uri?: string;
  [key: string]: unknown;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function doubleValue(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

const PARAM_KEY_RE = /^[A-Za-z0-9_\-. :/]+$/;

/** optimizer.learning_rate -> "0.001": one param per config leaf (as the Python client does). */
export function flattenConfig(value: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) Object.assign(out, flattenConfig(item, prefix ? `${prefix}.${key}` : key));
    return out;
  }
  if (Array.isArray(value) && value.length > 0 && prefix === 'datasets') {
    for (const item of value) {
      if (item && typeof item === 'object' && 'name' in item) {
        const { name, ...rest } = item as Record<string, unknown>;
        Object.assign(out, flattenConfig(rest, `datasets.${String(name)}`));
      }
    }
    return out;
  }
  if (!prefix || prefix.length > 250 || !PARAM_KEY_RE.test(prefix) || prefix.startsWith('/') || prefix.split('/').includes('..')) return out;
  const text = typeof value === 'string' ? value : canonicalJson(value);
  if (text.length <= PARAM_VALUE_MAX) out[prefix] = text;
  return out;
}

/** Reads and validates a TrainingConfig from YAML (or JSON) text; throws BallastError with the issues. */
export function parseTrainingConfig(text: string): TTrainingConfig {
  const result = parseConfigYaml(text);
  if (!result.ok) {
    // YAML syntax errors read best as the parser says them; schema issues as "field: rule" each.
    const schemaIssues = result.issues.filter((i) => i.field !== '(yaml)');
    const message = schemaIssues.length ? `invalid training config: ${schemaIssues.map((i) => `${i.field} ${i.rule}`).join('; ')}` : result.message;
    throw new BallastError(message, 'INVALID_PARAMETER_VALUE');
  }
  return result.config;
}

/** A tRPC failure as one readable message (the server's message, with the zod issues when there are any). */
export function toBallastError(err: unknown): BallastError {
  if (err instanceof BallastError) return err;
  if (err instanceof TRPCClientError) {
    const data = (err as TRPCClientError<AppRouter>).data as { code?: string; httpStatus?: number } | undefined;
    const cause = err.cause as { code?: string; message?: string } | undefined;
    if (!data && (cause?.code === 'ECONNREFUSED' || /fetch failed/i.test(err.message))) {
      const reason = (cause as { cause?: { code?: string; message?: string } } | undefined)?.cause;
      return new BallastError(`cannot reach the server: ${reason?.code ?? reason?.message ?? err.message}`, 'UNREACHABLE');
    }
    return new BallastError(err.message, data?.code ?? 'INTERNAL_ERROR', data?.httpStatus ?? null);
  }
  if (err instanceof Error) return new BallastError(err.message);
  return new BallastError(String(err));
}

export function createBallastClient(options: TBallastClientOptions) {
  if (!/^https?:\/\//.test(options.url)) throw new BallastError(`server URL "${options.url}" must be an http:// or https:// URL`, 'INVALID_PARAMETER_VALUE');
  const baseUrl = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const authHeaders = (): Record<string, string> => (options.token ? { authorization: `Bearer ${options.token}` } : {});

  const trpc = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${baseUrl}/api/trpc`,
        transformer: superjson,
        headers: () => ({ ...authHeaders(), 'user-agent': 'ballast-client-ts/0.1' }),
        fetch: (input, init) => doFetch(input as RequestInfo, init as RequestInit),
      }),
    ],
  });

  async function send(method: string, url: string, endpoint: string, body?: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
    let res: Response;
    try {
      res = await doFetch(url, { method, body, headers: { accept: 'application/json', ...authHeaders(), ...headers } });
    } catch (err) {
      const reason = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      throw new BallastError(`cannot reach ${baseUrl}: ${reason}`, 'UNREACHABLE');
    }
    if (!res.ok) {
      const text = await res.text();
      let message = text.trim().slice(0, 500) || `HTTP ${res.status}`;
      let code = 'INTERNAL_ERROR';
      try {
        const parsed = JSON.parse(text) as { message?: unknown; error_code?: unknown; error?: { message?: unknown; code?: unknown } };
        if (typeof parsed.message === 'string') message = parsed.message;
        else if (typeof parsed.error?.message === 'string') message = parsed.error.message;
        if (typeof parsed.error_code === 'string') code = parsed.error_code;
        else if (typeof parsed.error?.code === 'string') code = parsed.error.code;
      } catch {
        // not JSON: keep the text
      }
      throw new BallastError(`${endpoint}: ${message}`, code, res.status);
    }
    return res;
  }

  /** One MLflow REST call, e.g. mlflow('GET', 'runs/get', { run_id }). */
  async function mlflow<T = Record<string, unknown>>(method: 'GET' | 'POST', endpoint: string, body: Record<string, unknown> = {}): Promise<T> {
    let url = `${baseUrl}${MLFLOW_API}${endpoint}`;
    let res: Response;
    if (method === 'GET') {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) for (const item of Array.isArray(v) ? v : [v]) query.append(k, String(item));
      if ([...query].length) url += `?${query}`;
      res = await send('GET', url, endpoint);
    } else {
      res = await send('POST', url, endpoint, JSON.stringify(body), { 'content-type': 'application/json' });
    }
    const text = await res.text();
    return (text.trim() ? JSON.parse(text) : {}) as T;
  }

  async function getOrCreateExperiment(name: string): Promise<string> {
    const byName = () => mlflow<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: name });
    try {
      return String((await byName()).experiment.experiment_id);
    } catch (err) {
      if (!(err instanceof BallastError) || err.code !== 'RESOURCE_DOES_NOT_EXIST') throw err;
    }
    try {
      return String((await mlflow<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id);
    } catch (err) {
      if (!(err instanceof BallastError) || err.code !== 'RESOURCE_ALREADY_EXISTS') throw err;
      return String((await byName()).experiment.experiment_id);
    }
  }

  class Run {
    readonly runId: string;
    readonly experimentId: string;
    readonly artifactUri: string;
    constructor(readonly info: TRunInfo) {
      this.runId = String(info.run_id);
      this.experimentId = String(info.experiment_id);
      this.artifactUri = String(info.artifact_uri ?? '');
    }

    async logParams(params: Record<string, string>): Promise<void> {
      const items = Object.entries(params).map(([key, value]) => ({ key, value }));
      for (const batch of chunks(items, BATCH_PARAMS)) await mlflow('POST', 'runs/log-batch', { run_id: this.runId, params: batch });
    }

    async setTags(tags: Record<string, string>): Promise<void> {
      const items = Object.entries(tags).map(([key, value]) => ({ key, value: value.slice(0, TAG_VALUE_MAX) }));
      for (const batch of chunks(items, BATCH_TAGS)) await mlflow('POST', 'runs/log-batch', { run_id: this.runId, tags: batch });
    }

    /** Metrics at one step; values may be numbers (NaN and infinities are sent as MLflow strings). */
    async logMetrics(metrics: Record<string, number>, step = 0, timestamp = Date.now()): Promise<void> {
      const points = Object.entries(metrics).map(([key, value]) => {
        if (typeof value !== 'number') throw new BallastError(`metric "${key}" must be a number, not ${typeof value}`, 'INVALID_PARAMETER_VALUE');
        return { key, value: doubleValue(value), timestamp, step };
      });
      for (const batch of chunks(points, BATCH_METRICS)) await mlflow('POST', 'runs/log-batch', { run_id: this.runId, metrics: batch });
    }

    private artifactUrl(artifactFile: string): string {
      const prefix = 'mlflow-artifacts:';
      if (!this.artifactUri.startsWith(prefix)) {
        throw new BallastError(`run artifact_uri "${this.artifactUri}" is not served by the artifact proxy (mlflow-artifacts:/...)`, 'INVALID_PARAMETER_VALUE');
      }
      const root = this.artifactUri.slice(prefix.length).replace(/^\/+/, '').replace(/\/+$/, '');
      const full = `${root}/${artifactFile.replace(/^\/+/, '')}`;
      return `${baseUrl}${ARTIFACT_API}${full.split('/').map(encodeURIComponent).join('/')}`;
    }

    /** Uploads bytes as artifacts/<artifactFile>, with their sha256 for the server to check. */
    async logBytes(data: Uint8Array, artifactFile: string): Promise<string> {
      const sha256 = createHash('sha256').update(data).digest('hex');
      await send('PUT', this.artifactUrl(artifactFile), `artifacts PUT ${artifactFile}`, data as unknown as BodyInit, {
        'content-type': 'application/octet-stream',
        'x-content-sha256': sha256,
      });
      return artifactFile;
    }

    async logText(text: string, artifactFile: string): Promise<string> {
      return this.logBytes(new TextEncoder().encode(text), artifactFile);
    }

    /** Uploads a file into artifacts/<artifactPath>/<its name>; returns the artifact path. */
    async logArtifact(localPath: string, artifactPath?: string): Promise<string> {
      let info;
      try {
        info = await stat(localPath);
      } catch {
        throw new BallastError(`artifact ${localPath}: no such file`, 'INVALID_PARAMETER_VALUE');
      }
      if (!info.isFile()) throw new BallastError(`artifact ${localPath}: not a file`, 'INVALID_PARAMETER_VALUE');
      const base = (artifactPath ?? '').replace(/^\/+|\/+$/g, '');
      const target = base ? `${base}/${path.basename(localPath)}` : path.basename(localPath);
      return this.logBytes(await readFile(localPath), target);
    }

    async end(status: TRunStatus = 'FINISHED'): Promise<void> {
      await mlflow('POST', 'runs/update', { run_id: this.runId, status, end_time: Date.now() });
    }
  }

  /** Creates a run holding the config (param, artifact, hash tag, flattened params) in the experiment (created when new). */
  async function startRun(input: { experiment: string; config: TTrainingConfig; tags?: Record<string, string>; runName?: string }): Promise<Run> {
    const { config } = input;
    const experimentId = await getOrCreateExperiment(input.experiment);
    const person = input.tags?.engineer ?? safeUser();
    const tags: Record<string, string> = {
      model: config.model.architecture.trim(),
      dataset: config.datasets.map((d) => `${d.name}@${d.version}`).join(','),
      engineer: person,
      'mlflow.user': person,
      'mlflow.source.type': 'LOCAL',
      [CONFIG_HASH_TAG]: configHash(config),
      'ballast.seed': String(config.seed),
      'ballast.effective_batch_size': String(effectiveBatchSize(config)),
      'ballast.runtime': `node ${process.version}; ${process.platform}-${process.arch}`,
      ...input.tags,
    };
    const body: Record<string, unknown> = {
      experiment_id: experimentId,
      start_time: Date.now(),
      user_id: person,
      tags: Object.entries(tags).map(([key, value]) => ({ key, value: value.slice(0, TAG_VALUE_MAX) })),
    };
    if (input.runName) body.run_name = input.runName;
    const created = await mlflow<{ run: { info: TRunInfo } }>('POST', 'runs/create', body);
    const run = new Run(created.run.info);
    try {
      const yamlText = canonicalYaml(config);
      const params: Record<string, string> = {};
      if (yamlText.length <= PARAM_VALUE_MAX) params[CONFIG_PARAM_KEY] = yamlText;
      Object.assign(params, flattenConfig(config));
      params.effective_batch_size = String(effectiveBatchSize(config));
      await run.logParams(params);
      // config.yaml sets the run's config even when the YAML is too long for the param.
      await run.logText(yamlText, CONFIG_ARTIFACT);
    } catch (err) {
      await run.end('FAILED').catch(() => undefined);
      throw err;
    }
    return run;
  }

  /** tRPC calls with their failures turned into BallastError. */
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = toBallastError(err);
      if (e.code === 'UNREACHABLE') throw new BallastError(e.message.replace('the server', baseUrl), e.code, e.status);
      throw e;
    }
  }

  return { url: baseUrl, trpc, call, mlflow, getOrCreateExperiment, startRun };
}

function safeUser(): string {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return 'unknown';
  }
}

export type TBallastClient = ReturnType<typeof createBallastClient>;
