import { describe, expect, it } from 'vitest';
import { oipInputToRows, rowsToOipOutput } from './oip-tensor';

const model = { name: 'input', width: 2, maxRows: 8, allowNonFinite: false };
const t = (over: object) => ({ name: 'input', shape: [2, 2], datatype: 'FP32' as const, data: [1, 2, 3, 4], ...over });

describe('oipInputToRows', () => {
  it('reads flat and nested row-major data the same', () => {
    expect(Array.from(oipInputToRows([t({})], model).data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(oipInputToRows([t({ data: [[1, 2], [3, 4]] })], model).data)).toEqual([1, 2, 3, 4]);
  });
  it('converts INT and BOOL tensors', () => {
    expect(Array.from(oipInputToRows([t({ datatype: 'INT8', data: [1, -2, 3, 4] })], model).data)).toEqual([1, -2, 3, 4]);
    expect(Array.from(oipInputToRows([t({ datatype: 'BOOL', data: [true, false, false, true] })], model).data)).toEqual([1, 0, 0, 1]);
  });
  it('names the problem', () => {
    expect(() => oipInputToRows([t({ name: 'x' })], model)).toThrow(/unknown input 'x'/);
    expect(() => oipInputToRows([t({ shape: [2, 3] })], model)).toThrow(/expected \[N, 2\], got \[2, 3\]/);
    expect(() => oipInputToRows([t({ data: [1, 2, 3] })], model)).toThrow(/needs 4 elements, got 3/);
    expect(() => oipInputToRows([t({ data: [1, 2, 3, 4, 5] })], model)).toThrow(/more than the 4 elements/);
    expect(() => oipInputToRows([t({ datatype: 'INT8', data: [1, 2, 3, 300] })], model)).toThrow(/300 is not a valid INT8/);
    expect(() => oipInputToRows([t({ datatype: 'INT32', data: [1, 2, 3, 1.5] })], model)).toThrow(/1.5 is not a valid INT32/);
    expect(() => oipInputToRows([t({ datatype: 'BOOL', data: [1, 0, 0, 1] })], model)).toThrow(/BOOL tensor holds number/);
    expect(() => oipInputToRows([t({ data: [1, 2, 3, 1e40] })], model)).toThrow(/not a finite float32/);
    expect(() => oipInputToRows([t({ shape: [0, 2], data: [] })], model)).toThrow(/empty batch/);
    expect(() => oipInputToRows([t({}), t({})], model)).toThrow(/exactly one input tensor/);
  });
});

describe('rowsToOipOutput', () => {
  it('writes flat row-major FP32 data with its shape', () => {
    expect(rowsToOipOutput('p', Float32Array.from([0.25, 0.75]), 1, 2)).toEqual({ name: 'p', shape: [1, 2], datatype: 'FP32', data: [0.25, 0.75] });
  });
});
