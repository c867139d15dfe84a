import type { TCanaryOptions } from '../../contracts/canary-options';
import type { TDeploymentStrategy } from '../../contracts/deployments';
import type { TModelStage, TWebhookEvent } from '../../contracts/model-registry';
import type { TTransitionCause } from '../model-lifecycle';
import type { TEvidenceMarker } from './snapshot';

/*
 * What a decided command writes, as data, in the order the writer applies it (one transaction).
 * Each change comes with its own audit and webhook effect, so the writer needs no rules: it maps
 * each effect to rows. Ids of rows a command creates come from the snapshot's `newIds`.
 */

export type TApproval = { approvedBy: string; override: string | null };

export type TStageChanged = {
  type: 'stageChanged';
  versionId: string;
  version: number;
  from: TModelStage;
  to: TModelStage;
  cause: TTransitionCause;
  at: Date;
  approval: TApproval | null;
  reason: string | null;
};

export type TAliasMoved = {
  type: 'aliasMoved';
  alias: string;
  fromVersionId: string | null;
  toVersionId: string | null;
  fromVersion: number | null;
  toVersion: number | null;
  cause: string;
  at: Date;
};

export type TRequestCreated = {
  type: 'requestCreated';
  requestId: string;
  versionId: string;
  requestedById: string | null;
  requestedByLabel: string;
  requestedAt: Date;
  comment: string;
  evidence: TEvidenceMarker;
  replacesVersionId: string | null;
  canary: TCanaryOptions | null;
};

export type TRequestDecided = {
  type: 'requestDecided';
  requestId: string;
  status: 'approved' | 'rejected' | 'withdrawn';
  /** Null for a withdrawal (nobody decided it). */
  decidedById: string | null;
  decidedByLabel: string | null;
  decidedAt: Date;
  comment: string | null;
  overrideReason: string | null;
};

export type TRequestsStaled = { type: 'requestsStaled'; requestIds: string[]; reason: string };

export type TDeploymentCreated = {
  type: 'deploymentCreated';
  deploymentId: string;
  strategy: TDeploymentStrategy;
  candidateVersionId: string;
  stableVersionId: string | null;
  candidateWeight: number;
  steps: number[];
  stepDurationS: number;
  autoPromote: boolean;
  outcomeKind: 'binary' | 'continuous' | null;
  reason: string | null;
  createdById: string | null;
  promotionRequestId: string | null;
  at: Date;
};

export type TDeploymentUpdated = {
  type: 'deploymentUpdated';
  deploymentId: string;
  action: 'paused' | 'resumed' | 'step_advanced';
  set: { status?: 'running' | 'paused'; stepIndex?: number; candidateWeight?: number; stepStartedAt?: Date; figures?: Record<string, number>; reason?: string };
  at: Date;
};

export type TDeploymentEnded = {
  type: 'deploymentEnded';
  deploymentId: string;
  status: 'promoted' | 'rolled_back';
  candidateWeight: number;
  reason: string | null;
  figures: Record<string, number> | null;
  at: Date;
};

/** The evaluator's latest figures and verdict on a deployment that goes on. */
export type TDeploymentFiguresRecorded = { type: 'deploymentFiguresRecorded'; deploymentId: string; figures: Record<string, number>; reason: string; at: Date };

export type TAuditSubject = 'model_version' | 'registered_model' | 'promotion_request' | 'deployment';

export type TAuditEvent = {
  type: 'audit';
  action: string;
  subjectType: TAuditSubject;
  subjectId: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  reason: string | null;
};

export type TWebhookEventEffect = { type: 'webhook'; event: TWebhookEvent; data: Record<string, unknown>; at: Date };

export type TAlertRaised = {
  type: 'alert';
  kind: 'rollback';
  severity: 'critical';
  modelVersionId: string;
  deploymentId: string;
  title: string;
  message: string;
  figures: Record<string, number>;
  dedupeKey: string;
  at: Date;
};

export type TRolloutEffect =
  | TStageChanged
  | TAliasMoved
  | TRequestCreated
  | TRequestDecided
  | TRequestsStaled
  | TDeploymentCreated
  | TDeploymentUpdated
  | TDeploymentEnded
  | TDeploymentFiguresRecorded
  | TAuditEvent
  | TWebhookEventEffect
  | TAlertRaised;

export type TEffectType = TRolloutEffect['type'];
