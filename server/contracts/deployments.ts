import { z } from 'zod';
import { ZCanaryOptions } from './canary-options';
import { ZModelName } from './model-registry';
import { ZVersionNumber } from './safe-number';

export { DEFAULT_CANARY_DURATION_S, DEFAULT_CANARY_PERCENT } from './canary-options';

/*
 * Deployments: how a candidate version reaches production, and the source of the desired state
 * workers follow. People speak percent (5 -> 25 -> 50 -> 100); the stored weights are basis points
 * of the 10,000 routing buckets (server/domain/traffic-split.ts).
 */

export const ZDeploymentStrategy = z.enum(['blue_green', 'canary', 'ab_test']);
export type TDeploymentStrategy = z.infer<typeof ZDeploymentStrategy>;
export const ZDeploymentStatus = z.enum(['running', 'paused', 'promoted', 'rolled_back', 'completed', 'cancelled']);
export type TDeploymentStatus = z.infer<typeof ZDeploymentStatus>;

export const ZCreateDeploymentInput = z.object({
  modelName: ZModelName,
  /** The candidate version. */
  version: ZVersionNumber,
  strategy: ZDeploymentStrategy.default('canary'),
  canary: ZCanaryOptions.optional(),
  /** A/B: percent of traffic for the production version (a) and the candidate (b); must sum to 100. */
  split: z.object({ a: z.number().min(0).max(100), b: z.number().min(0).max(100) }).optional(),
  /** A/B: the outcome the feedback API records. */
  outcomeKind: z.enum(['binary', 'continuous']).optional(),
  comment: z.string().trim().max(5000).default(''),
});
export type TCreateDeploymentInput = z.input<typeof ZCreateDeploymentInput>;

export const ZDeploymentAction = z.object({
  deploymentId: z.string().uuid(),
  reason: z.string().trim().max(5000).default(''),
});
export type TDeploymentActionInput = z.input<typeof ZDeploymentAction>;

export const ZListDeploymentsInput = z.object({
  modelName: ZModelName.optional(),
  /** Only running or paused ones. */
  active: z.boolean().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type TListDeploymentsInput = z.input<typeof ZListDeploymentsInput>;

/** The figures an evaluation recorded on a deployment (error rates, p99, request counts). */
export const ZDeploymentFigures = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));

/** Latency benchmark on request (promotion gate evidence): measured by a worker serving the model. */
export const ZRequestBenchmarkInput = z.object({
  modelName: ZModelName,
  version: ZVersionNumber,
  batchSize: z.number().int().min(1).max(4096).optional(),
  iterations: z.number().int().min(10).max(100_000).default(200),
});
export type TRequestBenchmarkInput = z.input<typeof ZRequestBenchmarkInput>;
