import { z } from 'zod';
import { ZBenchmarkRequest } from './worker-benchmark';
import { ZGoldenExample, ZModelRef, ZModelSignature } from './worker-model';

/**
 * What the control plane wants a worker to serve, answered by
 * GET /api/worker/v1/desired-state?models=churn@production,fraud@canary. The control plane resolves
 * each reference to concrete versions and a traffic split; the worker loads, checks and switches.
 * The worker persists the last state it received and serves it while the control plane is down.
 */

export const ZTrafficVariant = z.enum(['stable', 'canary', 'a', 'b']);
export type TTrafficVariant = z.infer<typeof ZTrafficVariant>;

/** Traffic is split over 10,000 buckets (server/domain/traffic-split.ts): weights are basis points. */
export const SPLIT_BUCKETS = 10_000;

export const ZDesiredVersion = z.object({
  version: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256'),
  size_bytes: z.number().int().positive().optional(),
  /** Bucket share of this version; 0 keeps it loaded (rollback target) without traffic. */
  weight: z.number().int().min(0).max(SPLIT_BUCKETS),
  variant: ZTrafficVariant,
  /** Optional: features and labels from the registry; tensors come from the ONNX file itself. */
  signature: ZModelSignature.partial({ inputs: true, outputs: true }).optional(),
  golden: z.array(ZGoldenExample).default([]),
});
export type TDesiredVersion = z.infer<typeof ZDesiredVersion>;

export const ZDesiredModel = z
  .object({
    name: z.string().min(1).max(100),
    ref: ZModelRef,
    versions: z.array(ZDesiredVersion).min(1),
  })
  .refine((m) => m.versions.reduce((s, v) => s + v.weight, 0) === SPLIT_BUCKETS, {
    message: `version weights must add up to ${SPLIT_BUCKETS}`,
    path: ['versions'],
  })
  .refine((m) => new Set(m.versions.map((v) => v.version)).size === m.versions.length, {
    message: 'a version appears twice',
    path: ['versions'],
  });
export type TDesiredModel = z.infer<typeof ZDesiredModel>;

export const ZDesiredState = z.object({
  /** Opaque, changes whenever anything below changes: the worker skips identical states. */
  revision: z.string().min(1),
  generated_at: z.string(),
  models: z.array(ZDesiredModel),
  /** References the control plane could not resolve (unknown model, nothing in production): the worker keeps what it has. */
  unresolved: z.array(z.object({ ref: z.string(), reason: z.string() })).optional(),
  /** Latency benchmarks asked for by an owner (promotion gate evidence); older workers ignore them. */
  benchmarks: z.array(ZBenchmarkRequest).optional(),
});
export type TDesiredState = z.infer<typeof ZDesiredState>;
