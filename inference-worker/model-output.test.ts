import { describe, expect, it } from 'vitest';
import { goldenMismatch, readPrediction } from './model-output';

describe('readPrediction', () => {
  const out = Float32Array.from([0.1, 0.7, 0.2, 0.6, 0.3, 0.1]);
  it('takes the argmax and its probability', () => {
    expect(readPrediction(out, 0, 3)).toEqual({ prediction: 1, confidence: Math.fround(0.7) });
    expect(readPrediction(out, 1, 3, ['stay', 'churn', 'other'])).toEqual({ prediction: 'stay', confidence: Math.fround(0.6) });
  });
  it('reads a single output as a regression value', () => {
    expect(readPrediction(Float32Array.from([3.5]), 0, 1)).toEqual({ prediction: 3.5, confidence: null });
  });
});

describe('goldenMismatch', () => {
  it('passes within tolerance and names the first miss', () => {
    expect(goldenMismatch([{ expected: [0.5, 0.5], tolerance: 1e-3 }], [Float32Array.from([0.5004, 0.4996])])).toBeNull();
    expect(goldenMismatch([{ expected: [0.5, 0.5], tolerance: 1e-3 }], [Float32Array.from([0.6, 0.4])])).toMatch(/golden example 0: output 0/);
    expect(goldenMismatch([{ expected: [1], tolerance: 1 }], [Float32Array.from([NaN])])).toMatch(/output 0 is NaN/);
  });
});
