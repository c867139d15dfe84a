/*
 * Writes multi-layer perceptrons as real ONNX models (ONNX Runtime loads them) with a tiny
 * protobuf encoder, and runs the same forward pass in TypeScript. Used by the demo to export the
 * classifier it trains, and by tests to build models with known outputs.
 */

// ---- protobuf encoding --------------------------------------------------------------------------

export type Part = Uint8Array;

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
export const concat = (parts: Part[]): Part => {
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

export type TMlpLayer = { weights: Float32Array; bias: Float32Array; inSize: number; outSize: number };

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
  layers: TMlpLayer[];
};

/**
 * Encodes an MLP with the given weights as an ONNX model: input float32 [batch, F] ->
 * (MatMul -> Add -> Relu) per hidden layer -> MatMul -> Add -> Softmax -> float32 [batch, C].
 */
export function encodeMlpOnnx(input: TMlpSpec, layers: TMlpLayer[], names = { graph: 'ballast_mlp', producer: 'ballast' }): TMlp {
  const spec: Required<TMlpSpec> = { hidden: layers.slice(0, -1).map((l) => l.outSize), seed: 0, inputName: 'input', outputName: 'probabilities', batch: 'batch', opset: 13, ...input };
  const initializers: Part[] = [];
  const nodes: Part[] = [];
  let current = spec.inputName;
  layers.forEach((layer, l) => {
    initializers.push(pbMessage(5, [floatTensor(`W${l}`, [layer.inSize, layer.outSize], layer.weights)]), pbMessage(5, [floatTensor(`B${l}`, [layer.outSize], layer.bias)]));
    const last = l === layers.length - 1;
    nodes.push(pbMessage(1, [node('MatMul', [current, `W${l}`], [`mm${l}`])]));
    nodes.push(pbMessage(1, [node('Add', [`mm${l}`, `B${l}`], [last ? 'logits' : `add${l}`])]));
    if (!last) {
      nodes.push(pbMessage(1, [node('Relu', [`add${l}`], [`relu${l}`])]));
      current = `relu${l}`;
    }
  });
  // Softmax over the class axis (attribute axis = 1, type INT = 2).
  nodes.push(pbMessage(1, [node('Softmax', ['logits'], [spec.outputName], [pbMessage(5, [pbString(1, 'axis'), pbVarint(3, 1), pbVarint(20, 2)])])]));
  const graph = [
    ...nodes,
    pbString(2, names.graph),
    ...initializers,
    pbMessage(11, [valueInfo(spec.inputName, FLOAT, [spec.batch, spec.features])]),
    pbMessage(12, [valueInfo(spec.outputName, FLOAT, [spec.batch, spec.classes])]),
  ];
  const model = concat([
    pbVarint(1, 8), // ir_version
    pbString(2, names.producer),
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

