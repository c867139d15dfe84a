/*
 * Seeded multi-layer perceptrons for the worker's tests and benchmark, encoded as real ONNX by the
 * shared writer (server/synthetic/onnx-mlp-writer.ts). A plain-JS forward pass sits beside each:
 * tests compare the worker's answers against that reference rather than ONNX Runtime's own output.
 */
import { encodeMlpOnnx } from '../../server/synthetic/onnx-mlp-writer';
import { seededRandom } from '../../server/synthetic/seeded-random';

export interface MlpSpec {
  /** Layer widths, input first, classes last: [32, 256, 256, 2]. */
  layers: number[];
  seed: number;
  inputName?: string;
  outputName?: string;
  /** Scales every weight; two models with different scales give different answers (blue-green tests). */
  weightScale?: number;
  /** Changes the bytes (and so the sha256) without changing the answers. */
  producerName?: string;
}

export interface Mlp {
  bytes: Uint8Array;
  spec: Required<Omit<MlpSpec, 'producerName'>>;
  weights: Float32Array[];
  biases: Float32Array[];
  /** Reference forward pass in float64 over float32 weights: probabilities per row. */
  forward(row: number[]): number[];
}

export function buildMlp(input: MlpSpec): Mlp {
  const spec = { inputName: 'input', outputName: 'probabilities', weightScale: 1, ...input };
  const rand = seededRandom(spec.seed);
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let i = 0; i + 1 < spec.layers.length; i++) {
    const fanIn = spec.layers[i]!;
    const fanOut = spec.layers[i + 1]!;
    // He-style scale keeps activations in a sane range through ReLU layers.
    const scale = Math.sqrt(2 / fanIn) * spec.weightScale;
    const w = new Float32Array(fanIn * fanOut);
    for (let j = 0; j < w.length; j++) w[j] = (rand() * 2 - 1) * scale;
    const b = new Float32Array(fanOut);
    for (let j = 0; j < b.length; j++) b[j] = (rand() * 2 - 1) * 0.1;
    weights.push(w);
    biases.push(b);
  }
  const layers = weights.map((w, l) => ({ weights: w, bias: biases[l]!, inSize: spec.layers[l]!, outSize: spec.layers[l + 1]! }));
  const { bytes } = encodeMlpOnnx(
    { features: spec.layers[0]!, classes: spec.layers[spec.layers.length - 1]!, inputName: spec.inputName, outputName: spec.outputName },
    layers,
    { graph: 'mlp', producer: input.producerName ?? 'ballast-test-mlp' },
  );
  const forward = (row: number[]) => {
    let x = row.map((v) => Math.fround(v));
    for (let l = 0; l < weights.length; l++) {
      const fanIn = spec.layers[l]!;
      const fanOut = spec.layers[l + 1]!;
      const y = new Array<number>(fanOut).fill(0);
      for (let o = 0; o < fanOut; o++) {
        let s = biases[l]![o]!;
        for (let i = 0; i < fanIn; i++) s += x[i]! * weights[l]![i * fanOut + o]!;
        y[o] = l + 1 < weights.length ? Math.max(0, s) : s;
      }
      x = y;
    }
    const max = Math.max(...x);
    const e = x.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  };
  return { bytes, spec, weights, biases, forward };
}
