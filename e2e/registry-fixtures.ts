import { expect as baseExpect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { buildMlpOnnx, mlpGoldenExamples, sampleReferenceStats, type TMlp } from '../server/testing/onnx-model';
import { trainingConfigYaml } from '../server/testing/training-config-yaml';

/*
 * Registry set-up shared by the e2e specs, through the real HTTP APIs (tRPC and the MLflow REST
 * API, authenticated by each person's session cookie): complete model versions from training
 * runs, validated, in staging, benchmarked within the real-time SLA.
 */

// A multi-person journey across pages: allow each step the time a cold page compile takes.
export const expect = baseExpect.configure({ timeout: 15_000 });

export type TUser = { email: string; password: string };

/**
 * These helpers act as the signed-in person's own pages would, so they send the dashboard's
 * Origin: a cookie-authenticated change without it is refused as cross-site (server/auth/cross-site.ts).
 */
const SAME_ORIGIN = { origin: new URL(process.env.E2E_BASE_URL ?? 'http://localhost:3200').origin };

export async function signedIn(browser: Browser, user: TUser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/signin');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/experiments$/, { timeout: 30_000 });
  return page;
}

/** A tRPC mutation over HTTP (superjson's wire shape: the input under "json"). */
export async function trpc<T = Record<string, unknown>>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${path}`, { data: { json: input }, headers: SAME_ORIGIN });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!res.ok() || !body.result) throw new Error(`tRPC ${path} answered ${res.status()}: ${body.error?.json.message ?? JSON.stringify(body)}`);
  return body.result.data.json;
}

/** A tRPC query over HTTP (GET, the input as superjson's wire shape in the query string). */
export async function trpcQuery<T = Record<string, unknown>>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const res = await request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!res.ok() || !body.result) throw new Error(`tRPC ${path} answered ${res.status()}: ${body.error?.json.message ?? JSON.stringify(body)}`);
  return body.result.data.json;
}

export async function rest<T = Record<string, unknown>>(request: APIRequestContext, path: string, data: unknown, headers?: Record<string, string>): Promise<T> {
  const res = await request.post(path, { data, headers: { ...SAME_ORIGIN, ...headers } });
  const text = await res.text();
  if (!res.ok()) throw new Error(`POST ${path} answered ${res.status()}: ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export const FINGERPRINT = `sha256:${'c'.repeat(64)}`;


/**
 * A finished training run through the MLflow API carrying every piece of a complete version: the
 * ONNX file, golden examples and reference statistics next to it, config.yaml, requirements.txt,
 * a metric and the dataset version it read.
 */
export async function trainRun(
  request: APIRequestContext,
  opts: { experimentId: string; dataset: string; seed: number; accuracy: number; runName?: string; learningRate?: number; onnx?: (mlp: TMlp) => Uint8Array },
): Promise<string> {
  const { run } = await rest<{ run: { info: { run_id: string } } }>(request, '/api/2.0/mlflow/runs/create', {
    experiment_id: opts.experimentId,
    run_name: opts.runName ?? `train-mlp-seed-${opts.seed}`,
    start_time: Date.now(),
  });
  const runId = run.info.run_id;
  const mlp = buildMlpOnnx({ features: 4, hidden: [8], classes: 3, seed: opts.seed });
  const put = async (path: string, body: string | Uint8Array) => {
    const res = await request.put(`/api/2.0/mlflow-artifacts/artifacts/${opts.experimentId}/${runId}/artifacts/${path}`, {
      data: typeof body === 'string' ? body : Buffer.from(body),
      headers: SAME_ORIGIN,
    });
    expect(res.ok(), `PUT ${path}: ${res.status()} ${await res.text()}`).toBe(true);
  };
  await put('model/model.onnx', opts.onnx ? opts.onnx(mlp) : mlp.bytes);
  await put('model/golden_examples.json', JSON.stringify(mlpGoldenExamples(mlp)));
  await put('model/reference_stats.json', JSON.stringify(sampleReferenceStats(4)));
  await put('config.yaml', trainingConfigYaml({ dataset: opts.dataset, fingerprint: FINGERPRINT, learningRate: opts.learningRate }));
  await put('requirements.txt', 'numpy==2.1.0\nonnx==1.17.0\n');
  await rest(request, '/api/2.0/mlflow/runs/log-batch', {
    run_id: runId,
    // Three epochs of learning curves, ending at the given accuracy.
    metrics: [1, 2, 3].flatMap((step) => [
      { key: 'accuracy', value: opts.accuracy - (3 - step) * 0.04, timestamp: Date.now(), step },
      { key: 'val_loss', value: 0.21 + (3 - step) * 0.08, timestamp: Date.now(), step },
    ]),
    params: [{ key: 'hidden', value: '8' }],
  });
  await rest(request, '/api/2.0/mlflow/runs/log-inputs', {
    run_id: runId,
    datasets: [
      {
        tags: [
          { key: 'ballast.dataset.version', value: '1.0.0' },
          { key: 'ballast.dataset.fingerprint', value: FINGERPRINT },
        ],
        dataset: { name: opts.dataset, digest: 'c0ffee' },
      },
    ],
  });
  await rest(request, '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  return runId;
}

export type TSetup = { engineer: APIRequestContext; admin: APIRequestContext; model: string; experimentId: string; dataset: string };

/** A complete version from a new run, with passing validation, in staging; with a benchmark within the real-time SLA unless told otherwise. */
export async function stagingVersion(s: TSetup, seed: number, opts: { benchmark?: boolean } = {}): Promise<number> {
  const runId = await trainRun(s.engineer, { experimentId: s.experimentId, dataset: s.dataset, seed, accuracy: 0.9 + seed / 100 });
  const version = await trpc<{ version: number; complete: boolean; missing: string[] }>(s.engineer, 'models.createVersion', {
    modelName: s.model,
    runId,
    source: `runs:/${runId}/model`,
    description: `MLP seed ${seed}`,
  });
  expect(version.missing).toEqual([]);
  expect(version.complete).toBe(true);
  await completeVersion(s, version.version, { accuracy: 0.9 + seed / 100, p99Ms: 11.5 + seed, benchmark: opts.benchmark });
  return version.version;
}

/** What CI and a worker add to a registered version: passing validation checks, staging (by the owner), a benchmark within the real-time SLA. */
export async function completeVersion(s: Pick<TSetup, 'engineer' | 'admin' | 'model'>, version: number, opts: { accuracy: number; p99Ms: number; benchmark?: boolean }): Promise<void> {
  const path = `/api/v1/models/${s.model}/versions/${version}`;
  // CI records the validation checks; the registry computes pass/fail.
  await rest(s.engineer, `${path}/validations`, {
    checks: [
      { name: 'holdout-accuracy', metric: 'accuracy', comparator: '>=', threshold: 0.9, observed: opts.accuracy },
      { name: 'holdout-log-loss', metric: 'log_loss', comparator: '<=', threshold: 0.35, observed: 0.24 },
      { name: 'golden-examples', metric: 'max_abs_error', comparator: '<=', threshold: 0.0001, observed: 0.00002 },
    ],
  });
  await trpc(s.admin, 'versions.promote', { modelName: s.model, version });
  // What an inference worker reports (worker:report; the admin's session holds it).
  if (opts.benchmark !== false) {
    await rest(s.admin, `${path}/benchmarks`, { hardware: 'cpu: 16 vCPU (AMD EPYC)', batchSize: 8, p50Ms: opts.p99Ms / 3, p99Ms: opts.p99Ms, throughput: 2150 });
  }
}
