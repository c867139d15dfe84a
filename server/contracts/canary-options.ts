import { z } from 'zod';

/*
 * How a canary runs: shared by deployments (an owner starts one) and promotion requests (the
 * requester asks for one; the approval starts it). Its own file so both contracts can use it
 * without importing each other.
 */

const ZPercent = z.number().gt(0, 'must be above 0%').max(100, 'must be at most 100%');

export const DEFAULT_CANARY_PERCENT = 5;
export const DEFAULT_CANARY_DURATION_S = 86_400;

export const ZCanaryOptions = z
  .object({
    /** The candidate's share while the canary runs (one step), default 5%. */
    percent: ZPercent.default(DEFAULT_CANARY_PERCENT),
    /** How long each step lasts, default 24 h. */
    durationS: z.number().int().min(1).max(90 * 86_400).default(DEFAULT_CANARY_DURATION_S),
    /** Optional steps, e.g. [5, 25, 50, 100]: each lasts durationS; `percent` is ignored when given. */
    steps: z.array(ZPercent).min(1).max(20).optional(),
    /** A healthy canary at its end promotes itself; false waits for an owner's click. */
    autoPromote: z.boolean().default(true),
  })
  .refine((c) => !c.steps || c.steps.every((s, i) => i === 0 || s > c.steps![i - 1]!), { message: 'steps must increase', path: ['steps'] });
export type TCanaryOptions = z.output<typeof ZCanaryOptions>;
