/*
 * A pure TypeScript ONNX writer for small multi-layer perceptrons, so tests and the benchmark build
 * real models in-process (no Python, no files checked in). It hand-encodes the few protobuf messages
 * an MLP needs (ModelProto > GraphProto > NodeProto / TensorProto / ValueInfoProto) and keeps a
 * plain-JS forward pass beside it: tests compare the worker's answers against that reference rather
 * than against ONNX Runtime's own output.
 *
 * Graph: input [N, d0] -> (MatMul W_i -> Add b_i -> Relu) ... -> MatMul -> Add -> Softmax -> [N, dk].
 */

export interface MlpSpec {
  /** Layer widths, input first, classes last: [32, 256, 256, 2]. */
  layers: number[];
  seed: number;
  inputName?: string;
  outputName?: string;
  /** Scales every weight; two models with different scales give different answers (blue-green tests). */
  weightScale?: number;
  /** A model whose output has a fixed wrong width: fails the worker's golden check. */
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

/** mulberry32: a tiny seeded PRNG, so the same seed always builds byte-identical models. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildMlp(input: MlpSpec): Mlp {
  const spec = { inputName: 'input', outputName: 'probabilities', weightScale: 1, ...input };
  const rand = prng(spec.seed);
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
  const bytes = encodeModel(spec, weights, biases, input.producerName ?? 'ballast-test-mlp');
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

// --- protobuf encoding (only the wire types ONNX needs: varint and length-delimited) ---

class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array) {
    this.chunks.push(b);
    this.size += b.length;
  }

  private varint(value: number) {
    const out: number[] = [];
    let v = BigInt(value);
    if (v < 0n) v += 1n << 64n; // negative int64 is ten bytes of two's complement
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      out.push(byte);
    } while (v > 0n);
    this.push(Uint8Array.from(out));
  }

  int(field: number, value: number) {
    this.varint(field << 3);
    this.varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array) {
    this.varint((field << 3) | 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string) {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void) {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

const FLOAT = 1;

function tensor(w: Writer, name: string, dims: number[], data: Float32Array) {
  for (const d of dims) w.int(1, d);
  w.int(2, FLOAT);
  w.string(8, name);
  w.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)); // raw_data is little-endian, as is every platform we run on
}

function valueInfo(w: Writer, name: string, width: number) {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (t) => {
      t.int(1, FLOAT);
      t.message(2, (shape) => {
        shape.message(1, (d) => d.string(2, 'batch'));
        shape.message(1, (d) => d.int(1, width));
      });
    }),
  );
}

function node(w: Writer, op: string, inputs: string[], outputs: string[], name: string) {
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, name);
  w.string(4, op);
}

function encodeModel(spec: Required<Omit<MlpSpec, 'producerName'>>, weights: Float32Array[], biases: Float32Array[], producer: string): Uint8Array {
  const model = new Writer();
  model.int(1, 8); // ir_version 8 (ONNX 1.10+), fine for opset 13
  model.string(2, producer);
  model.message(7, (g) => {
    let x = spec.inputName;
    const last = weights.length - 1;
    for (let l = 0; l <= last; l++) {
      g.message(1, (n) => node(n, 'MatMul', [x, `W${l}`], [`mm${l}`], `matmul${l}`));
      g.message(1, (n) => node(n, 'Add', [`mm${l}`, `B${l}`], [`add${l}`], `add${l}`));
      if (l < last) {
        g.message(1, (n) => node(n, 'Relu', [`add${l}`], [`relu${l}`], `relu${l}`));
        x = `relu${l}`;
      }
    }
    g.message(1, (n) => node(n, 'Softmax', [`add${last}`], [spec.outputName], 'softmax'));
    g.string(2, 'mlp');
    for (let l = 0; l <= last; l++) {
      g.message(5, (t) => tensor(t, `W${l}`, [spec.layers[l]!, spec.layers[l + 1]!], weights[l]!));
      g.message(5, (t) => tensor(t, `B${l}`, [spec.layers[l + 1]!], biases[l]!));
    }
    g.message(11, (v) => valueInfo(v, spec.inputName, spec.layers[0]!));
    g.message(12, (v) => valueInfo(v, spec.outputName, spec.layers[spec.layers.length - 1]!));
  });
  model.message(8, (o) => o.int(2, 13)); // opset 13: Softmax over the last axis by default
  return model.finish();
}
