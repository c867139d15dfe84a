import { z } from 'zod';
import { ZModelName } from './model-registry';

/*
 * Deployments: how a candidate version reaches production, and the source of the desired state
 * workers follow. People speak percent (5 -> 25 -> 50 -> 100); the stored weights are basis points
 * of the 10,000 routing buckets (server/domain/traffic-split.ts).
 */

export const ZDeploymentStrategy = z.enum(['blue_green', 'canary', 'ab_test']);
export type TDeploymentStrategy = z.infer<typeof ZDeploymentStrategy>;
export const ZDeploymentStatus = z.enum(['running', 'paused', 'promoted', 'rolled_back', 'completed', 'cancelled']);
export type TDeploymentStatus = z.infer<typeof ZDeploymentStatus>;

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

export const ZCreateDeploymentInput = z.object({
  modelName: ZModelName,
  /** The candidate version. */
  version: z.number().int().min(1),
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
  version: z.number().int().min(1),
  batchSize: z.number().int().min(1).max(4096).optional(),
  iterations: z.number().int().min(10).max(100_000).default(200),
});
export type TRequestBenchmarkInput = z.input<typeof ZRequestBenchmarkInput>;
