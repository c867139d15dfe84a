import { z } from 'zod';

/*
 * Integers that reach an int4 column (versions, counts, limits, pages) are range-checked here, at
 * the edge, so 2147483648 is a 400 naming the field rather than a 500 from PostgreSQL (22003).
 */

export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;

/** An integer that fits an int4 column, within [min, max] when given (the message names the bound). */
export function zInt4(opts: { min?: number; max?: number } = {}) {
  const min = Math.max(opts.min ?? INT4_MIN, INT4_MIN);
  const max = Math.min(opts.max ?? INT4_MAX, INT4_MAX);
  return z
    .number()
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, max === INT4_MAX ? `must be at most ${INT4_MAX} (it is stored as a 32-bit integer)` : `must be at most ${max}`);
}

/** A model version number: 1 .. 2^31-1. */
export const ZVersionNumber = zInt4({ min: 1 });

/** A path segment or query value holding an int4 (`/versions/3`): digits only, then the same range rules. */
export function zInt4String(opts: { min?: number; max?: number } = {}) {
  return z
    .string()
    .regex(/^-?\d{1,12}$/, 'must be an integer')
    .transform(Number)
    .pipe(zInt4(opts));
}
