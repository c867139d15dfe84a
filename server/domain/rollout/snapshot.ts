import type { TCanaryOptions } from '../../contracts/canary-options';
import type { TDeploymentStatus, TDeploymentStrategy } from '../../contracts/deployments';
import type { TModelStage, TSlaClass } from '../../contracts/model-registry';
import type { TBenchmarkEvidence, TGateEvidence, TValidationEvidence } from '../model-lifecycle';

/*
 * Everything the rollout rules read about one model, loaded once (under the model's lock) by
 * whoever applies a command. Plain data: ids are strings, times are Dates, nothing lazy.
 */

/** Identifies the evidence a promotion request was made on; newer evidence makes the request stale. */
export type TEvidenceMarker = { lastValidationId: string | null; lastBenchmarkId: string | null };

export type TVersionFacts = {
  id: string;
  version: number;
  stage: TModelStage;
  complete: boolean;
  missing: readonly string[];
  /** Latest check per name. */
  validations: readonly TValidationEvidence[];
  benchmark: TBenchmarkEvidence | null;
  evidenceMarker: TEvidenceMarker;
  enteredProductionAt: Date | null;
  leftProductionAt: Date | null;
  lastServedAt: Date | null;
};

export type TRequestStatus = 'requested' | 'approved' | 'rejected' | 'withdrawn' | 'stale';

export type TRequestFacts = {
  id: string;
  versionId: string;
  status: TRequestStatus;
  requestedById: string | null;
  requestedByLabel: string;
  /** The evidence marker recorded when the request was made. */
  evidence: TEvidenceMarker | null;
  /** The production version when the request was made (null: none). */
  replacesVersionId: string | null;
  /** The canary the requester asked for; null for a direct promotion. */
  canary: TCanaryOptions | null;
  decidedByLabel: string | null;
  overrideReason: string | null;
  staleReason: string | null;
};

/** What the live traffic says about a running deployment, read when the snapshot was loaded. */
export type TLiveFigures =
  | {
      kind: 'canary';
      /** The candidate since its current step started. */
      candidate: { requests: number; errors: number; p99Ms: number | null };
      /** The stable version over the trailing baseline window. */
      stable: { requests: number; errors: number };
    }
  | {
      kind: 'blue_green';
      liveWorkers: number;
      /** Live workers reporting the candidate `ready`. */
      candidateReady: number;
      /** The first live worker reporting the candidate's check `failed`, if any. */
      failed: { worker: string; failure: string | null } | null;
    };

export type TDeploymentFacts = {
  id: string;
  strategy: TDeploymentStrategy;
  status: TDeploymentStatus;
  candidateVersionId: string;
  stableVersionId: string | null;
  /** Basis points of the 10,000 routing buckets. */
  candidateWeight: number;
  steps: readonly number[];
  stepIndex: number;
  stepDurationS: number;
  stepStartedAt: Date;
  autoPromote: boolean;
  createdById: string | null;
  /** The promotion request this deployment carries out, as it stands now (null: started by an owner directly). */
  promotionRequest: { id: string; status: TRequestStatus; requestedById: string | null; decidedByLabel: string | null; overrideReason: string | null } | null;
  live: TLiveFigures | null;
};

export type TRolloutSnapshot = {
  model: { id: string; name: string; slaClass: TSlaClass };
  /** User ids of the model's owners. */
  owners: readonly string[];
  versions: readonly TVersionFacts[];
  aliases: readonly { alias: string; versionId: string }[];
  /** Open requests, and any others a command may name (a deployment's approved one). */
  requests: readonly TRequestFacts[];
  /** The active deployment (running or paused), and any ended one a command may name. At most one is active. */
  deployments: readonly TDeploymentFacts[];
  now: Date;
  /** Ids the caller reserved for rows a command may create, so deciding stays deterministic. */
  newIds: { request: string; deployment: string };
};

export const isActiveStatus = (status: TDeploymentStatus) => status === 'running' || status === 'paused';

export function activeDeployment(s: TRolloutSnapshot): TDeploymentFacts | null {
  return s.deployments.find((d) => isActiveStatus(d.status)) ?? null;
}

export function versionById(s: TRolloutSnapshot, id: string | null): TVersionFacts | null {
  return id === null ? null : (s.versions.find((v) => v.id === id) ?? null);
}

export function versionByNumber(s: TRolloutSnapshot, version: number): TVersionFacts | null {
  return s.versions.find((v) => v.version === version) ?? null;
}

export function aliasTarget(s: TRolloutSnapshot, alias: string): TVersionFacts | null {
  const row = s.aliases.find((a) => a.alias === alias);
  return row ? versionById(s, row.versionId) : null;
}

export function gateEvidenceOf(s: TRolloutSnapshot, v: TVersionFacts, approval: TGateEvidence['approval'] = null): TGateEvidence {
  return { complete: v.complete, missing: v.missing, validations: v.validations, benchmark: v.benchmark, slaClass: s.model.slaClass, approval };
}

export const openRequests = (s: TRolloutSnapshot) => s.requests.filter((r) => r.status === 'requested');

/**
 * A short fingerprint of what the rules read (stages, aliases, request states, the deployment's
 * step and evidence markers). A command carrying the revision it was decided on is refused as
 * STALE_SNAPSHOT when the model moved on meanwhile (another replica, another owner).
 */
export function rolloutRevision(s: TRolloutSnapshot): string {
  const parts = [
    s.owners.slice().sort().join(','),
    s.versions.map((v) => `${v.id}:${v.stage}:${v.complete ? 1 : 0}:${v.evidenceMarker.lastValidationId ?? '-'}:${v.evidenceMarker.lastBenchmarkId ?? '-'}`).join(','),
    s.aliases.map((a) => `${a.alias}=${a.versionId}`).sort().join(','),
    s.requests.map((r) => `${r.id}:${r.status}`).sort().join(','),
    s.deployments.map((d) => `${d.id}:${d.status}:${d.stepIndex}:${d.stepStartedAt.getTime()}:${d.candidateWeight}`).sort().join(','),
  ].join('|');
  // FNV-1a, 32 bits: a fingerprint, not a secret.
  let h = 0x811c9dc5;
  for (let i = 0; i < parts.length; i++) {
    h ^= parts.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
