/*
 * Small, real ONNX models for tests: seeded random MLPs (server/synthetic/onnx-mlp-writer.ts does the
 * encoding), their golden examples and sample reference statistics.
 */
import { encodeMlpOnnx, mlpForward, type TMlp, type TMlpLayer, type TMlpSpec } from '../synthetic/onnx-mlp-writer';
import { seededRandom } from '../synthetic/seeded-random';

export { mlpForward, pbBytes, pbMessage, pbString, pbVarint, type TMlp, type TMlpSpec } from '../synthetic/onnx-mlp-writer';

/** An MLP with seeded random weights (He-style scale), the same for the same spec. */
export function buildMlpOnnx(input: TMlpSpec): TMlp {
  const hidden = input.hidden ?? [8];
  const rand = seededRandom(input.seed ?? 1);
  const sizes = [input.features, ...hidden, input.classes];
  const layers: TMlpLayer[] = [];
  for (let l = 0; l < sizes.length - 1; l++) {
    const inSize = sizes[l]!;
    const outSize = sizes[l + 1]!;
    const scale = Math.sqrt(2 / inSize);
    const weights = Float32Array.from({ length: inSize * outSize }, () => (rand() * 2 - 1) * scale);
    const bias = Float32Array.from({ length: outSize }, () => (rand() * 2 - 1) * 0.1);
    layers.push({ weights, bias, inSize, outSize });
  }
  return encodeMlpOnnx({ seed: 1, ...input, hidden }, layers, { graph: 'ballast_test_mlp', producer: 'ballast-tests' });
}

/** Golden examples (ZGoldenExamples shape) for the MLP: `count` seeded input rows and the outputs they must give. */
export function mlpGoldenExamples(mlp: TMlp, count = 2, seed = 7) {
  const rand = seededRandom(seed);
  const rows = Array.from({ length: count }, () => Array.from({ length: mlp.spec.features }, () => Math.round((rand() * 2 - 1) * 1000) / 1000));
  const outputs = mlpForward(mlp, rows);
  return {
    tolerance: { absolute: 1e-4, relative: 0 },
    examples: rows.map((row, i) => ({
      name: `example-${i}`,
      inputs: { [mlp.spec.inputName]: { shape: [1, mlp.spec.features], data: row } },
      expected: { [mlp.spec.outputName]: { shape: [1, mlp.spec.classes], data: outputs[i]! } },
    })),
  };
}

/** Reference statistics (ZReferenceStats shape) with fixed bins, for tests that need a complete version. */
export function sampleReferenceStats(features: number) {
  const stats = (mean: number) => ({
    count: 1000,
    mean,
    std: 1,
    quantiles: [
      { q: 0.05, value: mean - 1.645 },
      { q: 0.5, value: mean },
      { q: 0.95, value: mean + 1.645 },
    ],
    histogram: { binEdges: [mean - 3, mean - 1, mean + 1, mean + 3], counts: [160, 680, 160] },
  });
  return { prediction: { ...stats(0.5), std: 0.2 }, features: Object.fromEntries(Array.from({ length: features }, (_, i) => [`f${i}`, stats(0)])) };
}
