import { describe, expect, it } from 'vitest';
import { generateChurnData } from './churn-dataset';
import { mlpForward, trainClassifier } from './train-classifier';

describe('demo classifier', () => {
  it('learns the churn rule well above the base rate, and its exported weights take raw features', () => {
    const data = generateChurnData(3000, 1);
    const base = data.labels.filter((l) => l === 1).length / data.labels.length;
    const trained = trainClassifier(data.rows, data.labels, { hidden: 8, learningRate: 0.01, epochs: 8, batchSize: 64, seed: 3 });
    expect(trained.valAccuracy).toBeGreaterThan(Math.max(base, 1 - base) + 0.05);
    // The folded standardisation: the exported network on raw rows predicts as well as training measured.
    const holdout = data.rows.slice(2400);
    const predicted = mlpForward(trained.mlp, holdout).map((p) => (p[1]! >= 0.5 ? 1 : 0));
    const accuracy = predicted.filter((p, i) => p === data.labels[2400 + i]).length / holdout.length;
    expect(Math.abs(accuracy - trained.valAccuracy)).toBeLessThan(0.01);
  });

  it('generates the same data, and fingerprint, from the same seed', () => {
    expect(generateChurnData(100, 5).fingerprint).toBe(generateChurnData(100, 5).fingerprint);
    expect(generateChurnData(100, 5).fingerprint).not.toBe(generateChurnData(100, 6).fingerprint);
  });
});
