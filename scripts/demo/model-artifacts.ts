import { ZTrainingConfig, type TTrainingConfig } from '../../server/contracts/training-config';
import type { TGoldenExamples, TReferenceStats } from '../../server/contracts/model-registry';
import { referenceStats } from '../../server/domain/reference-stats';
import { CHURN_FEATURES } from './churn-dataset';
import { DEMO_DATASET } from './demo-workspace';
import { mlpForward, type THyperparameters } from './train-classifier';
import type { TMlp } from '../../server/synthetic/onnx-mlp-writer';

/*
 * The pieces a complete model version carries besides the ONNX file, computed from the trained
 * network and the data it saw: nothing here is a fixture.
 */

/** The TrainingConfig that reproduces a demo run with scripts/demo/train-classifier.ts. */
export function trainingConfigOf(hp: THyperparameters, datasetFingerprint: string): TTrainingConfig {
  return ZTrainingConfig.parse({
    model: { architecture: 'mlp', hyperparameters: { hidden_units: hp.hidden, activation: 'relu', classes: 2, input_standardisation: 'folded into the first layer' } },
    optimizer: { name: 'adam', learning_rate: hp.learningRate, params: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } },
    lr_schedule: { name: 'constant' },
    batch_size_per_device: hp.batchSize,
    device_count: 1,
    gradient_accumulation_steps: 1,
    max_epochs: hp.epochs,
    seed: hp.seed,
    datasets: [{ name: DEMO_DATASET.name, version: DEMO_DATASET.version, fingerprint: datasetFingerprint }],
    extra: { trainer: 'scripts/demo/train-classifier.ts', validation_split: 0.2, features: [...CHURN_FEATURES] },
  });
}

/**
 * Real customers from the holdout and the probabilities the network gives them: the worker
 * refuses to serve a version whose ONNX file does not reproduce these.
 */
export function goldenExamplesOf(mlp: TMlp, rows: readonly number[][], tolerance = 1e-4): TGoldenExamples {
  const outputs = mlpForward(mlp, rows as number[][]);
  return {
    tolerance: { absolute: tolerance, relative: 0 },
    examples: rows.map((row, i) => ({
      name: `holdout-customer-${i}`,
      inputs: { [mlp.spec.inputName]: { shape: [1, row.length], data: [...row] } },
      expected: { [mlp.spec.outputName]: { shape: [1, mlp.spec.classes], data: outputs[i]! } },
    })),
  };
}

/** Most probable class per row of class probabilities: what the worker logs as the prediction. */
export function predictedClasses(probabilities: readonly (readonly number[])[]): number[] {
  return probabilities.map((p) => p.reduce((best, v, i) => (v > p[best]! ? i : best), 0));
}

/** Drift's reference: each training column and the predicted class over the training rows. */
export function referenceStatsOf(mlp: TMlp, trainingRows: readonly number[][]): TReferenceStats {
  const columns = Object.fromEntries(CHURN_FEATURES.map((f, j) => [f, trainingRows.map((r) => r[j]!)]));
  return referenceStats(columns, predictedClasses(mlpForward(mlp, trainingRows as number[][])));
}

export interface TClassificationFigures {
  accuracy: number;
  /** Mean negative log-likelihood of the true class (probabilities clipped at 1e-7). */
  logLoss: number;
}

/** Holdout figures from class probabilities (row-major, `classes` per row) and the true labels. */
export function classificationFigures(probabilities: ArrayLike<number>, labels: readonly number[], classes = 2): TClassificationFigures {
  let correct = 0;
  let loss = 0;
  labels.forEach((label, i) => {
    const row = Array.from({ length: classes }, (_, k) => probabilities[i * classes + k]!);
    if (predictedClasses([row])[0] === label) correct++;
    loss -= Math.log(Math.min(1, Math.max(1e-7, row[label]!)));
  });
  return { accuracy: correct / labels.length, logLoss: loss / labels.length };
}

/** Largest |observed - expected| over every output of every golden example. */
export function goldenMaxAbsError(golden: TGoldenExamples, observed: readonly (ArrayLike<number>)[]): number {
  let max = 0;
  golden.examples.forEach((ex, i) => {
    const expected = Object.values(ex.expected)[0]!.data as number[];
    expected.forEach((e, k) => (max = Math.max(max, Math.abs(observed[i]![k]! - e))));
  });
  return max;
}

/** Per column: what the dataset page shows for the registered version. */
export function columnStatsOf(rows: readonly number[][]): Record<string, { mean: number; std: number; min: number; max: number }> {
  return Object.fromEntries(
    CHURN_FEATURES.map((f, j) => {
      const values = rows.map((r) => r[j]!);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
      return [f, { mean, std, min: Math.min(...values), max: Math.max(...values) }];
    }),
  );
}

/** What serving the exported model needs (the demo trains in Node, so no Python pins). */
export function requirementsTxtOf(onnxruntimeVersion: string): string {
  return `# trained by scripts/demo/train-classifier.ts on Node ${process.version}; the ONNX file needs only a runtime
onnxruntime-node==${onnxruntimeVersion}
`;
}
