import type { TComparator, TModelStage, TSlaClass } from '../contracts/model-registry';
import type { TGateName, TGateResult } from '../contracts/refusals';

/*
 * The model lifecycle as data: which stage changes exist, why each happens (its cause), and the
 * gates it must pass. Everything not in the table is forbidden. Services look transitions up
 * here and never decide stage rules themselves.
 */

export type TTransitionCause =
  /** An owner moves the version forward (to staging, or to production through an approved request). */
  | 'promote'
  /** Staging back to development. */
  | 'demote'
  /** The production version steps down because another version was promoted over it. */
  | 'replaced'
  /** The production version is rolled back (it returns to staging). */
  | 'rollback'
  /** The version `previous` points to returns to production in the same rollback. */
  | 'restore'
  /** An owner archives by hand. */
  | 'archive'
  /** The archival job: not served for the archival period. */
  | 'auto-archive';

export type { TGateName, TGateResult } from '../contracts/refusals';

type TTransition = { from: TModelStage; to: TModelStage; cause: TTransitionCause; gates: readonly TGateName[] };

export const TRANSITIONS: readonly TTransition[] = [
  { from: 'development', to: 'staging', cause: 'promote', gates: ['complete', 'validation'] },
  { from: 'staging', to: 'development', cause: 'demote', gates: [] },
  { from: 'staging', to: 'production', cause: 'promote', gates: ['complete', 'validation', 'benchmark', 'approval'] },
  { from: 'production', to: 'staging', cause: 'replaced', gates: [] },
  { from: 'production', to: 'staging', cause: 'rollback', gates: [] },
  // The restored version passed its gates when it first went to production.
  { from: 'staging', to: 'production', cause: 'restore', gates: [] },
  { from: 'development', to: 'archived', cause: 'archive', gates: [] },
  { from: 'staging', to: 'archived', cause: 'archive', gates: [] },
  { from: 'production', to: 'archived', cause: 'archive', gates: [] },
  // A serving version is never archived by the job, only by an owner's decision.
  { from: 'development', to: 'archived', cause: 'auto-archive', gates: [] },
  { from: 'staging', to: 'archived', cause: 'auto-archive', gates: [] },
];

export type TTransitionCheck = { ok: true; gates: readonly TGateName[] } | { ok: false; reason: string };

export function checkTransition(from: TModelStage, to: TModelStage, cause: TTransitionCause): TTransitionCheck {
  const found = TRANSITIONS.find((t) => t.from === from && t.to === to && t.cause === cause);
  if (found) return { ok: true, gates: found.gates };
  if (from === 'archived') return { ok: false, reason: 'an archived version is kept for audit and never leaves archived' };
  if (from === to) return { ok: false, reason: `the version is already in ${to}` };
  if (from === 'production' && to !== 'archived') {
    return { ok: false, reason: 'a production version leaves production only when another version replaces it, when it is rolled back, or when an owner archives it' };
  }
  if (from === 'production' && cause === 'auto-archive') return { ok: false, reason: 'the archival job never archives the production version' };
  if (from === 'development' && to === 'production') return { ok: false, reason: 'a version reaches production from staging only' };
  const causes = TRANSITIONS.filter((t) => t.from === from && t.to === to).map((t) => t.cause);
  return {
    ok: false,
    reason: causes.length ? `${from} -> ${to} happens only by ${causes.join(' or ')}, not by ${cause}` : `there is no transition from ${from} to ${to}`,
  };
}

// ---- Gates ------------------------------------------------------------------------------------

export const SLA_P99_LIMIT_MS: Record<TSlaClass, number> = { realtime: 100, batch: 5000 };

export type TValidationEvidence = { name: string; metric: string; comparator: string; threshold: number; observed: number; passed: boolean };
export type TBenchmarkEvidence = { hardware: string; batchSize: number; p50Ms: number; p99Ms: number; throughput: number; measuredAt: string };
export type TApprovalEvidence = { approvedBy: string; override: string | null } | null;

export type TGateEvidence = {
  complete: boolean;
  missing: readonly string[];
  /** Latest check per name. */
  validations: readonly TValidationEvidence[];
  benchmark: TBenchmarkEvidence | null;
  slaClass: TSlaClass;
  approval: TApprovalEvidence;
};

export function compareToThreshold(observed: number, comparator: TComparator, threshold: number): boolean {
  if (!Number.isFinite(observed)) return false;
  switch (comparator) {
    case '>=':
      return observed >= threshold;
    case '<=':
      return observed <= threshold;
    case '>':
      return observed > threshold;
    case '<':
      return observed < threshold;
    case '==':
      return observed === threshold;
  }
}

function evaluateGate(gate: TGateName, e: TGateEvidence): TGateResult {
  switch (gate) {
    case 'complete':
      return e.complete
        ? { gate, met: true, reason: 'the artifact set is complete' }
        : { gate, met: false, reason: `the version is incomplete: missing ${e.missing.join(', ')}` };
    case 'validation': {
      if (e.validations.length === 0) return { gate, met: false, reason: 'no validation checks are recorded for this version' };
      const failed = e.validations.filter((v) => !v.passed);
      return failed.length
        ? { gate, met: false, reason: `validation failed: ${failed.map((v) => `${v.name} (${v.metric} ${v.observed} not ${v.comparator} ${v.threshold})`).join('; ')}` }
        : { gate, met: true, reason: `${e.validations.length} validation check(s) passed` };
    }
    case 'benchmark': {
      const limit = SLA_P99_LIMIT_MS[e.slaClass];
      if (!e.benchmark) return { gate, met: false, reason: `no latency benchmark has been measured by a worker (${e.slaClass} SLA: p99 <= ${limit} ms)` };
      return e.benchmark.p99Ms <= limit
        ? { gate, met: true, reason: `p99 ${e.benchmark.p99Ms} ms is within the ${e.slaClass} SLA (<= ${limit} ms)` }
        : { gate, met: false, reason: `p99 ${e.benchmark.p99Ms} ms breaks the ${e.slaClass} SLA (p99 <= ${limit} ms)` };
    }
    case 'approval':
      return e.approval
        ? { gate, met: true, reason: e.approval.override ? `approved by ${e.approval.approvedBy} (admin override: ${e.approval.override})` : `approved by ${e.approval.approvedBy}` }
        : { gate, met: false, reason: 'needs approval by an owner of the model who is not the requester' };
  }
}

export function evaluateGates(gates: readonly TGateName[], evidence: TGateEvidence): TGateResult[] {
  return gates.map((g) => evaluateGate(g, evidence));
}

/** The gates a transition would fail, with reasons; empty when it may happen. */
export function unmetGates(gates: readonly TGateName[], evidence: TGateEvidence): TGateResult[] {
  return evaluateGates(gates, evidence).filter((r) => !r.met);
}

export function describeUnmet(unmet: readonly TGateResult[]): string {
  return unmet.map((u) => `${u.gate}: ${u.reason}`).join('; ');
}

// ---- Four-eyes approval ----------------------------------------------------------------------

export const APPROVER_OVERRIDE_MIN_LENGTH = 10;

/** A refusal names its rule: the actor is the requester (FOUR_EYES), owns nothing here (NOT_OWNER), or is no person (NO_PERSON). */
export type TApproverCheck = { ok: true; override: string | null } | { ok: false; rule: 'FOUR_EYES' | 'NOT_OWNER' | 'NO_PERSON'; reason: string; adminOverride: boolean };

/**
 * An owner who did not request the promotion may approve it. An admin may approve otherwise
 * (their own request, or a model they do not own) only with a written reason, which is audited.
 */
export function checkApprover(input: {
  approverId: string | null;
  requesterId: string | null;
  isOwner: boolean;
  isAdmin: boolean;
  overrideReason?: string | null;
  /** What the refusal says when the approver is the requester (a deployment's starter, say). */
  selfApproval?: string;
}): TApproverCheck {
  if (!input.approverId) return { ok: false, rule: 'NO_PERSON', reason: 'approval needs a person acting (not the system)', adminOverride: false };
  const isRequester = input.requesterId !== null && input.approverId === input.requesterId;
  if (input.isOwner && !isRequester) return { ok: true, override: null };
  const why = isRequester ? (input.selfApproval ?? 'the requester cannot approve their own promotion (four-eyes)') : 'only an owner of the model may approve';
  const rule = isRequester ? 'FOUR_EYES' : 'NOT_OWNER';
  if (input.isAdmin) {
    const reason = input.overrideReason?.trim() ?? '';
    if (reason.length >= APPROVER_OVERRIDE_MIN_LENGTH) return { ok: true, override: reason };
    return { ok: false, rule, reason: `${why}; an admin may override only with a written reason`, adminOverride: true };
  }
  return { ok: false, rule, reason: why, adminOverride: false };
}

// ---- MLflow stage names -------------------------------------------------------------------------

export const MLFLOW_STAGE_OF: Record<TModelStage, string> = { development: 'None', staging: 'Staging', production: 'Production', archived: 'Archived' };

export function stageFromMlflow(stage: string): TModelStage | null {
  const key = stage.trim().toLowerCase();
  return ({ none: 'development', staging: 'staging', production: 'production', archived: 'archived' } as const)[key as 'none'] ?? null;
}

// ---- Archival ---------------------------------------------------------------------------------

export const ARCHIVE_AFTER_DAYS = 90;

/**
 * Whether the archival job archives a version now: not production or archived, and last served
 * (as workers report) - or, before workers report, last in production - at least the archival
 * period ago. A version that never served is left alone: it is a draft, not a retired model.
 */
export function isArchivable(v: { stage: TModelStage; lastServedAt: Date | null; leftProductionAt: Date | null }, now: Date, days = ARCHIVE_AFTER_DAYS): boolean {
  if (v.stage === 'production' || v.stage === 'archived') return false;
  const last = v.lastServedAt ?? v.leftProductionAt;
  return last !== null && now.getTime() - last.getTime() >= days * 86_400_000;
}
