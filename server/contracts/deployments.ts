import { z } from 'zod';
import { ZCanaryOptions } from './canary-options';
import { ZModelName, ZModelStage } from './model-registry';
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

// ---- what the dashboard reads (the `.output()` of deployments.list / deployments.get) -----------

/** A measured figure: p99 of a window whose slowest requests passed the last bucket is Infinity. */
const ZMeasured = z.custom<number>((v) => typeof v === 'number', 'must be a number');

/** The canary policy's figures for one evaluation (server/domain/canary-policy.ts: decideCanary). */
export const ZCanaryFigures = z.object({
  candidateRequests: z.number(),
  candidateErrorRate: ZMeasured,
  stableErrorRate: ZMeasured,
  /** Rollback above this candidate error rate: ERROR_RATE_FACTOR x the stable rate, floored. */
  errorRateThreshold: ZMeasured,
  /** Null before the candidate has served a request. */
  candidateP99Ms: ZMeasured.nullable(),
  slaP99Ms: z.number(),
});
export type TCanaryFigures = z.infer<typeof ZCanaryFigures>;

/** What the canary policy would decide now, with the figures it decided on. */
export const ZCanaryDecisionView = z.object({
  action: z.enum(['rollback', 'promote', 'continue']),
  /** Why a rollback: the error rate or the latency SLA. */
  reason: z.enum(['error-rate', 'latency']).nullable(),
  message: z.string(),
  figures: ZCanaryFigures,
});
export type TCanaryDecisionView = z.infer<typeof ZCanaryDecisionView>;

/** The policy's constants and this canary's limits, so a screen shows them without a copy of the rule. */
export const ZCanaryPolicyView = z.object({
  minCandidateRequests: z.number(),
  errorRateFactor: z.number(),
  errorRateFloor: z.number(),
  /** The lowest the threshold can be (against a stable version without errors). */
  lowestErrorRateThreshold: z.number(),
  /** The rollback threshold in force: the live evaluation's, else the last recorded, else from the stable window. */
  errorRateThreshold: ZMeasured,
  slaP99Ms: z.number(),
});
export type TCanaryPolicyView = z.infer<typeof ZCanaryPolicyView>;

/** The figures an evaluation recorded (a JSON column): kept when it is a map of plain values, else null. */
export const ZRecordedFigures = z.unknown().transform((v): Record<string, number | string | null> | null => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, number | string | null] => e[1] === null || typeof e[1] === 'number' || typeof e[1] === 'string'));
});

const ZDeploymentVersionRef = z.object({ id: z.string(), version: z.number(), stage: ZModelStage, runId: z.string().nullable() });

export const ZDeploymentView = z.object({
  id: z.string(),
  modelId: z.string(),
  modelName: z.string(),
  activeModelId: z.string().nullable(),
  strategy: ZDeploymentStrategy,
  status: ZDeploymentStatus,
  stableVersionId: z.string().nullable(),
  candidateVersionId: z.string(),
  candidate: ZDeploymentVersionRef.nullable(),
  stable: ZDeploymentVersionRef.nullable(),
  candidateWeight: z.number(),
  candidatePercent: z.number(),
  steps: z.array(z.number()),
  stepsPercent: z.array(z.number()),
  stepIndex: z.number(),
  stepDurationS: z.number(),
  stepStartedAt: z.date(),
  autoPromote: z.boolean(),
  outcomeKind: z.string().nullable(),
  reason: z.string().nullable(),
  figures: ZRecordedFigures,
  createdById: z.string().nullable(),
  promotionRequestId: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  endedAt: z.date().nullable(),
});
export type TDeploymentView = z.infer<typeof ZDeploymentView>;

const ZTrafficWindow = z.object({ requests: z.number(), errors: z.number(), errorRate: ZMeasured.nullable(), p50Ms: ZMeasured.nullable(), p99Ms: ZMeasured.nullable() });

export const ZDeploymentDetails = ZDeploymentView.extend({
  windows: z.object({ candidate: ZTrafficWindow, stable: ZTrafficWindow.nullable() }),
  /** A running canary: what the policy would decide now (null otherwise). */
  liveDecision: ZCanaryDecisionView.nullable(),
  /** A canary: the policy it is judged by (null for other strategies). */
  canaryPolicy: ZCanaryPolicyView.nullable(),
  traffic: z.array(z.object({ minute: z.date(), versionId: z.string(), requests: z.number(), errors: z.number(), role: z.enum(['candidate', 'stable']) })),
  history: z.array(z.object({ id: z.string(), at: z.date(), action: z.string(), actorLabel: z.string(), reason: z.string().nullable(), after: z.unknown() })),
  approval: z.object({ requestId: z.string(), requestedBy: z.string(), approvedBy: z.string().nullable() }).nullable(),
  viewerStartedIt: z.boolean(),
});
export type TDeploymentDetailsView = z.infer<typeof ZDeploymentDetails>;
