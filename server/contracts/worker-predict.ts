import { z } from 'zod';
import { TEXT_LIMITS, unsafeTextProblem, ZSafeId, ZSafeName } from './safe-text';

/** POST /predict on a worker: Ballast's own row-oriented API (OIP v2 is beside it for KServe clients). */

/**
 * A {key: value} object whose keys follow the identifier rules (feature names, OIP parameter names).
 * The issue names a bad key by position: the key itself may be unprintable.
 */
export function zSafeKeyedRecord<T extends z.ZodType>(value: T, what: string, max: number) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    let i = 0;
    for (const key of Object.keys(record)) {
      i++;
      const problem = key.length === 0 ? 'is empty' : key.length > max ? `is longer than ${max} characters` : unsafeTextProblem(key);
      if (problem) return void ctx.addIssue({ code: 'custom', message: `${what} #${i} ${problem}` });
    }
  });
}

/** Values stay unknown here: the domain validator checks them against the signature and names the bad cell. */
export const ZPredictRow = z.union([z.array(z.unknown()), zSafeKeyedRecord(z.unknown(), 'feature name', TEXT_LIMITS.name)], {
  error: 'expected an array of numbers or a {feature: value} object',
});

export const ZPredictRequest = z.object({
  model: ZSafeName,
  /** Pins a version (A/B analysis, debugging); absent, the traffic split picks one. */
  version: z.number().int().positive().optional(),
  inputs: z.array(ZPredictRow),
  /** Sticky routing (per user); the request id when absent. */
  routing_key: ZSafeId.optional(),
});
export type TPredictRequest = z.infer<typeof ZPredictRequest>;

export const ZPredictionItem = z.object({
  /** Class label (or index) for classifiers, the value for single-output regressors. */
  prediction: z.union([z.number(), z.string()]),
  /** Probability of the predicted class; null for regressors. */
  confidence: z.number().nullable(),
  model_version: z.number().int(),
  latency_ms: z.number(),
});
export type TPredictionItem = z.infer<typeof ZPredictionItem>;

export const ZPredictResponse = z.object({
  request_id: z.string(),
  model: z.string(),
  variant: z.string(),
  predictions: z.array(ZPredictionItem),
});
export type TPredictResponse = z.infer<typeof ZPredictResponse>;

export const ZWorkerError = z.object({ error: z.string() });
