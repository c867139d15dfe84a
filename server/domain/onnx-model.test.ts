import { describe, expect, it } from 'vitest';
import { buildMlpOnnx, pbMessage, pbString, pbVarint } from '../testing/onnx-model';
import { DomainError } from './errors';
import { readOnnxModel } from './onnx-model';

describe('readOnnxModel', () => {
  it('reads the signature of a generated MLP: names, element types, symbolic and fixed dims; initializers are not inputs', () => {
    const mlp = buildMlpOnnx({ features: 4, hidden: [16, 8], classes: 3, seed: 3 });
    const info = readOnnxModel(mlp.bytes);
    expect(info).toMatchObject({ irVersion: 8, opsets: [{ domain: '', version: 13 }], producerName: 'ballast-tests', graphName: 'ballast_test_mlp', nodeCount: 9 });
    expect(info.signature).toEqual({
      inputs: [{ name: 'input', elemType: 'float32', shape: ['batch', 4] }],
      outputs: [{ name: 'probabilities', elemType: 'float32', shape: ['batch', 3] }],
    });
  });

  it('hand-encoded ModelProto: int64 input with unknown dims, a weight listed as input (old IR) is dropped', () => {
    // Bytes built field by field from onnx.proto, independent of the MLP builder.
    const dim = (d: Uint8Array[]) => pbMessage(1, d);
    const tensorType = (elem: number, dims: Uint8Array[]) => pbMessage(2, [pbMessage(1, [pbVarint(1, elem), pbMessage(2, dims)])]);
    const graph = [
      pbMessage(1, [pbString(1, 'ids'), pbString(1, 'W'), pbString(2, 'out'), pbString(4, 'Gather')]),
      pbMessage(5, [pbVarint(1, 2), pbVarint(2, 1), pbString(8, 'W')]),
      pbMessage(11, [pbString(1, 'ids'), tensorType(7, [dim([]), dim([pbVarint(1, 5)])])]),
      pbMessage(11, [pbString(1, 'W'), tensorType(1, [dim([pbVarint(1, 2)])])]),
      pbMessage(12, [pbString(1, 'out'), tensorType(11, [dim([pbString(2, 'n')])])]),
    ];
    const bytes = Uint8Array.from([...pbVarint(1, 3), ...pbMessage(7, graph)]);
    expect(readOnnxModel(bytes).signature).toEqual({
      inputs: [{ name: 'ids', elemType: 'int64', shape: [null, 5] }],
      outputs: [{ name: 'out', elemType: 'float64', shape: ['n'] }],
    });
  });

  it.each([
    ['empty', new Uint8Array(), /empty/],
    ['text', new TextEncoder().encode('this is not an onnx model'), /do not decode|no ir_version/],
    ['truncated', buildMlpOnnx({ features: 2, classes: 2 }).bytes.slice(0, 40), /do not decode|no graph/],
    ['no graph', Uint8Array.from(pbVarint(1, 8)), /no graph/],
    ['json', new TextEncoder().encode('{"ir_version": 8}'), /do not decode|no ir_version/],
  ])('refuses %s with a 400', (_name, bytes, why) => {
    let caught: unknown;
    try {
      readOnnxModel(bytes);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe('BAD_REQUEST');
    expect((caught as DomainError).message).toMatch(why);
  });

  it('a model ONNX Runtime loads gives the same outputs as the TypeScript forward pass', async () => {
    const ort = await import('onnxruntime-node');
    const { mlpForward } = await import('../testing/onnx-model');
    const mlp = buildMlpOnnx({ features: 3, hidden: [5], classes: 4, seed: 11 });
    const session = await ort.InferenceSession.create(mlp.bytes);
    const rows = [
      [0.5, -1, 2],
      [0, 0.25, -0.75],
    ];
    const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [2, 3]) });
    const got = Array.from(result.probabilities!.data as Float32Array);
    const expected = mlpForward(mlp, rows).flat();
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });
});
