import { z } from 'zod';
import { ZOipDatatype, ZTensorSpec } from './worker-model';

/**
 * Open Inference Protocol v2 (KServe / Triton / MLServer) REST bodies, per
 * github.com/kserve/open-inference-protocol specification/protocol/inference_rest.md.
 * Tensor data is row-major, nested or flat; the worker checks it against shape and datatype.
 */

export const ZOipParameters = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const ZOipRequestInput = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  datatype: ZOipDatatype,
  parameters: ZOipParameters.optional(),
  data: z.array(z.unknown()),
});
export type TOipRequestInput = z.infer<typeof ZOipRequestInput>;

export const ZOipInferRequest = z.object({
  id: z.string().optional(),
  parameters: ZOipParameters.optional(),
  inputs: z.array(ZOipRequestInput).min(1, 'needs at least one input tensor'),
  outputs: z.array(z.object({ name: z.string(), parameters: ZOipParameters.optional() })).optional(),
});
export type TOipInferRequest = z.infer<typeof ZOipInferRequest>;

export const ZOipResponseOutput = z.object({
  name: z.string(),
  shape: z.array(z.number().int()),
  datatype: ZOipDatatype,
  parameters: ZOipParameters.optional(),
  data: z.array(z.union([z.number(), z.boolean(), z.string()])),
});

export const ZOipInferResponse = z.object({
  model_name: z.string(),
  model_version: z.string().optional(),
  id: z.string(),
  parameters: ZOipParameters.optional(),
  outputs: z.array(ZOipResponseOutput),
});
export type TOipInferResponse = z.infer<typeof ZOipInferResponse>;

export const ZOipServerMetadata = z.object({ name: z.string(), version: z.string(), extensions: z.array(z.string()) });

export const ZOipModelMetadata = z.object({
  name: z.string(),
  versions: z.array(z.string()).optional(),
  platform: z.string(),
  inputs: z.array(ZTensorSpec),
  outputs: z.array(ZTensorSpec),
});
export type TOipModelMetadata = z.infer<typeof ZOipModelMetadata>;

export const ZOipError = z.object({ error: z.string() });
