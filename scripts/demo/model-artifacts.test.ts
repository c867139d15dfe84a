import { describe, expect, it } from 'vitest';
import { ZGoldenExamples, ZReferenceStats } from '../../server/contracts/model-registry';
import { configHash } from '../../server/domain/canonical-config';
import { buildMlpOnnx } from '../../server/testing/onnx-model';
import { CHURN_FEATURES } from './churn-dataset';
import { evaluateOnnx } from './evaluate-onnx';
import { classificationFigures, goldenExamplesOf, goldenMaxAbsError, predictedClasses, referenceStatsOf, trainingConfigOf } from './model-artifacts';

const FINGERPRINT = `sha256:${'a'.repeat(64)}`;
const hp = { hidden: 8, learningRate: 0.01, epochs: 10, batchSize: 64, seed: 3 };

describe('demo model artifacts', () => {
  it('scores holdout probabilities: accuracy and log loss as computed by hand', () => {
    // Rows (p0, p1) with labels 1, 0, 1: predictions 1, 0, 0 -> accuracy 2/3.
    // Log loss = -(ln 0.9 + ln 0.8 + ln 0.4) / 3 = (0.10536 + 0.22314 + 0.91629) / 3 = 0.41493.
    const figures = classificationFigures([0.1, 0.9, 0.8, 0.2, 0.6, 0.4], [1, 0, 1]);
    expect(figures.accuracy).toBeCloseTo(2 / 3, 12);
    expect(figures.logLoss).toBeCloseTo(0.41493, 5);
    expect(predictedClasses([[0.2, 0.8], [0.7, 0.3]])).toEqual([1, 0]);
  });

  it('builds golden examples and reference statistics the registry accepts, named by the churn columns', () => {
    const mlp = buildMlpOnnx({ features: CHURN_FEATURES.length, hidden: [4], classes: 2, seed: 5 });
    const rows = [
      [40, 12, 0, 70.5, 2, 1, 24, 19.3],
      [61, 1, 2, 110, 1, 4, 3, 55],
    ];
    const golden = ZGoldenExamples.parse(goldenExamplesOf(mlp, rows));
    expect(golden.examples).toHaveLength(2);
    expect(golden.examples[0]!.inputs.input).toEqual({ shape: [1, 8], data: rows[0] });
    const reference = ZReferenceStats.parse(referenceStatsOf(mlp, rows));
    expect(Object.keys(reference.features)).toEqual([...CHURN_FEATURES]);
    expect(reference.features.monthly_charges!.mean).toBeCloseTo((70.5 + 110) / 2, 10);
    // |observed - expected| over every output.
    expect(goldenMaxAbsError(golden, golden.examples.map((e) => (e.expected.probabilities!.data as number[]).map((v, i) => v + (i ? 0.001 : 0))))).toBeCloseTo(0.001, 12);
  });

  it('writes a valid TrainingConfig whose hash tells the two versions apart', () => {
    const v1 = trainingConfigOf(hp, FINGERPRINT);
    const v2 = trainingConfigOf({ ...hp, hidden: 24, learningRate: 0.003 }, FINGERPRINT);
    expect(v1.datasets).toEqual([{ name: 'churn-customers', version: '1.0.0', fingerprint: FINGERPRINT }]);
    expect(v1.model.hyperparameters.hidden_units).toBe(8);
    expect(configHash(v1)).not.toBe(configHash(v2));
  });

  it('measures the exported file in ONNX Runtime: it reproduces its golden examples', async () => {
    const mlp = buildMlpOnnx({ features: CHURN_FEATURES.length, hidden: [6], classes: 2, seed: 8 });
    const rows = [
      [30, 24, 0, 65, 3, 0, 50, 12],
      [70, 1, 3, 120, 1, 6, 2, 80],
      [45, 12, 1, 90, 2, 2, 12, 25],
    ];
    const golden = goldenExamplesOf(mlp, rows);
    const evaluation = await evaluateOnnx(mlp.bytes, { rows, labels: [0, 1, 1] }, golden);
    expect(evaluation.goldenMaxAbsError).toBeLessThan(1e-5);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0);
    expect(evaluation.logLoss).toBeGreaterThan(0);
  });
});
