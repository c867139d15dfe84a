import { createCaller } from '../api/root';
import type { TPrincipal } from '../auth/principal';
import { pbBytes, pbMessage, pbString, pbVarint, type TMlp } from '../domain/onnx-mlp-writer';
import { createExperiment } from '../services/create-experiment';
import { createModelVersion } from '../services/create-model-version';
import { createRegisteredModel } from '../services/create-registered-model';
import { createRun } from '../services/create-run';
import { logRunInputs } from '../services/link-run-datasets';
import { logRunData } from '../services/log-run-data';
import { recordValidationResults, reportLatencyBenchmark } from '../services/record-version-evidence';
import { registerDatasetVersion } from '../services/register-dataset-version';
import { putRunArtifact } from '../services/run-artifacts';
import { ctxAs, makeUser, testDb } from './fixtures';
import { buildMlpOnnx, mlpGoldenExamples, sampleReferenceStats } from './onnx-model';

/*
 * Test-only: a registry with owners and complete versions (validated, benchmarked, in staging or
 * production) built from real runs and real ONNX files, for deployment and worker-API tests.
 * Callers set BALLAST_ARTIFACT_ROOT to a scratch directory first (vi.hoisted).
 */

export const FEATURES = 4;
export type Person = Awaited<ReturnType<typeof makeUser>>;
export const callerAs = (principal: TPrincipal) => createCaller({ db: testDb().db, principal, authError: null, requestId: 'test' });
const FP = `sha256:${'a'.repeat(64)}`;
const stream = (bytes: Uint8Array | string) => new Response(typeof bytes === 'string' ? bytes : new Uint8Array(bytes)).body;

const CONFIG_YAML = `model:
  architecture: mlp
optimizer:
  name: adamw
  learning_rate: 0.001
lr_schedule:
  name: cosine
batch_size_per_device: 32
device_count: 1
gradient_accumulation_steps: 1
max_epochs: 3
seed: 7
datasets:
  - name: transactions
    version: 1.0.0
    fingerprint: ${FP}
`;

/**
 * The MLP with a fault: Gather(zeros[2], int64(input[:, 0])) is added to the logits, so rows whose
 * first feature is in (-3, 2) give the plain MLP's output (golden examples pass) while a first
 * feature of 2 or more makes ONNX Runtime fail the batch (index out of bounds): a version that
 * errors on some inputs.
 */
export function faultyMlpBytes(mlp: TMlp): Uint8Array {
  const floatTensor = (name: string, dims: number[], values: Float32Array) =>
    [...dims.map((d) => pbVarint(1, d)), pbVarint(2, 1), pbString(8, name), pbBytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength))];
  const int64Tensor = (name: string, values: number[]) => {
    const raw = new Uint8Array(values.length * 8);
    values.forEach((v, i) => new DataView(raw.buffer).setBigInt64(i * 8, BigInt(v), true));
    return [pbVarint(1, values.length), pbVarint(2, 7), pbString(8, name), pbBytes(9, raw)];
  };
  const node = (op: string, inputs: string[], outputs: string[], attrs: Uint8Array[] = []) =>
    pbMessage(1, [...inputs.map((i) => pbString(1, i)), ...outputs.map((o) => pbString(2, o)), pbString(3, `${op}_${outputs[0]}`), pbString(4, op), ...attrs]);
  const intAttr = (name: string, value: number) => pbMessage(5, [pbString(1, name), pbVarint(3, value), pbVarint(20, 2)]);
  const valueInfo = (name: string, dims: (number | string)[]) =>
    [pbString(1, name), pbMessage(2, [pbMessage(1, [pbVarint(1, 1), pbMessage(2, dims.map((d) => pbMessage(1, [typeof d === 'number' ? pbVarint(1, d) : pbString(2, d)])))])])];
  const nodes: Uint8Array[] = [];
  const inits: Uint8Array[] = [];
  let current = 'input';
  mlp.layers.forEach((layer, l) => {
    inits.push(pbMessage(5, floatTensor(`W${l}`, [layer.inSize, layer.outSize], layer.weights)), pbMessage(5, floatTensor(`B${l}`, [layer.outSize], layer.bias)));
    const last = l === mlp.layers.length - 1;
    nodes.push(node('MatMul', [current, `W${l}`], [`mm${l}`]), node('Add', [`mm${l}`, `B${l}`], [last ? 'logits' : `add${l}`]));
    if (!last) {
      nodes.push(node('Relu', [`add${l}`], [`relu${l}`]));
      current = `relu${l}`;
    }
  });
  inits.push(pbMessage(5, int64Tensor('starts', [0])), pbMessage(5, int64Tensor('ends', [1])), pbMessage(5, int64Tensor('axes', [1])), pbMessage(5, floatTensor('table', [2], new Float32Array(2))));
  nodes.push(
    node('Slice', ['input', 'starts', 'ends', 'axes'], ['first']),
    node('Cast', ['first'], ['index'], [intAttr('to', 7)]),
    node('Gather', ['table', 'index'], ['offset'], [intAttr('axis', 0)]),
    node('Add', ['logits', 'offset'], ['shifted']),
    node('Softmax', ['shifted'], ['probabilities'], [intAttr('axis', 1)]),
  );
  const graph = [...nodes, pbString(2, 'faulty_mlp'), ...inits, pbMessage(11, valueInfo('input', ['batch', FEATURES])), pbMessage(12, valueInfo('probabilities', ['batch', mlp.spec.classes]))];
  const parts = [pbVarint(1, 8), pbString(2, 'ballast-tests'), pbString(3, '1'), pbMessage(7, graph), pbMessage(8, [pbString(1, ''), pbVarint(2, 13)])];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

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
    await putRunArtifact(ctx, { runId: run.runId, path: 'config.yaml', body: stream(CONFIG_YAML) });
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
