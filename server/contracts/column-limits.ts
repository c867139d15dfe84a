import { z } from 'zod';

/*
 * The ranges of PostgreSQL's integer columns: a value past them fails the statement (22003) and
 * would answer 500, so every edge that writes or looks up such a column checks the range first.
 */

/** Largest value of an `integer` (int4) column. */
export const INT4_MAX = 2_147_483_647;
/** Smallest value of an `integer` (int4) column. */
export const INT4_MIN = -2_147_483_648;

/** An integer that fits an int4 column, within [min, max] (defaults: the whole int4 range). */
export function zInt4(opts: { min?: number; max?: number } = {}) {
  const min = opts.min ?? INT4_MIN;
  const max = opts.max ?? INT4_MAX;
  return z.number('must be a number').int('must be an integer').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
}
