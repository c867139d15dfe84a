import { describe, expect, it } from 'vitest';
import { fuzzCases } from './fuzz-cases';

describe('fuzzCases', () => {
  const example = { model: 'churn', inputs: [[1, 2, 3]], routing_key: 'user-1' };

  it('is replayable: the same seed gives the same cases', () => {
    const a = fuzzCases(42, 200, example).map((c) => [c.label, c.body.toString('base64'), c.chunked]);
    const b = fuzzCases(42, 200, example).map((c) => [c.label, c.body.toString('base64'), c.chunked]);
    expect(a).toEqual(b);
    expect(fuzzCases(43, 200, example).map((c) => c.label)).not.toEqual(a.map((x) => x[0]));
  });

  it('splices raw bytes that JSON.stringify cannot write', () => {
    const cases = fuzzCases(7, 2000, example);
    const raw = cases.find((c) => c.label.endsWith('invalid UTF-8 bytes'))!;
    expect(raw.body.includes(Buffer.from([0xff, 0xfe]))).toBe(true);
    expect(cases.some((c) => c.label.endsWith('NaN literal') && c.body.toString().includes('NaN'))).toBe(true);
    expect(cases.some((c) => c.chunked)).toBe(true);
    expect(cases.some((c) => c.contentType !== 'application/json')).toBe(true);
  });
});
