import { describe, expect, it } from 'vitest';
import { featureNamesProblem } from './signature-names';

const tensor = (name: string, shape: (number | string | null)[] | null) => ({ name, elemType: 'float32', shape });
const sig = { inputs: [tensor('input', ['batch', 3])] };

describe('featureNamesProblem', () => {
  it('accepts names that match the width (or a width it cannot know) and cover the reference statistics', () => {
    expect(featureNamesProblem(sig, ['a', 'b', 'c'], ['c', 'a'])).toBeNull();
    expect(featureNamesProblem({ inputs: [tensor('input', ['batch', 'w'])] }, ['a', 'b'])).toBeNull();
  });

  it('names the mismatch', () => {
    expect(featureNamesProblem(sig, ['a', 'b'])).toBe("features: 2 names given but the input 'input' has 3 columns");
    expect(featureNamesProblem({ inputs: [tensor('a', ['batch', 1]), tensor('b', ['batch', 1])] }, ['a'])).toMatch(/2 input tensors/);
    expect(featureNamesProblem({ inputs: [tensor('image', ['batch', 3, 32, 32])] }, ['r', 'g', 'b'])).toMatch(/4-D/);
    expect(featureNamesProblem(sig, ['a', 'b', 'c'], ['a', 'zip', 'age'])).toBe("features: the reference statistics describe 'zip', 'age', which the names do not list");
  });
});
