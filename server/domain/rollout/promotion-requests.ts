import { describeUnmet, unmetGates } from '../model-lifecycle';
import { refuseSelfApproval, requireApprover, requireOwner, requireScope } from './actor';
import type { TRolloutCommand } from './commands';
import { startDeploymentSteps } from './deployments';
import { promoteToProduction, refuseWhileDeploying, type Draft } from './lifecycle-steps';
import { refuse } from './refusal';
import { gateEvidenceOf, versionById, versionByNumber, type TRequestFacts } from './snapshot';

/*
 * Promotion requests: anyone who may write models asks for a staging version to go to
 * production; owners decide. Approval is four-eyes and carries the promotion out at once - or,
 * for a canary request, starts the canary that promotes when healthy.
 */

type C<K extends TRolloutCommand['kind']> = Extract<TRolloutCommand, { kind: K }>;

/** The evidence gates a request (and a deployment) must pass up front; approval is the one left open. */
export const EVIDENCE_GATES = ['complete', 'validation', 'benchmark'] as const;

function findRequest(d: Draft, requestId: string): TRequestFacts {
  const request = d.s.requests.find((r) => r.id === requestId);
  if (!request) refuse('NOT_FOUND', `no promotion request ${requestId}`, { requestId });
  return request;
}

/** A closed request: what the decider (or the requester) saw has changed since, as the request's status says. */
function requireOpen(r: TRequestFacts, tail = ', not open'): void {
  if (r.status !== 'requested') refuse('STALE_SNAPSHOT', `the request is ${r.status}${tail}`, { changed: 'request', status: r.status });
}

export function requestPromotion(d: Draft, c: C<'requestPromotion'>): void {
  const { s, actor } = d;
  requireScope(actor, 'model:write', 'request a promotion');
  const v = versionByNumber(s, c.version);
  if (!v) refuse('NOT_FOUND', `Model Version (name=${s.model.name}, version=${c.version}) not found`, { version: c.version });
  if (v.stage !== 'staging') {
    refuse('INVALID_TRANSITION', `version ${v.version} of ${s.model.name} is in ${v.stage}: only a staging version can be requested for production`, { from: v.stage, to: 'production', cause: 'promote', mlflowErrorCode: 'INVALID_STATE' });
  }
  refuseWhileDeploying(s, ' deciding production: request again once it has ended');
  const open = s.requests.find((r) => r.versionId === v.id && r.status === 'requested');
  if (open) refuse('REQUEST_ALREADY_OPEN', `version ${v.version} of ${s.model.name} already has an open promotion request (${open.id})`, { requestId: open.id });
  const unmet = unmetGates(EVIDENCE_GATES, gateEvidenceOf(s, v));
  if (unmet.length) {
    refuse('GATES_UNMET', `version ${v.version} of ${s.model.name} cannot be requested for production; unmet gates: ${describeUnmet(unmet)}`, { model: s.model.name, version: v.version, to: 'production', unmet, mlflowErrorCode: 'INVALID_STATE' });
  }
  const production = d.aliasTarget('production');
  const canary = c.canary ?? null;
  if (canary && !production) {
    refuse('NO_PRODUCTION', `model ${s.model.name} has no production version for a canary to compare against: request a direct promotion for its first version`, {});
  }
  const requestId = s.newIds.request;
  const comment = c.comment ?? '';
  d.push(
    {
      type: 'requestCreated',
      requestId,
      versionId: v.id,
      requestedById: actor.userId,
      requestedByLabel: actor.label,
      requestedAt: d.now,
      comment,
      evidence: v.evidenceMarker,
      replacesVersionId: production?.id ?? null,
      canary,
    },
    {
      type: 'audit',
      action: 'promotion.requested',
      subjectType: 'promotion_request',
      subjectId: requestId,
      after: { model: s.model.name, version: v.version, replaces: production?.version ?? null, comment, canary },
      reason: null,
    },
    { type: 'webhook', event: 'promotion.requested', data: { requestId, version: v.version, requestedBy: actor.label, comment, canary }, at: d.now },
  );
}

export function approvePromotion(d: Draft, c: C<'approvePromotion'>): void {
  const { s, actor } = d;
  requireScope(actor, 'model:approve', 'approve a promotion');
  const request = findRequest(d, c.requestId);
  refuseSelfApproval(actor, request.requestedById, 'the requester cannot approve their own promotion (four-eyes): another owner of the model approves it');
  // Admins pass this check on any model; four-eyes below still asks them for a reason.
  requireOwner(s, actor, 'approve a promotion');
  const override = requireApprover(s, actor, 'approve a promotion', request.requestedById, c.overrideReason);
  requireOpen(request, request.staleReason ? ` (${request.staleReason}): request the promotion again` : ': request the promotion again');
  const v = versionById(s, request.versionId);
  if (!v) refuse('NOT_FOUND', `the version of promotion request ${request.id} no longer exists`, { requestId: request.id });
  const production = d.aliasTarget('production');
  if ((production?.id ?? null) !== request.replacesVersionId) {
    refuse('STALE_SNAPSHOT', `production changed since the request was made (it is now ${production ? `version ${production.version}` : 'empty'}): request the promotion again`, { changed: 'production' });
  }
  if (v.evidenceMarker.lastValidationId !== request.evidence?.lastValidationId || v.evidenceMarker.lastBenchmarkId !== request.evidence?.lastBenchmarkId) {
    refuse('STALE_SNAPSHOT', 'the evidence changed since the request was made: request the promotion again', { changed: 'evidence' });
  }

  const approval = { approvedBy: actor.label, override };
  const comment = c.comment ?? '';
  d.closeRequest(request.id);
  d.push({ type: 'requestDecided', requestId: request.id, status: 'approved', decidedById: actor.userId, decidedByLabel: approval.approvedBy, decidedAt: d.now, comment, overrideReason: override });
  let outcome: { rollout: 'canary' | 'direct'; deploymentId: string | null; replaced: number | null };
  if (request.canary) {
    // The version stays in staging until the canary promotes it, carrying this approval.
    const deploymentId = startDeploymentSteps(d, {
      kind: 'startDeployment',
      version: v.version,
      strategy: 'canary',
      canary: request.canary,
      comment: `promotion request ${request.id} approved by ${approval.approvedBy}`,
    }, request.id);
    outcome = { rollout: 'canary', deploymentId, replaced: null };
  } else {
    const { replaced } = promoteToProduction(d, v, approval);
    outcome = { rollout: 'direct', deploymentId: null, replaced: replaced?.version ?? null };
  }
  d.push(
    {
      type: 'audit',
      action: override ? 'promotion.approved_by_override' : 'promotion.approved',
      subjectType: 'promotion_request',
      subjectId: request.id,
      before: { status: 'requested' },
      after: { status: 'approved', model: s.model.name, version: v.version, ...outcome, comment },
      reason: override,
    },
    {
      type: 'webhook',
      event: 'promotion.approved',
      data: { requestId: request.id, version: v.version, approvedBy: approval.approvedBy, override, comment, deploymentId: outcome.deploymentId },
      at: d.now,
    },
  );
}

export function rejectPromotion(d: Draft, c: C<'rejectPromotion'>): void {
  const { s, actor } = d;
  requireScope(actor, 'model:approve', 'reject a promotion');
  const comment = c.comment?.trim() ?? '';
  if (!comment) refuse('COMMENT_REQUIRED', 'a rejection needs a comment saying why', { field: 'comment' });
  const request = findRequest(d, c.requestId);
  requireOwner(s, actor, 'reject a promotion');
  requireOpen(request);
  const v = versionById(s, request.versionId);
  d.closeRequest(request.id);
  d.push(
    { type: 'requestDecided', requestId: request.id, status: 'rejected', decidedById: actor.userId, decidedByLabel: actor.label, decidedAt: d.now, comment, overrideReason: null },
    {
      type: 'audit',
      action: 'promotion.rejected',
      subjectType: 'promotion_request',
      subjectId: request.id,
      before: { status: 'requested' },
      after: { status: 'rejected', model: s.model.name, version: v?.version ?? null },
      reason: comment,
    },
    { type: 'webhook', event: 'promotion.rejected', data: { requestId: request.id, version: v?.version ?? null, rejectedBy: actor.label, comment }, at: d.now },
  );
}

/** The requester takes back an open request. */
export function withdrawPromotion(d: Draft, c: C<'withdrawPromotion'>): void {
  const { actor } = d;
  requireScope(actor, 'model:write', 'withdraw a promotion request');
  const request = findRequest(d, c.requestId);
  if (request.requestedById === null || request.requestedById !== actor.userId) refuse('NOT_REQUESTER', 'only the requester may withdraw a promotion request', { requestId: request.id });
  requireOpen(request);
  d.closeRequest(request.id);
  d.push(
    { type: 'requestDecided', requestId: request.id, status: 'withdrawn', decidedById: null, decidedByLabel: null, decidedAt: d.now, comment: null, overrideReason: null },
    { type: 'audit', action: 'promotion.withdrawn', subjectType: 'promotion_request', subjectId: request.id, before: { status: 'requested' }, after: { status: 'withdrawn' }, reason: null },
  );
}
