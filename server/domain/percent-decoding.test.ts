import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import { strictSearchParams, undecodablePathMessage, undecodablePathSegment } from './percent-decoding';

describe('undecodablePathSegment', () => {
  it('finds malformed escapes and escapes that do not spell UTF-8, naming the segment', () => {
    expect(undecodablePathSegment('/api/v1/models/%E0%A4%A/versions/1/validations')).toEqual({ index: 3, segment: '%E0%A4%A' });
    expect(undecodablePathSegment('/api/v1/models/%zz/versions/1')).toEqual({ index: 3, segment: '%zz' });
    expect(undecodablePathSegment('/api/v1/models/a/versions/%')).toEqual({ index: 5, segment: '%' });
    expect(undecodablePathSegment('/x/%ff%fe')).toEqual({ index: 1, segment: '%ff%fe' }); // bytes, not UTF-8
    expect(undecodablePathSegment('/x/%C0%AF')).toEqual({ index: 1, segment: '%C0%AF' }); // overlong '/'
    expect(undecodablePathSegment('/x/%ED%A0%80')).toEqual({ index: 1, segment: '%ED%A0%80' }); // a surrogate
  });

  it('accepts paths that decode, with or without escapes', () => {
    for (const ok of ['/', '/api/v1/models/churn/versions/1', '/models/caf%C3%A9', '/a%20b/%2e%2e', '/x/%00', '/x/%F0%9D%94%98']) {
      expect(undecodablePathSegment(ok), ok).toBeNull();
    }
  });

  it('words the refusal with the position and the segment', () => {
    expect(undecodablePathMessage({ index: 3, segment: '%zz' })).toMatch(/^path segment 4 \("%zz"\) is not valid percent-encoding/);
  });
});

describe('strictSearchParams', () => {
  it('reads repeated keys as arrays and + as a space', () => {
    expect(strictSearchParams('?a=1&a=2&b=x+y&c&d=caf%C3%A9')).toEqual({ a: ['1', '2'], b: 'x y', c: '', d: 'café' });
    expect(strictSearchParams('')).toEqual({});
  });

  it('keeps keys such as __proto__ as plain data', () => {
    const out = strictSearchParams('?__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out).toEqual({ ['__proto__']: 'x', constructor: 'y' });
  });

  it('refuses malformed escapes and non-UTF-8 bytes with a 400 naming the parameter', () => {
    for (const [search, name] of [
      ['?limit=%zz', 'limit'],
      ['?name=%ff', 'name'],
      ['?x=1&version=%E0%A4%A', 'version'],
    ] as const) {
      let caught: unknown;
      try {
        strictSearchParams(search);
      } catch (err) {
        caught = err;
      }
      expect(caught, search).toBeInstanceOf(DomainError);
      expect((caught as DomainError).code).toBe('BAD_REQUEST');
      expect((caught as DomainError).message).toBe(`query parameter ${name}: is not valid percent-encoded UTF-8`);
    }
    expect(() => strictSearchParams('?%zz=1')).toThrow('query parameter name "%zz" is not valid percent-encoded UTF-8');
  });
});
