import { z } from 'zod';
import { ZCanaryOptions } from './canary-options';
import { ZDeploymentStatus } from './deployments';
import { ZModelStage, ZSlaClass } from './model-registry';

/*
 * What the dashboard reads to decide on promotions: the `.output()` of models.get (the model page)
 * and promotions.inbox (the approvals inbox). The gates come as the lifecycle judged them, so a
 * screen lists them without a copy of the rule.
 */

const ZGateName = z.enum(['complete', 'validation', 'benchmark', 'approval']);
export const ZGateResult = z.object({ gate: ZGateName, met: z.boolean(), reason: z.string() });

/** A measured figure (a benchmark's p99 may be Infinity; an observed metric NaN). */
const ZMeasured = z.custom<number>((v) => typeof v === 'number', 'must be a number');

export const ZGateEvidenceView = z.object({
  validations: z.array(z.object({ name: z.string(), metric: z.string(), comparator: z.string(), threshold: ZMeasured, observed: ZMeasured, passed: z.boolean() })).readonly(),
  benchmark: z.object({ hardware: z.string(), batchSize: z.number(), p50Ms: ZMeasured, p99Ms: ZMeasured, throughput: ZMeasured, measuredAt: z.string() }).nullable(),
  slaClass: ZSlaClass,
});

const ZKeyValue = z.object({ key: z.string(), value: z.string() });

export const ZModelVersionView = z.object({
  id: z.string(),
  modelName: z.string(),
  version: z.number(),
  stage: ZModelStage,
  mlflowStage: z.string(),
  description: z.string(),
  source: z.string(),
  runId: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  stageChangedAt: z.date(),
  enteredProductionAt: z.date().nullable(),
  leftProductionAt: z.date().nullable(),
  lastServedAt: z.date().nullable(),
  archivedAt: z.date().nullable(),
  complete: z.boolean(),
  missing: z.array(z.string()),
  onnxSha256: z.string().nullable(),
  onnxSize: z.number().nullable(),
  signature: z.unknown(),
  metrics: z.unknown(),
  dataFingerprint: z.string().nullable(),
  configHash: z.string().nullable(),
  tags: z.array(ZKeyValue),
  aliases: z.array(z.string()),
});

export const ZRegisteredModelView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  slaClass: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  createdById: z.string().nullable(),
  tags: z.array(ZKeyValue),
  aliases: z.array(z.object({ alias: z.string(), version: z.number() })),
  owners: z.array(z.object({ userId: z.string(), email: z.string() })),
  latestVersions: z.array(ZModelVersionView),
  versionCount: z.number(),
  productionVersion: z.number().nullable(),
});

const ZPromotionStatus = z.enum(['requested', 'approved', 'rejected', 'stale', 'withdrawn']);

export const ZModelDetails = ZRegisteredModelView.extend({
  viewer: z.object({
    userId: z.string().nullable(),
    isOwner: z.boolean(),
    isAdmin: z.boolean(),
    canRequest: z.boolean(),
    canManage: z.boolean(),
    adminReasonRequired: z.boolean(),
  }),
  versions: z.array(
    ZModelVersionView.extend({
      lineage: z.object({
        datasets: z.unknown(),
        run: z.object({ runId: z.string(), name: z.string(), experimentId: z.string(), gitCommit: z.string().nullable(), configHash: z.string().nullable() }).nullable(),
      }),
      evidence: ZGateEvidenceView,
      nextStage: ZModelStage.nullable(),
      gates: z.array(ZGateResult),
      openRequestId: z.string().nullable(),
    }),
  ),
  aliasHistory: z.array(z.object({ alias: z.string(), fromVersion: z.number().nullable(), toVersion: z.number().nullable(), at: z.date(), actor: z.string(), cause: z.string() })),
  promotions: z.array(
    z.object({
      id: z.string(),
      version: z.number().nullable(),
      status: ZPromotionStatus,
      requestedBy: z.string(),
      requestedAt: z.date(),
      comment: z.string(),
      decidedBy: z.string().nullable(),
      decidedAt: z.date().nullable(),
      decisionComment: z.string().nullable(),
      overrideReason: z.string().nullable(),
      staleReason: z.string().nullable(),
      canary: ZCanaryOptions.nullable(),
      deployment: z.object({ id: z.string(), status: ZDeploymentStatus }).nullable(),
      isRequester: z.boolean(),
      canApprove: z.boolean(),
      canApproveWithOverride: z.boolean(),
      canReject: z.boolean(),
    }),
  ),
});
export type TModelDetailsView = z.infer<typeof ZModelDetails>;

export const ZPromotionInboxItem = z.object({
  id: z.string(),
  model: z.string(),
  slaClass: ZSlaClass,
  version: z.number(),
  stage: ZModelStage,
  runId: z.string().nullable(),
  replacesVersion: z.number().nullable(),
  requestedBy: z.string(),
  requestedAt: z.date(),
  comment: z.string(),
  canary: ZCanaryOptions.nullable(),
  canApprove: z.boolean(),
  evidence: ZGateEvidenceView,
  gates: z.array(ZGateResult),
});
export const ZPromotionInbox = z.array(ZPromotionInboxItem);
