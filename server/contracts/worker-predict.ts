import { z } from 'zod';

/** POST /predict on a worker: Ballast's own row-oriented API (OIP v2 is beside it for KServe clients). */

/** Values stay unknown here: the domain validator checks them against the signature and names the bad cell. */
export const ZPredictRow = z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]);

export const ZPredictRequest = z.object({
  model: z.string().min(1).max(100),
  /** Pins a version (A/B analysis, debugging); absent, the traffic split picks one. */
  version: z.number().int().positive().optional(),
  inputs: z.array(ZPredictRow),
  /** Sticky routing (per user); the request id when absent. */
  routing_key: z.string().min(1).max(256).optional(),
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
