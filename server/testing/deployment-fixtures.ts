import { createCaller } from '../api/root';
import type { TPrincipal } from '../auth/principal';
import { createExperiment } from '../services/create-experiment';
import { createModelVersion } from '../services/create-model-version';
import { createRegisteredModel } from '../services/create-registered-model';
import { createRun } from '../services/create-run';
import { logRunInputs } from '../services/link-run-datasets';
import { logRunData } from '../services/log-run-data';
import { recordValidationResults, reportLatencyBenchmark } from '../services/record-version-evidence';
import { registerDatasetVersion } from '../services/register-dataset-version';
import { putRunArtifact } from '../services/run-artifacts';
import { faultyMlpBytes, FEATURES } from './faulty-onnx-model';
import { ctxAs, makeUser, testDb } from './fixtures';
import { trainingConfigYaml } from './training-config-yaml';
import { buildMlpOnnx, mlpGoldenExamples, sampleReferenceStats } from './onnx-model';

/*
 * Test-only: a registry with owners and complete versions (validated, benchmarked, in staging or
 * production) built from real runs and real ONNX files, for deployment and worker-API tests.
 * The integration set-up gives each test file its own BALLAST_ARTIFACT_ROOT.
 */

export { FEATURES };
export type Person = Awaited<ReturnType<typeof makeUser>>;
export const callerAs = (principal: TPrincipal) => createCaller({ db: testDb().db, principal, authError: null, requestId: 'test' });
const FP = `sha256:${'a'.repeat(64)}`;
const stream = (bytes: Uint8Array | string) => new Response(typeof bytes === 'string' ? bytes : new Uint8Array(bytes)).body;


let seq = 0;

export interface TRegistry {
  owner: Person;
  owner2: Person;
  engineer: Person;
  outsider: Person;
}

export async function makeRegistryPeople(): Promise<TRegistry> {
  const [owner, owner2, engineer, outsider] = await Promise.all([makeUser('engineer'), makeUser('engineer'), makeUser('engineer'), makeUser('engineer')]);
  await registerDatasetVersion(ctxAs(engineer.principal), { name: 'transactions', version: '1.0.0', fingerprint: FP }).catch(() => undefined);
  return { owner, owner2, engineer, outsider };
}

export async function newModel(p: TRegistry, prefix = 'model') {
  const name = `${prefix}-${Date.now().toString(36)}-${seq++}`;
  await createRegisteredModel(ctxAs(p.owner.principal), { name, ownerEmails: [p.owner2.email] });
  return name;
}

/** A version from a complete run; `faulty` gives the candidate that fails some inputs. */
export async function addVersion(p: TRegistry, name: string, opts: { stage?: 'development' | 'staging' | 'production'; faulty?: boolean; pieces?: boolean; p99Ms?: number } = {}) {
  const ctx = ctxAs(p.engineer.principal);
  const { experimentId } = await createExperiment(ctx, { name: `exp-${Date.now()}-${seq++}` });
  const run = await createRun(ctx, { experiment_id: experimentId, run_name: 'train' });
  const mlp = buildMlpOnnx({ features: FEATURES, hidden: [6], classes: 3, seed: 100 + seq++ });
  const bytes = opts.faulty ? faultyMlpBytes(mlp) : mlp.bytes;
  await putRunArtifact(ctx, { runId: run.runId, path: 'model/model.onnx', body: stream(bytes) });
  if (opts.pieces !== false) {
    await putRunArtifact(ctx, { runId: run.runId, path: 'config.yaml', body: stream(trainingConfigYaml({ fingerprint: FP })) });
    await putRunArtifact(ctx, { runId: run.runId, path: 'requirements.txt', body: stream('numpy==2.1.0\n') });
    await putRunArtifact(ctx, { runId: run.runId, path: 'model/golden_examples.json', body: stream(JSON.stringify(mlpGoldenExamples(mlp))) });
    await putRunArtifact(ctx, { runId: run.runId, path: 'model/reference_stats.json', body: stream(JSON.stringify(sampleReferenceStats(FEATURES))) });
    await logRunData(ctx, { runId: run.runId, metrics: [{ key: 'accuracy', value: 0.94, timestamp: 1, step: 1 }] });
    await logRunInputs(ctx, { run_id: run.runId, datasets: [{ tags: [{ key: 'ballast.dataset.version', value: '1.0.0' }, { key: 'ballast.dataset.fingerprint', value: FP }], dataset: { name: 'transactions', digest: 'x' } }] });
  }
  const v = await createModelVersion(ctx, { modelName: name, runId: run.runId, source: `runs:/${run.runId}/model` });
  const stage = opts.stage ?? 'staging';
  if (stage !== 'development') {
    await recordValidationResults(ctx, { modelName: name, version: v.version, checks: [{ name: 'holdout-accuracy', metric: 'accuracy', comparator: '>=', threshold: 0.9, observed: 0.94 }] });
    await callerAs(p.owner.principal).versions.promote({ modelName: name, version: v.version });
    await reportLatencyBenchmark(ctx, { modelName: name, version: v.version, hardware: 'cpu-2', batchSize: 8, p50Ms: 2, p99Ms: opts.p99Ms ?? 20, throughput: 1000 });
  }
  if (stage === 'production') {
    const request = await callerAs(p.engineer.principal).promotions.request({ modelName: name, version: v.version });
    await callerAs(p.owner.principal).promotions.approve({ requestId: request.id, comment: 'ship it' });
  }
  return { version: v.version, id: v.id, bytes, mlp };
}
