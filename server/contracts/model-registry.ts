import { z } from 'zod';
import { ZCanaryOptions } from './canary-options';
import { TEXT_LIMITS, zSafeText, ZSafeId, ZSafeName } from './safe-text';
import { zInt4, zInt4String, ZVersionNumber } from './safe-number';

/*
 * The model registry's contracts: the artifact pieces a complete version carries (signature,
 * golden examples, training reference statistics), the evidence gates read (validation checks,
 * latency benchmarks), and the inputs of the registry use-cases. The inference worker parses the
 * same schemas (golden examples for health checks, reference statistics for drift).
 */

export const MODEL_STAGES = ['development', 'staging', 'production', 'archived'] as const;
export const ZModelStage = z.enum(MODEL_STAGES);
export type TModelStage = z.infer<typeof ZModelStage>;

export const ZSlaClass = z.enum(['realtime', 'batch']);
export type TSlaClass = z.infer<typeof ZSlaClass>;

export const MODEL_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const ZModelName = z.string().regex(MODEL_NAME_RE, 'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit');

/** Alias names: production, previous and canary are reserved for the lifecycle; others are free. */
export const RESERVED_ALIASES = ['production', 'previous', 'canary'] as const;
export const ZAliasName = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be 1-64 lowercase letters, digits, "_" or "-", starting with a letter');

// ---- Artifact pieces ---------------------------------------------------------------------------

/** One tensor dimension: a fixed size, a symbolic name (e.g. "batch"), or unknown (null). */
export const ZTensorDim = z.union([z.number().int().min(0), z.string(), z.null()]);
export const ZTensorSpec = z.object({
  name: ZSafeName,
  /** ONNX element type in lower case: float32, float64, int64, int32, uint8, bool, string, float16, ... */
  elemType: zSafeText({ min: 1, max: 64 }),
  /** null when the model leaves the rank unknown. */
  shape: z.array(ZTensorDim).nullable(),
});
export type TTensorSpec = z.infer<typeof ZTensorSpec>;
const ZNameList = (what: string) =>
  z
    .array(z.string().trim().min(1, `${what} names cannot be empty`).max(200))
    .min(1)
    .max(10_000)
    .refine((names) => new Set(names).size === names.length, `${what} names must be unique`);

export const ZModelSignature = z.object({
  inputs: z.array(ZTensorSpec).min(1),
  outputs: z.array(ZTensorSpec).min(1),
  /** Column names of the 2-D input, in order (from the registration): drift reads input columns by them, and clients may send `{feature: value}` rows. */
  features: ZNameList('feature').optional(),
});
export type TModelSignature = z.infer<typeof ZModelSignature>;

/** A tensor as JSON: row-major flat data and its shape (product of the shape = data length). */
export const ZTensorValue = z
  .object({ shape: z.array(z.number().int().min(0)), data: z.array(z.union([z.number(), z.string(), z.boolean()])) })
  .refine((t) => t.shape.reduce((a, b) => a * b, 1) === t.data.length, 'data length must equal the product of the shape');
export type TTensorValue = z.infer<typeof ZTensorValue>;

/** Inputs and the outputs they must reproduce within tolerance: the worker's health check. */
export const ZGoldenExamples = z.object({
  /** |observed - expected| <= absolute + relative * |expected| for every element. */
  tolerance: z.object({ absolute: z.number().min(0).default(1e-5), relative: z.number().min(0).default(0) }).default({ absolute: 1e-5, relative: 0 }),
  examples: z
    .array(z.object({ name: zSafeText({ max: TEXT_LIMITS.name, kind: 'text' }).optional(), inputs: z.record(z.string(), ZTensorValue), expected: z.record(z.string(), ZTensorValue) }))
    .min(1, 'needs at least one example'),
});
export type TGoldenExamples = z.infer<typeof ZGoldenExamples>;

/** Summary statistics of one variable in the training data, the reference drift is measured against. */
export const ZDistributionStats = z
  .object({
    count: z.number().int().min(1),
    mean: z.number(),
    std: z.number().min(0),
    /** Quantile level (0..1) -> value, at least the median. */
    quantiles: z.array(z.object({ q: z.number().min(0).max(1), value: z.number() })).min(1),
    /** Fixed bin edges (strictly increasing) and the count in each bin: counts.length = binEdges.length - 1. */
    histogram: z.object({ binEdges: z.array(z.number()).min(2), counts: z.array(z.number().int().min(0)) }),
  })
  .superRefine((s, ctx) => {
    const { binEdges, counts } = s.histogram;
    if (counts.length !== binEdges.length - 1) ctx.addIssue({ code: 'custom', path: ['histogram', 'counts'], message: 'must have one count per bin (binEdges.length - 1)' });
    if (binEdges.some((e, i) => i > 0 && !(e > binEdges[i - 1]!))) ctx.addIssue({ code: 'custom', path: ['histogram', 'binEdges'], message: 'must be strictly increasing' });
    const qs = s.quantiles.map((q) => q.q);
    if (qs.some((q, i) => i > 0 && !(q > qs[i - 1]!))) ctx.addIssue({ code: 'custom', path: ['quantiles'], message: 'levels must be strictly increasing' });
  });
export type TDistributionStats = z.infer<typeof ZDistributionStats>;

export const ZReferenceStats = z.object({
  prediction: ZDistributionStats,
  features: z.record(z.string(), ZDistributionStats).refine((f) => Object.keys(f).length > 0, 'needs at least one input feature'),
});
export type TReferenceStats = z.infer<typeof ZReferenceStats>;

/** The pieces a complete version must carry; the registry lists the missing ones by these names. */
export const REQUIRED_VERSION_PIECES = ['onnx', 'signature', 'config.yaml', 'metrics', 'requirements.txt', 'data_fingerprint', 'golden_examples', 'reference_stats'] as const;
export type TVersionPiece = (typeof REQUIRED_VERSION_PIECES)[number];

/** The run artifact file names a version's pieces are read from when the caller does not pass them. */
export const GOLDEN_EXAMPLES_ARTIFACT = 'golden_examples.json';
export const REFERENCE_STATS_ARTIFACT = 'reference_stats.json';

// ---- Evidence ---------------------------------------------------------------------------------

export const ZComparator = z.enum(['>=', '<=', '>', '<', '==']);
export type TComparator = z.infer<typeof ZComparator>;

/** A named validation check, e.g. {name: "holdout-accuracy", metric: "accuracy", comparator: ">=", threshold: 0.9, observed: 0.93}. */
export const ZValidationCheckInput = z.object({
  name: z.string().trim().min(1).max(200),
  metric: z.string().trim().min(1).max(200),
  comparator: ZComparator.default('>='),
  threshold: z.number(),
  observed: z.number(),
});
export const ZRecordValidationInput = z.object({
  modelName: ZModelName,
  version: ZVersionNumber,
  checks: z.array(ZValidationCheckInput).min(1).max(200),
});
export type TRecordValidationInput = z.input<typeof ZRecordValidationInput>;

/** A latency benchmark as an inference worker reports it. */
export const ZBenchmarkReport = z.object({
  hardware: z.string().trim().min(1).max(500),
  batchSize: zInt4({ min: 1 }),
  p50Ms: z.number().min(0),
  p99Ms: z.number().min(0),
  throughput: z.number().min(0),
});
export const ZReportBenchmarkInput = ZBenchmarkReport.extend({ modelName: ZModelName, version: ZVersionNumber });
export type TReportBenchmarkInput = z.input<typeof ZReportBenchmarkInput>;

// ---- Use-case inputs --------------------------------------------------------------------------

const ZTags = z.array(z.object({ key: zSafeText({ min: 1, max: TEXT_LIMITS.key }), value: zSafeText({ max: 5000, kind: 'text' }) })).max(100);

export const ZCreateModelInput = z.object({
  name: ZModelName,
  description: z.string().max(5000).default(''),
  slaClass: ZSlaClass.default('realtime'),
  tags: ZTags.default([]),
  /** Further owners by email; the creator is always an owner. */
  ownerEmails: z.array(z.string().max(254).email()).max(50).default([]),
});
export type TCreateModelInput = z.input<typeof ZCreateModelInput>;

export const ZCreateModelVersionInput = z.object({
  modelName: ZModelName,
  /** The training run it comes from (32 hex digits or a uuid). */
  runId: ZSafeId.optional(),
  /** MLflow's source, e.g. runs:/<run_id>/model or runs:/<run_id>/model.onnx. */
  source: z.string().max(2000).default(''),
  description: z.string().max(5000).default(''),
  tags: ZTags.default([]),
  /** An ONNX file already in the artifact store (see the model-file upload); else the run's *.onnx artifact. */
  onnxSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits').optional(),
  goldenExamples: ZGoldenExamples.optional(),
  referenceStats: ZReferenceStats.optional(),
  /** The input's column names in order; their count must match the model's input width. */
  features: ZNameList('feature').optional(),
});
export type TCreateModelVersionInput = z.input<typeof ZCreateModelVersionInput>;

export const ZVersionRef = z.object({ modelName: ZModelName, version: ZVersionNumber });
export type TVersionRef = z.infer<typeof ZVersionRef>;
/**
 * `/models/[name]/versions/[version]` as REST routes receive it: strings, as Next decodes them.
 * Any safe name, not only ZModelName's: models registered through MLflow may have spaces.
 */
export const ZVersionPathParams = z.object({ name: ZSafeName, version: zInt4String({ min: 1 }) });

export const ZRequestPromotionInput = ZVersionRef.extend({
  comment: z.string().max(5000).default(''),
  /** Roll out as a canary: the approval starts it, and the version reaches production when it is healthy. Absent: straight to production on approval. */
  canary: ZCanaryOptions.optional(),
});
export const ZDecidePromotionInput = z.object({
  requestId: z.string().uuid(),
  comment: z.string().trim().max(5000).default(''),
  /** Admins only: approve although they requested it or do not own the model. Audited. */
  overrideReason: z.string().trim().min(10, 'an override needs a written reason (at least 10 characters)').max(5000).optional(),
});
export type TDecidePromotionInput = z.input<typeof ZDecidePromotionInput>;

/** Registry tag keys and values (models and versions), with MLflow's limits: 250 and 5,000 characters. */
export const ZRegistryTagKey = zSafeText({ min: 1, max: TEXT_LIMITS.key });
export const ZRegistryTagValue = zSafeText({ max: 5000, kind: 'text' });

export const ZWebhookEvent = z.enum([
  'version.created',
  'promotion.requested',
  'promotion.approved',
  'promotion.rejected',
  'stage.changed',
  'alias.moved',
  'rollback',
  // Deployments: started, changed (paused, resumed, a canary step), promoted; a rollback fires `rollback`.
  'deployment.created',
  'deployment.updated',
  'deployment.promoted',
  // Monitoring: every raised alert, and drift alerts for a retraining pipeline to act on.
  'alert.raised',
  'drift.detected',
]);
export type TWebhookEvent = z.infer<typeof ZWebhookEvent>;
export const WEBHOOK_URL_MAX_LENGTH = 2048;
/** The event a "send test event" delivers: never subscribed to, sent to one webhook on request. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
export const ZCreateWebhookInput = z.object({
  /** Omitted: every model. */
  modelName: ZModelName.optional(),
  /** https:// (http:// only with BALLAST_WEBHOOK_ALLOW_HTTP=on), to a public address: checked by the service (domain/webhook-destination.ts). */
  url: z.string().min(1, 'must not be empty').max(WEBHOOK_URL_MAX_LENGTH, `must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`),
  events: z.array(ZWebhookEvent).min(1).max(ZWebhookEvent.options.length).default([...ZWebhookEvent.options]),
  /** An admin acting on a model they do not own says why (10+ characters). */
  reason: zSafeText({ max: 5000, kind: 'text' }).optional(),
});
export type TCreateWebhookInput = z.input<typeof ZCreateWebhookInput>;

/** The JSON body every webhook receives. */
export type TWebhookPayload = {
  id: string;
  event: TWebhookEvent | typeof WEBHOOK_TEST_EVENT;
  occurredAt: string;
  model: string;
  data: Record<string, unknown>;
};
