import { describe, expect, it } from 'vitest';
import { signatureNamesProblem } from './signature-names';

const tensor = (name: string, shape: (number | string | null)[] | null) => ({ name, elemType: 'float32', shape });
const sig = { inputs: [tensor('input', ['batch', 3])], outputs: [tensor('probabilities', ['batch', 2])] };

describe('signatureNamesProblem', () => {
  it('accepts names that match the widths, or widths it cannot know', () => {
    expect(signatureNamesProblem(sig, { features: ['a', 'b', 'c'], labels: ['stays', 'churns'] })).toBeNull();
    expect(signatureNamesProblem({ ...sig, inputs: [tensor('input', ['batch', 'w'])] }, { features: ['a', 'b'] })).toBeNull();
    expect(signatureNamesProblem(sig, {})).toBeNull();
  });

  it('names the mismatch', () => {
    expect(signatureNamesProblem(sig, { features: ['a', 'b'] })).toBe("features: 2 names given but the input 'input' has 3 columns");
    expect(signatureNamesProblem(sig, { labels: ['x', 'y', 'z'] })).toBe("labels: 3 names given but the output 'probabilities' has 2 columns");
    expect(signatureNamesProblem({ ...sig, inputs: [tensor('a', ['batch', 1]), tensor('b', ['batch', 1])] }, { features: ['a'] })).toMatch(/2 input tensors/);
    expect(signatureNamesProblem({ ...sig, inputs: [tensor('image', ['batch', 3, 32, 32])] }, { features: ['r', 'g', 'b'] })).toMatch(/4-D/);
  });
});
