import { describe, expect, it } from 'vitest';
import { INT4_MAX, zInt4, ZVersionNumber } from './safe-number';

describe('zInt4', () => {
  it('accepts the int4 range and refuses past it, naming the bound', () => {
    expect(ZVersionNumber.parse(INT4_MAX)).toBe(2147483647);
    expect(ZVersionNumber.safeParse(2147483648).error?.issues[0]?.message).toBe('must be at most 2147483647 (it is stored as a 32-bit integer)');
    expect(ZVersionNumber.safeParse(0).error?.issues[0]?.message).toBe('must be at least 1');
    expect(zInt4().safeParse(-2147483649).success).toBe(false);
    expect(zInt4().parse(-2147483648)).toBe(-2147483648);
  });

  it('refuses fractions, NaN, infinities and huge numbers', () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e30, -1e30, 2 ** 53 + 2]) expect(zInt4().safeParse(bad).success, String(bad)).toBe(false);
  });

  it('keeps a tighter bound when one is given', () => {
    const limit = zInt4({ min: 1, max: 500 });
    expect(limit.safeParse(501).error?.issues[0]?.message).toBe('must be at most 500');
    expect(limit.parse(500)).toBe(500);
  });
});

describe('zInt4String', () => {
  it('reads a decimal segment and applies the int4 rules', async () => {
    const { zInt4String } = await import('./safe-number');
    const version = zInt4String({ min: 1 });
    expect(version.parse('7')).toBe(7);
    expect(version.safeParse('2147483648').error?.issues[0]?.message).toBe('must be at most 2147483647 (it is stored as a 32-bit integer)');
    for (const bad of ['1e3', 'NaN', '', ' 1', '0x10', '1.5', '9'.repeat(400)]) expect(version.safeParse(bad).success, bad).toBe(false);
  });
});
