import { z } from 'zod';
import { TEXT_LIMITS, ZSafeId, ZSafeName, zSafeText } from './safe-text';
import { ZOipDatatype, ZTensorSpec } from './worker-model';
import { zSafeKeyedRecord } from './worker-predict';

/**
 * Open Inference Protocol v2 (KServe / Triton / MLServer) REST bodies, per
 * github.com/kserve/open-inference-protocol specification/protocol/inference_rest.md.
 * Tensor data is row-major, nested or flat; the worker checks it against shape and datatype.
 */

/** Parameter names follow the key rules; string values the free-text rules (they reach the log as text). */
export const ZOipParameters = zSafeKeyedRecord(
  z.union([zSafeText({ max: TEXT_LIMITS.text, kind: 'text' }), z.number(), z.boolean()], { error: 'must be a string, a number or a boolean' }),
  'parameter name',
  TEXT_LIMITS.key,
);

/** At most this many dimensions in a tensor shape (the worker's models take [N, width]). */
const MAX_SHAPE_DIMS = 8;

export const ZOipRequestInput = z.object({
  name: ZSafeName,
  shape: z.array(z.number().int().nonnegative().max(2_147_483_647)).max(MAX_SHAPE_DIMS, `must have at most ${MAX_SHAPE_DIMS} dimensions`),
  datatype: ZOipDatatype,
  parameters: ZOipParameters.optional(),
  data: z.array(z.unknown()),
});
export type TOipRequestInput = z.infer<typeof ZOipRequestInput>;

export const ZOipInferRequest = z
  .object({
    id: ZSafeId.optional(),
    parameters: ZOipParameters.optional(),
    inputs: z.array(ZOipRequestInput).min(1, 'needs at least one input tensor').max(64, 'must hold at most 64 input tensors'),
    outputs: z.array(z.object({ name: ZSafeName, parameters: ZOipParameters.optional() })).max(64, 'must name at most 64 outputs').optional(),
  })
  .superRefine((body, ctx) => {
    // The routing key is an identifier (it is stored and compared), stricter than other parameters.
    const key = body.parameters?.routing_key;
    if (key === undefined) return;
    const checked = ZSafeId.safeParse(key);
    if (!checked.success) ctx.addIssue({ code: 'custom', path: ['parameters', 'routing_key'], message: checked.error.issues[0]?.message ?? 'must be a string' });
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
