/*
 * Builds small, real ONNX models for tests (ONNX Runtime loads them): a multi-layer perceptron
 * input float32 [batch, F] -> (MatMul -> Add -> Relu) per hidden layer -> MatMul -> Add ->
 * Softmax -> float32 [batch, C], with seeded weights, plus the same forward pass in TypeScript to
 * compute expected outputs (golden examples). Written with a tiny protobuf encoder, no dependency.
 */

// ---- protobuf encoding --------------------------------------------------------------------------

type Part = Uint8Array;

function varint(value: number | bigint): Part {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}
const concat = (parts: Part[]): Part => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
};
const key = (no: number, wire: number) => varint((no << 3) | wire);
export const pbVarint = (no: number, value: number | bigint): Part => concat([key(no, 0), varint(value)]);
export const pbBytes = (no: number, bytes: Part): Part => concat([key(no, 2), varint(bytes.length), bytes]);
export const pbString = (no: number, text: string): Part => pbBytes(no, new TextEncoder().encode(text));
export const pbMessage = (no: number, parts: Part[]): Part => pbBytes(no, concat(parts));

// ---- ONNX messages --------------------------------------------------------------------------------

const FLOAT = 1;

type TDim = number | string | null;

function valueInfo(name: string, elemType: number, shape: TDim[]): Part {
  const dims = shape.map((d) => pbMessage(1, d === null ? [] : typeof d === 'number' ? [pbVarint(1, d)] : [pbString(2, d)]));
  return concat([pbString(1, name), pbMessage(2, [pbMessage(1, [pbVarint(1, elemType), pbMessage(2, dims)])])]);
}

function floatTensor(name: string, dims: number[], values: Float32Array): Part {
  return concat([...dims.map((d) => pbVarint(1, d)), pbVarint(2, FLOAT), pbString(8, name), pbBytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength))]);
}

function node(opType: string, inputs: string[], outputs: string[], attributes: Part[] = []): Part {
  return concat([...inputs.map((i) => pbString(1, i)), ...outputs.map((o) => pbString(2, o)), pbString(3, `${opType}_${outputs[0]}`), pbString(4, opType), ...attributes]);
}

// ---- the MLP ------------------------------------------------------------------------------------

export type TMlpSpec = {
  features: number;
  hidden?: number[];
  classes: number;
  seed?: number;
  inputName?: string;
  outputName?: string;
  /** Symbolic batch dimension name, or a fixed batch size. */
  batch?: string | number;
  opset?: number;
};

export type TMlp = {
  bytes: Uint8Array;
  spec: Required<TMlpSpec>;
  /** Per layer: weights [in, out] row-major and bias [out]. */
  layers: { weights: Float32Array; bias: Float32Array; inSize: number; outSize: number }[];
};

/** mulberry32: a small seeded generator so the same spec always gives the same weights. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildMlpOnnx(input: TMlpSpec): TMlp {
  const spec: Required<TMlpSpec> = { hidden: [8], seed: 1, inputName: 'input', outputName: 'probabilities', batch: 'batch', opset: 13, ...input };
  const rand = seededRandom(spec.seed);
  const sizes = [spec.features, ...spec.hidden, spec.classes];
  const layers: TMlp['layers'] = [];
  const initializers: Part[] = [];
  const nodes: Part[] = [];
  let current = spec.inputName;
  for (let l = 0; l < sizes.length - 1; l++) {
    const inSize = sizes[l]!;
    const outSize = sizes[l + 1]!;
    const scale = Math.sqrt(2 / inSize);
    const weights = Float32Array.from({ length: inSize * outSize }, () => (rand() * 2 - 1) * scale);
    const bias = Float32Array.from({ length: outSize }, () => (rand() * 2 - 1) * 0.1);
    layers.push({ weights, bias, inSize, outSize });
    initializers.push(pbMessage(5, [floatTensor(`W${l}`, [inSize, outSize], weights)]), pbMessage(5, [floatTensor(`B${l}`, [outSize], bias)]));
    const last = l === sizes.length - 2;
    nodes.push(pbMessage(1, [node('MatMul', [current, `W${l}`], [`mm${l}`])]));
    nodes.push(pbMessage(1, [node('Add', [`mm${l}`, `B${l}`], [last ? 'logits' : `add${l}`])]));
    if (!last) {
      nodes.push(pbMessage(1, [node('Relu', [`add${l}`], [`relu${l}`])]));
      current = `relu${l}`;
    }
  }
  // Softmax over the class axis (attribute axis = 1, type INT = 2).
  nodes.push(pbMessage(1, [node('Softmax', ['logits'], [spec.outputName], [pbMessage(5, [pbString(1, 'axis'), pbVarint(3, 1), pbVarint(20, 2)])])]));
  const graph = [
    ...nodes,
    pbString(2, 'ballast_test_mlp'),
    ...initializers,
    pbMessage(11, [valueInfo(spec.inputName, FLOAT, [spec.batch, spec.features])]),
    pbMessage(12, [valueInfo(spec.outputName, FLOAT, [spec.batch, spec.classes])]),
  ];
  const model = concat([
    pbVarint(1, 8), // ir_version
    pbString(2, 'ballast-tests'),
    pbString(3, '1'),
    pbMessage(7, graph),
    pbMessage(8, [pbString(1, ''), pbVarint(2, spec.opset)]),
  ]);
  return { bytes: model, spec, layers };
}

/** The forward pass in float32 arithmetic as near as JS allows; rows: [batch][features] -> [batch][classes]. */
export function mlpForward(mlp: TMlp, rows: number[][]): number[][] {
  return rows.map((row) => {
    let x = Float32Array.from(row);
    mlp.layers.forEach((layer, l) => {
      const y = new Float32Array(layer.outSize);
      for (let j = 0; j < layer.outSize; j++) {
        let s = 0;
        for (let i = 0; i < layer.inSize; i++) s += x[i]! * layer.weights[i * layer.outSize + j]!;
        y[j] = s + layer.bias[j]!;
      }
      if (l < mlp.layers.length - 1) for (let j = 0; j < y.length; j++) y[j] = Math.max(0, y[j]!);
      x = y;
    });
    const max = Math.max(...x);
    const exps = Array.from(x, (v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / sum);
  });
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
