import { describe, expect, it } from 'vitest';
import { DomainError } from '../server/domain/errors';
import { packRows } from './predict-input';

const sig = { width: 3, features: ['age', 'tenure', 'spend'], allowNonFinite: false, maxRows: 4 };

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).httpStatus).toBe(400);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('packRows', () => {
  it('packs arrays and feature objects row-major', () => {
    expect(Array.from(packRows([[1, 2, 3], { spend: 6, age: 4, tenure: 5 }], sig))).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('names the problem', () => {
    expect(problem(() => packRows([], sig))).toMatch(/empty batch/);
    expect(problem(() => packRows([[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3]], sig))).toMatch(/5 rows is over the limit of 4/);
    expect(problem(() => packRows([[1, 2]], sig))).toBe('inputs[0]: expected 3 features, got 2');
    expect(problem(() => packRows([[1, 2, 3], [1, '2', 3]], sig))).toBe('inputs[1][1]: expected a number, got string');
    expect(problem(() => packRows([[1, 2, Infinity]], sig))).toMatch(/inputs\[0\]\[2\]: Infinity is not finite/);
    expect(problem(() => packRows([[1, 2, 1e300]], sig))).toMatch(/outside the float32 range/);
    expect(problem(() => packRows([[1, null, 3]], sig))).toBe('inputs[0][1]: expected a number, got null');
    expect(problem(() => packRows([{ age: 1, tenure: 2 }], sig))).toBe("inputs[0]: missing feature 'spend'");
    expect(problem(() => packRows([{ age: 1, tenure: 2, spend: 3, x: 1 }], sig))).toBe("inputs[0]: unknown feature 'x'");
    expect(problem(() => packRows(['abc'], sig))).toMatch(/inputs\[0\]: expected an array/);
    expect(problem(() => packRows([{ a: 1 }], { ...sig, features: undefined }))).toMatch(/no feature names/);
  });
  it('reads null as NaN when the signature allows non-finite values', () => {
    expect(Number.isNaN(packRows([[1, null, 3]], { ...sig, allowNonFinite: true })[1])).toBe(true);
  });
});
