import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { BallastError, createBallastClient, type TBallastClient } from '../../clients/ts/ballast-client';
import { DEMO_ADMIN, DEMO_ENGINEER } from '../lib/demo-sign-in';
import { CHURN_FEATURES, generateChurnData, type TChurnData } from './churn-dataset';
import type { TDemoPeople } from './demo-people';
import { DEMO_CANARY, DEMO_DATASET, DEMO_EXPERIMENT, DEMO_MODEL, DEMO_THRESHOLDS, DEMO_VERSIONS, DEMO_WORKER_REF, type TDemoVersionRecipe } from './demo-workspace';
import { evaluateOnnx } from './evaluate-onnx';
import { columnStatsOf, goldenExamplesOf, referenceStatsOf, requirementsTxtOf, trainingConfigOf } from './model-artifacts';
import { trainClassifier, trainingRowCount } from './train-classifier';
import { serves, waitForWorker } from './worker-health';

/*
 * The living demo's workspace, made the way a team would make it, over the real HTTP APIs with
 * the TypeScript client: the engineer registers the dataset version, trains two classifiers,
 * logs each as a run (TrainingConfig, per-epoch metrics, ONNX file, golden examples, reference
 * statistics), registers and validates them; the admin who owns the model moves them to staging;
 * the local inference worker benchmarks both; the engineer asks for v1 in production and the
 * admin approves (four-eyes); then the same for v2, asking for a canary, which the approval starts.
 */

export interface TSeedDemoOptions {
  url: string;
  people: TDemoPeople;
  log: (line: string) => void;
  /** The worker that benchmarks and serves; when given, seeding returns once it serves both versions. */
  workerUrl?: string;
  benchmarkTimeoutMs?: number;
}

export interface TSeededDemo {
  productionVersion: number;
  canaryVersion: number;
  deploymentId: string;
}

export type TDemoState = { kind: 'absent' } | { kind: 'ready'; productionVersion: number } | { kind: 'incomplete'; versions: number };

const clientFor = (url: string, token: string) => createBallastClient({ url, token });

/** Whether an earlier start made the demo: absent, ready (a production version), or interrupted half-way. */
export async function demoState(url: string, token: string): Promise<TDemoState> {
  const client = clientFor(url, token);
  try {
    const model = await client.call(() => client.trpc.models.get.query({ name: DEMO_MODEL }));
    return model.productionVersion !== null ? { kind: 'ready', productionVersion: model.productionVersion } : { kind: 'incomplete', versions: model.versionCount };
  } catch (err) {
    if (err instanceof BallastError && err.code === 'NOT_FOUND') return { kind: 'absent' };
    throw err;
  }
}

export async function seedDemo(o: TSeedDemoOptions): Promise<TSeededDemo> {
  const engineer = clientFor(o.url, o.people.engineer.token);
  const admin = clientFor(o.url, o.people.admin.token);
  const data = generateChurnData(DEMO_DATASET.rows, DEMO_DATASET.seed);

  // The model stays from a first start that was interrupted (resumeDemo archived what it left).
  const existing = await demoState(o.url, o.people.admin.token);
  if (existing.kind === 'absent') {
    await admin.call(() =>
      admin.trpc.models.create.mutate({
        name: DEMO_MODEL,
        description: 'Predicts which telecom customers will cancel next month (the living demo of npm start).',
        slaClass: 'realtime',
        tags: [{ key: 'team', value: 'retention' }],
      }),
    );
  }
  await engineer.call(() =>
    engineer.trpc.datasets.registerVersion.mutate({
      name: DEMO_DATASET.name,
      version: DEMO_DATASET.version,
      fingerprint: data.fingerprint,
      description: `Synthetic customers from scripts/demo/churn-dataset.ts (seed ${DEMO_DATASET.seed}); label: churned`,
      rowCount: data.rows.length,
      schema: { columns: [...CHURN_FEATURES], label: 'churned' },
      columnStats: columnStatsOf(data.rows),
    }),
  );
  o.log(`demo: dataset ${DEMO_DATASET.name}@${DEMO_DATASET.version} registered: ${data.rows.length} generated customers, ${data.fingerprint.slice(0, 19)}…`);

  const versions: number[] = [];
  for (const recipe of DEMO_VERSIONS) versions.push(await trainAndRegister(o, engineer, admin, data, recipe));

  await benchmarkAll(o, engineer, admin, versions);

  const [production, canary] = versions as [number, number];
  const request = await engineer.call(() =>
    engineer.trpc.promotions.request.mutate({ modelName: DEMO_MODEL, version: production, comment: 'Validated on the holdout and benchmarked by the local worker.' }),
  );
  await admin.call(() => admin.trpc.promotions.approve.mutate({ requestId: request.id, comment: 'Validation and latency look good.' }));
  const state = await demoState(o.url, o.people.admin.token);
  if (state.kind !== 'ready' || state.productionVersion !== production) {
    throw new Error(`the approval of ${DEMO_MODEL} v${production} did not put it in production (the registry reports ${JSON.stringify(state)})`);
  }
  o.log(`demo: v${production} in production: requested by ${DEMO_ENGINEER.email}, approved by ${DEMO_ADMIN.email}`);

  // The candidate goes the same way, asking for a canary: the owner's approval starts it.
  const canaryRequest = await engineer.call(() =>
    engineer.trpc.promotions.request.mutate({
      modelName: DEMO_MODEL,
      version: canary,
      comment: 'Wider network: try it on a fifth of the customers before everyone.',
      canary: { ...DEMO_CANARY },
    }),
  );
  const approved = await admin.call(() => admin.trpc.promotions.approve.mutate({ requestId: canaryRequest.id, comment: 'Go ahead with the canary.' }));
  if (!approved.deploymentId) throw new Error(`the approval of ${DEMO_MODEL} v${canary} as a canary started no deployment`);
  const deployment = { id: approved.deploymentId };
  o.log(`demo: v${canary} is a canary on ${DEMO_CANARY.percent}% of traffic for ${DEMO_CANARY.durationS / 3600} h (requested by ${DEMO_ENGINEER.email}, approved by ${DEMO_ADMIN.email})`);
  // Traffic should start on the real split, not while the worker still loads the canary.
  if (o.workerUrl && !(await waitForWorker(o.workerUrl, (h) => serves(h, DEMO_MODEL, production) && serves(h, DEMO_MODEL, canary)))) {
    o.log(`demo: the worker does not serve the v${production}/v${canary} split yet; traffic starts anyway`);
  }
  return { productionVersion: production, canaryVersion: canary, deploymentId: deployment.id };
}

/** Trains one version, logs its run, registers, validates it for real and moves it to staging. */
async function trainAndRegister(o: TSeedDemoOptions, engineer: TBallastClient, admin: TBallastClient, data: TChurnData, recipe: TDemoVersionRecipe): Promise<number> {
  const { hp } = recipe;
  const split = trainingRowCount(data.rows.length);
  const holdout = { rows: data.rows.slice(split), labels: data.labels.slice(split) };
  const started = Date.now();
  const trained = trainClassifier(data.rows, data.labels, hp);
  const trainedMs = Date.now() - started;
  o.log(`demo: training ${recipe.label} (hidden ${hp.hidden}, lr ${hp.learningRate}, ${hp.epochs} epochs)… ${trained.valAccuracy.toFixed(3)} val accuracy`);

  const golden = goldenExamplesOf(trained.mlp, holdout.rows.slice(0, 8), DEMO_THRESHOLDS.goldenMaxAbsError);
  const reference = referenceStatsOf(trained.mlp, data.rows.slice(0, split));
  const evaluation = await evaluateOnnx(trained.mlp.bytes, holdout, golden);

  const run = await engineer.startRun({
    experiment: DEMO_EXPERIMENT,
    config: trainingConfigOf(hp, data.fingerprint),
    runName: `mlp-h${hp.hidden}-lr${hp.learningRate}`,
    tags: { engineer: DEMO_ENGINEER.email, ...environmentTags() },
  });
  try {
    // Epochs spread over the measured training time, so the run's curves have a real time axis.
    const perEpochMs = trainedMs / trained.history.length;
    const metrics = trained.history.flatMap((h) => {
      const timestamp = Math.round(started + h.epoch * perEpochMs);
      return [
        { key: 'loss', value: h.loss, timestamp, step: h.epoch },
        { key: 'val_accuracy', value: h.valAccuracy, timestamp, step: h.epoch },
      ];
    });
    await engineer.mlflow('POST', 'runs/log-batch', { run_id: run.runId, metrics });
    await run.logMetrics({ accuracy: evaluation.accuracy, log_loss: evaluation.logLoss }, hp.epochs);
    await run.logBytes(trained.mlp.bytes, 'model/model.onnx');
    await run.logText(JSON.stringify(golden), 'model/golden_examples.json');
    await run.logText(JSON.stringify(reference), 'model/reference_stats.json');
    await run.logText(requirementsTxtOf(onnxRuntimeVersion()), 'requirements.txt');
    await run.end('FINISHED');
  } catch (err) {
    await run.end('FAILED').catch(() => undefined);
    throw err;
  }

  const version = await engineer.call(() =>
    engineer.trpc.models.createVersion.mutate({
      modelName: DEMO_MODEL,
      runId: run.runId,
      source: `runs:/${run.runId}/model`,
      description: recipe.description,
      // Column names: drift charts name each input by them, and callers may send {feature: value} rows.
      features: [...CHURN_FEATURES],
    }),
  );
  if (!version.complete) throw new Error(`${DEMO_MODEL} v${version.version} is incomplete: missing ${version.missing.join(', ')}`);
  // What a CI job records after evaluating the exported file; the registry decides pass or fail.
  await engineer.call(() =>
    engineer.trpc.models.recordValidation.mutate({
      modelName: DEMO_MODEL,
      version: version.version,
      checks: [
        { name: 'holdout-accuracy', metric: 'accuracy', comparator: '>=', threshold: DEMO_THRESHOLDS.accuracy, observed: evaluation.accuracy },
        { name: 'holdout-log-loss', metric: 'log_loss', comparator: '<=', threshold: DEMO_THRESHOLDS.logLoss, observed: evaluation.logLoss },
        { name: 'golden-examples', metric: 'max_abs_error', comparator: '<=', threshold: DEMO_THRESHOLDS.goldenMaxAbsError, observed: evaluation.goldenMaxAbsError },
      ],
    }),
  );
  await admin.call(() => admin.trpc.versions.promote.mutate({ modelName: DEMO_MODEL, version: version.version }));
  o.log(
    `demo: ${DEMO_MODEL} v${version.version} registered from run ${run.runId.slice(0, 8)}: holdout accuracy ${evaluation.accuracy.toFixed(3)}, ` +
      `log loss ${evaluation.logLoss.toFixed(3)}, golden max error ${evaluation.goldenMaxAbsError.toExponential(1)} (ONNX Runtime) -> staging`,
  );
  return version.version;
}

/** Asks the worker for the latency evidence the production gate needs and waits until it is reported. */
async function benchmarkAll(o: TSeedDemoOptions, engineer: TBallastClient, admin: TBallastClient, versions: number[]): Promise<void> {
  const timeoutMs = o.benchmarkTimeoutMs ?? 90_000;
  const askedAt = new Map<number, number>();
  for (const version of versions) {
    const request = await engineer.call(() => engineer.trpc.workers.requestBenchmark.mutate({ modelName: DEMO_MODEL, version }));
    askedAt.set(version, new Date(request.at).getTime());
  }
  o.log(`demo: waiting for the inference worker to benchmark ${versions.map((v) => `v${v}`).join(' and ')}…`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const model = await admin.call(() => admin.trpc.models.get.query({ name: DEMO_MODEL }));
    const measured = versions.map((v) => {
      const b = model.versions.find((t) => t.version === v)?.evidence.benchmark;
      return b && new Date(b.measuredAt).getTime() >= askedAt.get(v)! ? b : null;
    });
    if (measured.every(Boolean)) {
      o.log(`demo: benchmarked: ${measured.map((b, i) => `v${versions[i]} p99 ${b!.p99Ms} ms at batch ${b!.batchSize}`).join(', ')}`);
      return;
    }
    if (Date.now() > deadline) {
      const missing = versions.filter((_, i) => !measured[i]).map((v) => `v${v}`);
      throw new Error(
        `no benchmark of ${DEMO_MODEL} ${missing.join(', ')} within ${timeoutMs / 1000} s: the inference worker must be running and following ${DEMO_WORKER_REF} (see its [worker] lines above)`,
      );
    }
    await sleep(500);
  }
}

/** Where the run came from: code version, runtime, libraries and hardware (the run page's reproducibility record). */
function environmentTags(): Record<string, string> {
  const tags: Record<string, string> = {
    'mlflow.source.name': 'scripts/demo/train-classifier.ts',
    'ballast.libraries': JSON.stringify({ node: process.version, 'onnxruntime-node': onnxRuntimeVersion() }),
    'ballast.hardware': JSON.stringify({ device_type: 'cpu', device_count: 1, cpu: cpus()[0]?.model.trim() ?? 'unknown' }),
  };
  const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8', timeout: 5_000 });
  const head = git('rev-parse', 'HEAD');
  if (head.status === 0 && head.stdout.trim()) {
    tags['mlflow.source.git.commit'] = head.stdout.trim();
    const status = git('status', '--porcelain', '--untracked-files=no');
    if (status.status === 0) tags['ballast.git.dirty'] = String(status.stdout.trim().length > 0);
  }
  return tags;
}

function onnxRuntimeVersion(): string {
  try {
    return (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A first start stopped half-way (Ctrl+C while seeding, a worker that never benchmarked) left the
 * model without a production version: its versions are archived (kept for audit, never served)
 * and the workspace is made again beside them.
 */
export async function resumeDemo(o: TSeedDemoOptions): Promise<TSeededDemo> {
  const admin = clientFor(o.url, o.people.admin.token);
  const model = await admin.call(() => admin.trpc.models.get.query({ name: DEMO_MODEL }));
  const left = model.versions.filter((v) => v.stage !== 'archived');
  for (const v of left) {
    await admin.call(() => admin.trpc.versions.archive.mutate({ modelName: DEMO_MODEL, version: v.version, reason: 'left by an interrupted first start of the demo' }));
  }
  o.log(`demo: an earlier first start stopped half-way: archived the ${left.length} version(s) it left, making the workspace again`);
  return seedDemo(o);
}
