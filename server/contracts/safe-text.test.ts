import { describe, expect, it } from 'vitest';
import { findUnsafeJson, unsafeTextProblem, ZSafeFreeText, ZSafeId, zSafeText } from './safe-text';

describe('unsafeTextProblem', () => {
  it('accepts ordinary text, emoji (a surrogate pair) and, in free text, tabs and line breaks', () => {
    expect(unsafeTextProblem('churn-model_v2.onnx')).toBeNull();
    expect(unsafeTextProblem('caf\u00e9 \u{1F600}')).toBeNull();
    expect(unsafeTextProblem('line one\r\n\tline two', 'text')).toBeNull();
  });

  it('names NUL, lone surrogates and control characters with their position', () => {
    expect(unsafeTextProblem('poison\u0000')).toBe('contains a NUL character (U+0000) at position 6');
    expect(unsafeTextProblem('a\ud800b')).toMatch(/unpaired surrogate \(U\+D800\) at position 1/);
    expect(unsafeTextProblem('\udc00')).toMatch(/unpaired surrogate \(U\+DC00\) at position 0/);
    expect(unsafeTextProblem('a\nb')).toBe('contains a control character (U+000A) at position 1');
    expect(unsafeTextProblem('\u007f')).toMatch(/U\+007F/);
    expect(unsafeTextProblem('\u0085')).toMatch(/U\+0085/);
    expect(unsafeTextProblem('nul\u0000', 'text')).toMatch(/NUL/);
    expect(unsafeTextProblem('bell\u0007', 'text')).toMatch(/U\+0007/);
  });
});

describe('zSafeText', () => {
  it('caps length and refuses with a message naming the problem', () => {
    expect(ZSafeId.safeParse('user-42').success).toBe(true);
    expect(ZSafeId.safeParse('').error?.issues[0]?.message).toBe('must not be empty');
    expect(ZSafeId.safeParse('x'.repeat(257)).error?.issues[0]?.message).toBe('must be at most 256 characters');
    expect(ZSafeId.safeParse('poison\u0000').error?.issues[0]?.message).toMatch(/NUL/);
    expect(ZSafeFreeText.safeParse('two\nlines').success).toBe(true);
    expect(zSafeText({ max: 3 }).safeParse('abcd').success).toBe(false);
  });
});

describe('findUnsafeJson', () => {
  it('names the path of the first unstorable string, value or key', () => {
    expect(findUnsafeJson({ a: [1, 'ok', { b: 'x\u0000' }] })).toEqual({ path: 'a.2.b', problem: 'contains a NUL character (U+0000) at position 1' });
    expect(findUnsafeJson({ ['k\u0000']: 1 })?.path).toBe('k\u0000');
    expect(findUnsafeJson({ first: 'a\u0000', second: 'b\u0000' })?.path).toBe('first');
    expect(findUnsafeJson({ text: 'tabs\tand\nnewlines are fine' })).toBeNull();
  });

  it('bounds nesting without recursing (100,000 levels do not overflow the stack)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeJson(deep)).toEqual({ path: expect.stringMatching(/^0(\.0)+$/), problem: 'is nested more than 64 levels deep' });
    let ok: unknown = 1;
    for (let i = 0; i < 64; i++) ok = { x: ok };
    expect(findUnsafeJson(ok)).toBeNull();
  });
});
