import { describe, expect, it } from 'vitest';
import { findUnsafeJson, MAX_JSON_DEPTH } from '../server/contracts/safe-text';
import { seededRandom } from '../server/synthetic/seeded-random';
import { decodeSegment, HttpError, refuseUnsafeJson } from './http-io';

/** Random JSON-like values with occasional NUL, lone surrogates, control characters and deep nesting. */
function randomValue(random: () => number, depth: number): unknown {
  const k = random();
  if (depth > 0 && k < 0.25) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth - 1));
  if (depth > 0 && k < 0.45) {
    const keys = ['a', 'b', 'x\u0000', 'k\ud800', 'tab\tkey', 'ok'];
    return Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [keys[Math.floor(random() * keys.length)]!, randomValue(random, depth - 1)]));
  }
  if (k < 0.6) return random() * 100;
  if (k < 0.65) return null;
  const strings = ['plain', 'line\nbreak', 'nul\u0000', '\udc00lone', 'pair\ud83d\ude00', 'bell\u0007', ''];
  return strings[Math.floor(random() * strings.length)];
}

const nest = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};

describe('refuseUnsafeJson', () => {
  it('refuses exactly what findUnsafeJson finds (its fast path agrees with the shared rule)', () => {
    const random = seededRandom(99);
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const value = random() < 0.1 ? nest(MAX_JSON_DEPTH - 2 + Math.floor(random() * 4)) : randomValue(random, 6);
      const found = findUnsafeJson(value, MAX_JSON_DEPTH);
      let thrown: unknown = null;
      try {
        refuseUnsafeJson(value);
      } catch (err) {
        thrown = err;
      }
      expect(thrown !== null, JSON.stringify(value)).toBe(found !== null);
      if (found) {
        refused++;
        expect(thrown).toBeInstanceOf(HttpError);
        expect((thrown as HttpError).status).toBe(400);
        expect((thrown as HttpError).message).toContain(found.problem);
      }
    }
    expect(refused).toBeGreaterThan(300);
  });

  it('walks 100,000 levels of nesting without overflowing the stack', () => {
    expect(() => refuseUnsafeJson(JSON.parse(`${'['.repeat(100_000)}1${']'.repeat(100_000)}`))).toThrow(/nested more than 64 levels deep/);
  });
});

describe('decodeSegment', () => {
  it('decodes, and answers malformed percent-encoding with a 400 naming the segment', () => {
    expect(decodeSegment('churn%20v2', 'model name')).toBe('churn v2');
    for (const bad of ['%', '%zz', '%E0%A4%A', '%C0%AF']) {
      expect(() => decodeSegment(bad, 'model name')).toThrow(HttpError);
      expect(() => decodeSegment(bad, 'model name')).toThrow(/model name: malformed percent-encoding/);
    }
  });
});
