import { describeUnmet, unmetGates } from '../model-lifecycle';
import { refuseSelfApproval, requireApprover, requireOwner, requireScope, type TRolloutActor } from './actor';
import type { TRolloutCommand } from './commands';
import { planTraffic } from './deployment-plan';
import type { TApproval, TDeploymentUpdated } from './effects';
import { moveAlias, promoteToProduction, type Draft } from './lifecycle-steps';
import { refuse } from './refusal';
import { activeDeployment, gateEvidenceOf, isActiveStatus, versionById, versionByNumber, type TDeploymentFacts } from './snapshot';

/*
 * Deployments: an owner starts one (or an approved canary request does), owners pause, resume,
 * promote or roll it back, and the evaluator ends it. One active deployment per model; while it
 * runs it alone decides production, and it promotes only over the version it compared against.
 */

type C<K extends TRolloutCommand['kind']> = Extract<TRolloutCommand, { kind: K }>;

/** Why a healthy deployment without an approved promotion request waits instead of promoting itself. */
export const AWAITING_SECOND_OWNER = 'waiting for an owner other than the one who started it to promote (four-eyes: it carries no approved promotion request)';

/**
 * Starts a deployment (the caller's right to deploy already checked): refused unless the
 * candidate is a complete staging version passing its evidence gates - it must be able to reach
 * production at the end - and no other deployment is active. Returns the new deployment's id.
 */
export function startDeploymentSteps(d: Draft, c: C<'startDeployment'>, promotionRequestId: string | null = null): string {
  const { s, actor } = d;
  const plan = planTraffic(c);
  const candidate = versionByNumber(s, c.version);
  if (!candidate) refuse('NOT_FOUND', `Model Version (name=${s.model.name}, version=${c.version}) not found`, { version: c.version });
  const name = s.model.name;
  // A deployment ends in staging -> production (promote): a candidate in any other stage could not.
  const notDeployable = { from: candidate.stage, to: 'production', cause: 'promote' };
  if (candidate.stage === 'archived') refuse('INVALID_TRANSITION', `version ${candidate.version} of ${name} is archived; archived versions are never served`, notDeployable);
  if (!candidate.complete) {
    const unmet = unmetGates(['complete'], gateEvidenceOf(s, candidate));
    refuse('GATES_UNMET', `version ${candidate.version} of ${name} is incomplete (missing ${candidate.missing.join(', ')}) and cannot be deployed`, {
      model: name,
      version: candidate.version,
      to: 'production',
      unmet,
      missing: [...candidate.missing],
    });
  }
  if (candidate.stage === 'production') refuse('INVALID_TRANSITION', `version ${candidate.version} of ${name} is already in production`, notDeployable);
  if (candidate.stage !== 'staging') refuse('INVALID_TRANSITION', `version ${candidate.version} of ${name} is in ${candidate.stage}; deploy a version from staging`, notDeployable);
  const active = activeDeployment(s);
  if (active) {
    refuse('DEPLOYMENT_RUNNING', `model ${name} already has a ${active.status} deployment (${active.id}); promote or roll it back first`, { deploymentId: active.id, status: active.status, strategy: active.strategy });
  }
  const unmet = unmetGates(['complete', 'validation', 'benchmark'], gateEvidenceOf(s, candidate));
  if (unmet.length) refuse('GATES_UNMET', `version ${candidate.version} of ${name} cannot be deployed; unmet gates: ${describeUnmet(unmet)}`, { model: name, version: candidate.version, to: 'production', unmet });
  const stable = d.aliasTarget('production');
  if (!stable && c.strategy !== 'blue_green') {
    refuse('NO_PRODUCTION', `model ${name} has no production version to compare a ${c.strategy.replace('_', ' ')} against; use blue_green for a first deployment`, {});
  }
  const deploymentId = s.newIds.deployment;
  const comment = c.comment ?? '';
  d.push({
    type: 'deploymentCreated',
    deploymentId,
    strategy: c.strategy,
    candidateVersionId: candidate.id,
    stableVersionId: stable?.id ?? null,
    candidateWeight: plan.candidateWeight,
    steps: plan.steps,
    stepDurationS: plan.stepDurationS,
    autoPromote: plan.autoPromote,
    outcomeKind: c.strategy === 'ab_test' ? (c.outcomeKind ?? 'binary') : null,
    reason: comment || null,
    createdById: actor.userId,
    promotionRequestId,
    at: d.now,
  });
  moveAlias(d, 'canary', candidate, 'deployment started');
  d.push(
    {
      type: 'audit',
      action: 'deployment.created',
      subjectType: 'deployment',
      subjectId: deploymentId,
      after: { model: name, strategy: c.strategy, candidate: candidate.version, stable: stable?.version ?? null, candidateWeight: plan.candidateWeight, steps: plan.steps, stepDurationS: plan.stepDurationS, promotionRequestId },
      reason: comment || null,
    },
    {
      type: 'webhook',
      event: 'deployment.created',
      data: { deploymentId, strategy: c.strategy, candidate: candidate.version, stable: stable?.version ?? null, candidateWeight: plan.candidateWeight, promotionRequestId },
      at: d.now,
    },
  );
  return deploymentId;
}

export function startDeployment(d: Draft, c: C<'startDeployment'>): void {
  requireScope(d.actor, 'deployment:write', 'deploy a version');
  requireOwner(d.s, d.actor, 'deploy a version');
  startDeploymentSteps(d, c);
}

function findDeployment(d: Draft, deploymentId: string): TDeploymentFacts {
  const found = d.s.deployments.find((x) => x.id === deploymentId);
  if (!found) refuse('NOT_FOUND', `no deployment ${deploymentId}`, { deploymentId });
  return found;
}

function requireActive(dep: TDeploymentFacts, action: string): void {
  if (!isActiveStatus(dep.status)) refuse('DEPLOYMENT_NOT_ACTIVE', `cannot ${action}: the deployment is ${dep.status.replace('_', ' ')}`, { status: dep.status, deploymentId: dep.id });
}

/** The owner actions on a deployment share their checks: scope, ownership, still active. */
function ownerAction(d: Draft, deploymentId: string, verb: string, beforeOwnership?: (dep: TDeploymentFacts) => void): TDeploymentFacts {
  requireScope(d.actor, 'deployment:write', `${verb} a deployment`);
  const dep = findDeployment(d, deploymentId);
  beforeOwnership?.(dep);
  requireOwner(d.s, d.actor, `${verb} a deployment`);
  requireActive(dep, verb);
  return dep;
}

const approvedRequestOf = (dep: TDeploymentFacts) => (dep.promotionRequest?.status === 'approved' && dep.promotionRequest.decidedByLabel ? dep.promotionRequest : null);

/** Who asked for this rollout: the requester of the approved request it carries out, else whoever started it. */
function askerOf(dep: TDeploymentFacts): string | null {
  const approved = approvedRequestOf(dep);
  return approved ? approved.requestedById : dep.createdById;
}

const selfPromotionMessage = (dep: TDeploymentFacts) =>
  approvedRequestOf(dep)
    ? 'you requested this rollout: the canary promotes itself when healthy, or another owner promotes it early (four-eyes)'
    : 'you started this deployment: another owner of the model promotes it (four-eyes), or start it from an approved promotion request';

/**
 * Four-eyes for the promotion a deployment ends in: the approval of the request it carries out
 * (the canary then finishes by itself); otherwise an owner other than the one who started it,
 * clicking Promote (an admin may override with a written reason). Null for the system on a
 * deployment nobody approved: it waits, healthy, for that second owner.
 */
export function deploymentApproval(d: Draft, dep: TDeploymentFacts, actor: TRolloutActor, reason = ''): TApproval | null {
  const approved = approvedRequestOf(dep);
  if (actor.kind === 'system') return approved ? { approvedBy: `${approved.decidedByLabel} (promotion request ${approved.id})`, override: approved.overrideReason } : null;
  // A person promoting: never the one who asked for this rollout (the approver agreed to a canary,
  // not to its requester cutting it short), nor the one who started a deployment nobody approved.
  const override = requireApprover(d.s, actor, 'promote a deployment', approved ? approved.requestedById : dep.createdById, reason, selfPromotionMessage(dep));
  if (approved) return { approvedBy: `${approved.decidedByLabel} (promotion request ${approved.id}); promoted early by ${actor.label}`, override: override ?? approved.overrideReason };
  return { approvedBy: actor.label, override };
}

function clearCanaryAlias(d: Draft, dep: TDeploymentFacts, cause: string): void {
  if (d.aliasTarget('canary')?.id === dep.candidateVersionId) moveAlias(d, 'canary', null, cause);
}

/** The candidate goes to production through the lifecycle (gates checked there); the deployment ends promoted. */
export function promoteDeploymentSteps(d: Draft, dep: TDeploymentFacts, opts: { reason: string; figures?: Record<string, number>; approval: TApproval }): void {
  const { s } = d;
  const candidate = versionById(s, dep.candidateVersionId);
  if (!candidate) refuse('NOT_FOUND', `the candidate of deployment ${dep.id} no longer exists`, { deploymentId: dep.id });
  const production = d.aliasTarget('production');
  if ((production?.id ?? null) !== dep.stableVersionId) {
    refuse('STALE_SNAPSHOT', `production of ${s.model.name} is no longer the version this deployment compared against: roll the deployment back and start a new one`, { changed: 'deployment-baseline' });
  }
  const { replaced } = promoteToProduction(d, candidate, opts.approval, dep.id);
  clearCanaryAlias(d, dep, 'deployment promoted');
  const figures = opts.figures ?? null;
  d.push(
    { type: 'deploymentEnded', deploymentId: dep.id, status: 'promoted', candidateWeight: 10_000, reason: opts.reason || null, figures, at: d.now },
    {
      type: 'audit',
      action: 'deployment.promoted',
      subjectType: 'deployment',
      subjectId: dep.id,
      before: { status: dep.status, candidateWeight: dep.candidateWeight },
      after: { status: 'promoted', model: s.model.name, version: candidate.version, replaced: replaced?.version ?? null, approvedBy: opts.approval.approvedBy, override: opts.approval.override },
      reason: opts.reason || null,
    },
    {
      type: 'webhook',
      event: 'deployment.promoted',
      data: { deploymentId: dep.id, strategy: dep.strategy, version: candidate.version, replaced: replaced?.version ?? null, reason: opts.reason, figures },
      at: d.now,
    },
  );
}

/** Traffic leaves the candidate (weight 0); production is untouched, since the candidate never reached it. */
export function rollbackDeploymentSteps(d: Draft, dep: TDeploymentFacts, opts: { reason: string; figures?: Record<string, number>; automated: boolean }): void {
  const { s } = d;
  const candidate = versionById(s, dep.candidateVersionId);
  const stable = versionById(s, dep.stableVersionId);
  clearCanaryAlias(d, dep, 'deployment rolled back');
  const figures = opts.figures ?? null;
  d.push(
    { type: 'deploymentEnded', deploymentId: dep.id, status: 'rolled_back', candidateWeight: 0, reason: opts.reason || null, figures, at: d.now },
    {
      type: 'audit',
      action: opts.automated ? 'deployment.rolled_back_automatically' : 'deployment.rolled_back',
      subjectType: 'deployment',
      subjectId: dep.id,
      before: { status: dep.status, candidateWeight: dep.candidateWeight },
      after: { status: 'rolled_back', model: s.model.name, candidate: candidate?.version ?? null, stable: stable?.version ?? null, candidateWeight: 0, figures },
      reason: opts.reason || null,
    },
    {
      type: 'webhook',
      event: 'rollback',
      data: { deploymentId: dep.id, strategy: dep.strategy, fromVersion: candidate?.version ?? null, toVersion: stable?.version ?? null, automated: opts.automated, reason: opts.reason, figures },
      at: d.now,
    },
  );
  if (opts.automated) {
    d.push({
      type: 'alert',
      kind: 'rollback',
      severity: 'critical',
      modelVersionId: dep.candidateVersionId,
      deploymentId: dep.id,
      title: `${s.model.name} v${candidate?.version ?? '?'} rolled back`,
      message: opts.reason,
      figures: figures ?? {},
      dedupeKey: `rollback:${dep.id}`,
      at: d.now,
    });
  }
}

/** A change of a deployment that goes on (pause, resume, canary step), with its audit event and webhook. */
export function updateDeploymentSteps(d: Draft, dep: TDeploymentFacts, action: 'paused' | 'resumed' | 'step_advanced', set: TDeploymentUpdated['set'], reason: string): void {
  const after = { status: set.status ?? dep.status, candidateWeight: set.candidateWeight ?? dep.candidateWeight, stepIndex: set.stepIndex ?? dep.stepIndex };
  d.push(
    { type: 'deploymentUpdated', deploymentId: dep.id, action, set, at: d.now },
    {
      type: 'audit',
      action: `deployment.${action}`,
      subjectType: 'deployment',
      subjectId: dep.id,
      before: { status: dep.status, candidateWeight: dep.candidateWeight, stepIndex: dep.stepIndex },
      after: { ...after, model: d.s.model.name },
      reason: reason || null,
    },
    { type: 'webhook', event: 'deployment.updated', data: { deploymentId: dep.id, action, ...after, reason }, at: d.now },
  );
}

export function promoteDeployment(d: Draft, c: C<'promoteDeployment'>): void {
  const dep = ownerAction(d, c.deploymentId, 'promote', (found) => refuseSelfApproval(d.actor, askerOf(found), selfPromotionMessage(found)));
  const reason = c.reason ?? '';
  const approval = deploymentApproval(d, dep, d.actor, reason);
  if (!approval) refuse('PERSON_REQUIRED', 'promoting a deployment needs a person acting', {});
  promoteDeploymentSteps(d, dep, { reason: reason || 'promoted by an owner', approval });
}

export function pauseDeployment(d: Draft, c: C<'pauseDeployment'>): void {
  const dep = ownerAction(d, c.deploymentId, 'pause');
  if (dep.status === 'paused') refuse('ALREADY_PAUSED', 'the deployment is already paused', { deploymentId: dep.id });
  updateDeploymentSteps(d, dep, 'paused', { status: 'paused' }, c.reason ?? '');
}

/** Resuming restarts the current step's window: the time paused does not count toward its duration. */
export function resumeDeployment(d: Draft, c: C<'resumeDeployment'>): void {
  const dep = ownerAction(d, c.deploymentId, 'resume');
  if (dep.status !== 'paused') refuse('NOT_PAUSED', 'the deployment is not paused', { deploymentId: dep.id, status: dep.status });
  updateDeploymentSteps(d, dep, 'resumed', { status: 'running', stepStartedAt: d.now }, c.reason ?? '');
}

export function rollbackDeployment(d: Draft, c: C<'rollbackDeployment'>): void {
  const dep = ownerAction(d, c.deploymentId, 'roll back');
  rollbackDeploymentSteps(d, dep, { reason: c.reason || 'rolled back by an owner', automated: false });
}

export { findDeployment, requireActive };
