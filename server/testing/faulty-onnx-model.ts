import { concat, pbBytes, pbMessage, pbString, pbVarint, type TMlp } from '../synthetic/onnx-mlp-writer';

/*
 * Test-only: a real ONNX model that fails on some inputs, for canary tests (integration and e2e)
 * that need a candidate whose errors come from the model itself, not from a simulated worker.
 */

/** The feature count of the deployment tests' models. */
export const FEATURES = 4;

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
  const graph = [...nodes, pbString(2, 'faulty_mlp'), ...inits, pbMessage(11, valueInfo('input', ['batch', mlp.spec.features])), pbMessage(12, valueInfo('probabilities', ['batch', mlp.spec.classes]))];
  const parts = [pbVarint(1, 8), pbString(2, 'ballast-tests'), pbString(3, '1'), pbMessage(7, graph), pbMessage(8, [pbString(1, ''), pbVarint(2, 13)])];
  return concat(parts);
}
