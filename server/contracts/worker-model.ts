import { z } from 'zod';

/**
 * What the worker knows about a model version it serves: its reference, its tensor signature and
 * the golden examples its blue-green check runs. Shared by the worker, the control plane's desired
 * state and the registry's artifact metadata.
 */

/** `churn@production`, `churn@canary`, `churn@3`: a name and a stage, deployment alias or version number. */
export const MODEL_REF_RE = /^([a-z0-9][a-z0-9._-]{0,99})@([a-z][a-z0-9_-]{0,39}|[1-9][0-9]{0,8})$/;
export const ZModelRef = z.string().regex(MODEL_REF_RE, 'must look like name@stage or name@version (churn@production, churn@3)');
export type TModelRef = z.infer<typeof ZModelRef>;

export function parseModelRef(ref: string): { name: string; selector: string } {
  const m = MODEL_REF_RE.exec(ref);
  if (!m) throw new Error(`invalid model reference '${ref}': expected name@stage or name@version`);
  return { name: m[1]!, selector: m[2]! };
}

/** The Open Inference Protocol's tensor datatypes (KServe / Triton names). */
export const ZOipDatatype = z.enum(['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES']);
export type TOipDatatype = z.infer<typeof ZOipDatatype>;

/** One input or output tensor; -1 marks a dynamic dimension (the batch). */
export const ZTensorSpec = z.object({
  name: z.string().min(1),
  datatype: ZOipDatatype,
  shape: z.array(z.number().int().min(-1)),
});
export type TTensorSpec = z.infer<typeof ZTensorSpec>;

export const ZModelSignature = z.object({
  inputs: z.array(ZTensorSpec).min(1),
  outputs: z.array(ZTensorSpec).min(1),
  /** Column names of the single 2-D input, in order: lets clients send `{feature: value}` rows. */
  features: z.array(z.string().min(1)).optional(),
  /** Class names by output index: a classifier's prediction is the label instead of the index. */
  labels: z.array(z.string()).optional(),
  /** Most models break on NaN/Infinity; a model that handles missing values opts in. */
  allow_non_finite: z.boolean().default(false),
});
export type TModelSignature = z.infer<typeof ZModelSignature>;

/** A known input and the output the version must reproduce before it may serve. */
export const ZGoldenExample = z.object({
  input: z.array(z.number()),
  expected: z.array(z.number()),
  tolerance: z.number().positive().default(1e-4),
});
export type TGoldenExample = z.infer<typeof ZGoldenExample>;

export const ZVersionState = z.enum(['loading', 'ready', 'draining', 'failed']);
export type TVersionState = z.infer<typeof ZVersionState>;
