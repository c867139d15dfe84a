/*
 * The behaviour the services' integration tests pin today (model-registry, promotion-canary,
 * deployments), restated against `decide`: each test names the rule and the old test it mirrors.
 */
import { describe, expect, it } from 'vitest';
import { allowedActions } from './allowed-actions';
import type { TRolloutActor } from './actor';
import type { TRolloutCommand } from './commands';
import { decide } from './decide';
import type { TRolloutEffect } from './effects';
import { nextGates } from './next-gates';
import type { TRolloutRefusal } from './refusal';
import { ACTORS, ADMIN_REASON, daysAgo, deployment, ENGINEER_SCOPES, NOW, request, snapshot, U, version } from './rollout-fixtures';
import { rolloutRevision, type TRolloutSnapshot } from './snapshot';

function refused(s: TRolloutSnapshot, c: TRolloutCommand, a: TRolloutActor): TRolloutRefusal {
  const d = decide(s, c, a);
  if (!('refusal' in d)) throw new Error(`expected a refusal, got ${d.effects.map((e) => e.type).join(', ')}`);
  return d.refusal;
}
function effects(s: TRolloutSnapshot, c: TRolloutCommand, a: TRolloutActor): TRolloutEffect[] {
  const d = decide(s, c, a);
  if ('refusal' in d) throw new Error(`expected effects, got ${d.refusal.code}: ${d.refusal.message}`);
  return d.effects;
}
const ofType = <T extends TRolloutEffect['type']>(list: TRolloutEffect[], type: T) => list.filter((e): e is Extract<TRolloutEffect, { type: T }> => e.type === type);

const engineer: TRolloutActor = { kind: 'user', userId: U.engineer, label: 'engineer@x', scopes: ENGINEER_SCOPES, isAdmin: false };
const { owner, requester, otherEngineer, admin, system } = ACTORS;

describe('gates (model-registry.int: gates and promotion)', () => {
  it('GATES_UNMET: to staging needs passing validation, listing the failed check', () => {
    const s = snapshot({ versions: [version(1, 'development', { validations: [{ name: 'holdout', metric: 'accuracy', comparator: '>=', threshold: 0.9, observed: 0.85, passed: false }] })], aliases: [] });
    const r = refused(s, { kind: 'changeStage', version: 1, to: 'staging' }, owner);
    expect(r).toMatchObject({ code: 'GATES_UNMET', message: expect.stringMatching(/validation: validation failed: holdout \(accuracy 0.85 not >= 0.9\)/) });
    expect(r.details).toEqual({ model: 'churn', version: 1, to: 'staging', unmet: [{ gate: 'validation', met: false, reason: expect.any(String) }], mlflowErrorCode: 'INVALID_STATE' });
  });

  it('GATES_UNMET: a production request with a benchmark over the SLA lists it', () => {
    const s = snapshot();
    const slow = { ...s, versions: s.versions.map((v) => (v.version === 3 ? { ...v, benchmark: { ...v.benchmark!, p99Ms: 250 } } : v)) };
    expect(refused(slow, { kind: 'requestPromotion', version: 3 }, engineer)).toMatchObject({ code: 'GATES_UNMET', message: expect.stringMatching(/benchmark: p99 250 ms breaks the realtime SLA \(p99 <= 100 ms\)/) });
  });

  it('GATES_UNMET: an incomplete version cannot leave development, naming the missing pieces', () => {
    const s = snapshot({ versions: [version(1, 'development', { complete: false, missing: ['onnx', 'metrics'] })], aliases: [] });
    expect(refused(s, { kind: 'changeStage', version: 1, to: 'staging' }, owner).message).toMatch(/missing onnx, metrics/);
  });

  it('REQUEST_ALREADY_OPEN: one open request per version', () => {
    const s = snapshot();
    const open = { ...s, requests: [request('r-1', s.versions[2]!)] };
    expect(refused(open, { kind: 'requestPromotion', version: 3 }, engineer)).toMatchObject({ code: 'REQUEST_ALREADY_OPEN', details: { requestId: 'r-1' } });
  });
});

describe('four-eyes (model-registry.int: four-eyes; checkApprover)', () => {
  const s0 = snapshot();
  const s = { ...s0, requests: [request('r-1', s0.versions[2]!)] };

  it('FOUR_EYES: the requester, even an owner, cannot approve', () => {
    expect(refused(s, { kind: 'approvePromotion', requestId: 'r-1' }, requester)).toEqual({ code: 'FOUR_EYES', message: expect.stringMatching(/four-eyes/), details: { adminOverride: false, minReasonLength: 10 } });
  });
  it('NOT_OWNER: a non-owner cannot approve or reject', () => {
    expect(refused(s, { kind: 'approvePromotion', requestId: 'r-1' }, otherEngineer)).toEqual({ code: 'NOT_OWNER', message: expect.stringMatching(/only an owner/), details: { model: 'churn', action: 'approve a promotion' } });
    expect(refused(s, { kind: 'rejectPromotion', requestId: 'r-1', comment: 'no' }, otherEngineer).code).toBe('NOT_OWNER');
  });
  it('ADMIN_REASON_REQUIRED: an admin approves only with a written reason, audited as an override', () => {
    expect(refused(s, { kind: 'approvePromotion', requestId: 'r-1' }, admin)).toEqual({ code: 'ADMIN_REASON_REQUIRED', message: expect.stringMatching(/written reason/), details: { field: 'overrideReason', minLength: 10 } });
    expect(refused(s, { kind: 'approvePromotion', requestId: 'r-1', overrideReason: 'too short' }, admin).code).toBe('ADMIN_REASON_REQUIRED');
    const audit = ofType(effects(s, { kind: 'approvePromotion', requestId: 'r-1', overrideReason: ADMIN_REASON }, admin), 'audit').find((a) => a.subjectType === 'promotion_request')!;
    expect(audit).toMatchObject({ action: 'promotion.approved_by_override', reason: ADMIN_REASON });
  });
  it('an admin who requested approves their own request only with a reason (FOUR_EYES names the override)', () => {
    const own = { ...s, requests: [request('r-1', s.versions[2]!, { requestedById: U.admin })] };
    expect(refused(own, { kind: 'approvePromotion', requestId: 'r-1' }, admin)).toEqual({ code: 'FOUR_EYES', message: expect.stringMatching(/written reason/), details: { adminOverride: true, minReasonLength: 10 } });
    expect(effects(own, { kind: 'approvePromotion', requestId: 'r-1', overrideReason: ADMIN_REASON }, admin)[0]).toMatchObject({ type: 'requestDecided', status: 'approved', overrideReason: ADMIN_REASON });
  });
  it('another owner approves: production moves, the replaced version becomes previous, other open requests go stale', () => {
    const two = { ...s, versions: [...s.versions, version(4, 'staging')], requests: [...s.requests, request('r-2', version(4, 'staging'))] };
    const out = effects(two, { kind: 'approvePromotion', requestId: 'r-1', comment: 'looks good' }, owner);
    expect(ofType(out, 'stageChanged').map((e) => [e.version, e.from, e.to, e.cause])).toEqual([
      [3, 'staging', 'production', 'promote'],
      [2, 'production', 'staging', 'replaced'],
    ]);
    expect(ofType(out, 'stageChanged')[0]!.approval).toEqual({ approvedBy: 'owner@x', override: null });
    expect(ofType(out, 'aliasMoved').map((e) => [e.alias, e.fromVersion, e.toVersion, e.cause])).toEqual([
      ['previous', 1, 2, 'promotion'],
      ['production', 2, 3, 'promotion'],
    ]);
    expect(ofType(out, 'requestsStaled')).toEqual([{ type: 'requestsStaled', requestIds: ['r-2'], reason: 'version 3 went to production' }]);
    expect(ofType(out, 'webhook').map((w) => w.event)).toEqual(['stage.changed', 'stage.changed', 'alias.moved', 'alias.moved', 'promotion.approved']);
  });
  it('PERSON_REQUIRED: the system cannot approve (checkApprover)', () => {
    const systemWithScope = { ...system, scopes: ['model:approve'], isAdmin: true };
    expect(refused(s, { kind: 'approvePromotion', requestId: 'r-1', overrideReason: ADMIN_REASON }, systemWithScope).code).toBe('PERSON_REQUIRED');
  });
});

describe('stale requests (model-registry.int: a request goes stale when its evidence changes)', () => {
  const s0 = snapshot();
  it('STALE_SNAPSHOT: evidence changed since the request', () => {
    const s = { ...s0, requests: [request('r-1', s0.versions[2]!, { evidence: { lastValidationId: 'val-3', lastBenchmarkId: 'bench-old' } })] };
    expect(refused(s, { kind: 'approvePromotion', requestId: 'r-1' }, owner)).toEqual({ code: 'STALE_SNAPSHOT', message: expect.stringMatching(/evidence changed/), details: { changed: 'evidence' } });
  });
  it('STALE_SNAPSHOT: production changed since the request', () => {
    const s = { ...s0, requests: [request('r-1', s0.versions[2]!, { replacesVersionId: 'v-1' })] };
    expect(refused(s, { kind: 'approvePromotion', requestId: 'r-1' }, owner)).toEqual({ code: 'STALE_SNAPSHOT', message: expect.stringMatching(/production changed since the request was made \(it is now version 2\)/), details: { changed: 'production' } });
  });
  it('STALE_SNAPSHOT: a closed request says what it is now (and why it went stale), as decide-promotion.ts does', () => {
    const s = { ...s0, requests: [request('r-1', s0.versions[2]!, { status: 'stale', staleReason: 'a new benchmark was recorded' })] };
    expect(refused(s, { kind: 'approvePromotion', requestId: 'r-1' }, owner)).toEqual({
      code: 'STALE_SNAPSHOT',
      message: 'the request is stale (a new benchmark was recorded): request the promotion again',
      details: { changed: 'request', status: 'stale' },
    });
    const withdrawn = { ...s0, requests: [request('r-1', s0.versions[2]!, { status: 'withdrawn', requestedById: U.requester })] };
    expect(refused(withdrawn, { kind: 'rejectPromotion', requestId: 'r-1', comment: 'no' }, owner)).toEqual({ code: 'STALE_SNAPSHOT', message: 'the request is withdrawn, not open', details: { changed: 'request', status: 'withdrawn' } });
    expect(refused(withdrawn, { kind: 'withdrawPromotion', requestId: 'r-1' }, requester)).toEqual({ code: 'STALE_SNAPSHOT', message: 'the request is withdrawn, not open', details: { changed: 'request', status: 'withdrawn' } });
  });
  it('STALE_SNAPSHOT: a command decided on an older revision of the model', () => {
    const s = { ...s0, requests: [request('r-1', s0.versions[2]!)] };
    const seen = rolloutRevision(s);
    expect(effects(s, { kind: 'rejectPromotion', requestId: 'r-1', comment: 'no', expectedRevision: seen }, owner)).toHaveLength(3);
    const moved = { ...s, requests: [request('r-1', s0.versions[2]!, { status: 'withdrawn' })] };
    expect(refused(moved, { kind: 'rejectPromotion', requestId: 'r-1', comment: 'no', expectedRevision: seen }, owner)).toMatchObject({ code: 'STALE_SNAPSHOT', details: { changed: 'revision', expectedRevision: seen } });
  });
  it('COMMENT_REQUIRED: a rejection needs a comment', () => {
    const s = { ...s0, requests: [request('r-1', s0.versions[2]!)] };
    expect(refused(s, { kind: 'rejectPromotion', requestId: 'r-1', comment: '  ' }, owner).code).toBe('COMMENT_REQUIRED');
    expect(effects(s, { kind: 'rejectPromotion', requestId: 'r-1', comment: 'latency on GPU not measured' }, owner)[0]).toMatchObject({ status: 'rejected', comment: 'latency on GPU not measured' });
  });
});

describe('canary requests (promotion-canary.int)', () => {
  const s0 = snapshot();
  const canary = { percent: 10, durationS: 3_600, autoPromote: true };

  it('the approval starts the canary; the version stays in staging; the audit names the rollout', () => {
    const s = { ...s0, requests: [request('r-1', s0.versions[2]!, { requestedById: U.engineer, canary })] };
    const out = effects(s, { kind: 'approvePromotion', requestId: 'r-1', comment: 'canary it' }, owner);
    expect(ofType(out, 'stageChanged')).toEqual([]);
    expect(ofType(out, 'deploymentCreated')).toEqual([
      expect.objectContaining({ deploymentId: 'd-new', strategy: 'canary', candidateWeight: 1_000, stepDurationS: 3_600, promotionRequestId: 'r-1', candidateVersionId: 'v-3', stableVersionId: 'v-2' }),
    ]);
    expect(ofType(out, 'audit').find((a) => a.action === 'promotion.approved')!.after).toMatchObject({ rollout: 'canary', deploymentId: 'd-new' });
  });

  it('NO_PRODUCTION: a canary needs a production version to compare against', () => {
    const s = snapshot({ versions: [version(1, 'staging')], aliases: [] });
    expect(refused(s, { kind: 'requestPromotion', version: 1, canary }, engineer)).toMatchObject({ code: 'NO_PRODUCTION', message: expect.stringMatching(/no production version for a canary.*direct promotion/) });
  });

  describe('while the canary runs, production changes only through it', () => {
    const approved = request('r-c', s0.versions[2]!, { status: 'approved', requestedById: U.requester, canary, decidedByLabel: 'owner@x' });
    const direct = request('r-d', version(4, 'staging'), { requestedById: U.engineer });
    const s: TRolloutSnapshot = {
      ...s0,
      versions: [...s0.versions, version(4, 'staging')],
      aliases: [...s0.aliases, { alias: 'canary', versionId: 'v-3' }],
      requests: [approved, direct],
      deployments: [deployment({ promotionRequest: { id: 'r-c', status: 'approved', requestedById: U.requester, decidedByLabel: 'owner@x', overrideReason: null } })],
    };
    it('DEPLOYMENT_RUNNING: a new request, a direct approval, a rollback, archiving production', () => {
      expect(refused(s, { kind: 'requestPromotion', version: 1 }, engineer)).toMatchObject({ code: 'DEPLOYMENT_RUNNING', message: expect.stringMatching(/deciding production: request again once it has ended/) });
      expect(refused(s, { kind: 'approvePromotion', requestId: 'r-d' }, owner)).toMatchObject({ code: 'DEPLOYMENT_RUNNING', message: expect.stringMatching(/has a running canary deployment .*: promote or roll it back before changing production/) });
      expect(refused(s, { kind: 'rollbackModel' }, owner).code).toBe('DEPLOYMENT_RUNNING');
      expect(refused(s, { kind: 'archiveVersion', version: 2, reason: 'retire' }, owner)).toMatchObject({ code: 'DEPLOYMENT_RUNNING', details: { deploymentId: 'd-1' } });
    });
    it('DEPLOYMENT_RUNNING: a second canary approval while one runs', () => {
      const second = { ...s, requests: [...s.requests, request('r-3', version(4, 'staging'), { requestedById: U.engineer, canary })] };
      expect(refused(second, { kind: 'approvePromotion', requestId: 'r-3' }, owner)).toMatchObject({ code: 'DEPLOYMENT_RUNNING', message: expect.stringMatching(/already has a running deployment/) });
    });
    it('FOUR_EYES: its requester cannot cut it short', () => {
      expect(refused(s, { kind: 'promoteDeployment', deploymentId: 'd-1' }, requester)).toMatchObject({ code: 'FOUR_EYES', message: expect.stringMatching(/you requested this rollout/) });
    });
    it('FOUR_EYES first: the engineer who requested the canary (owning nothing) hears four-eyes, and the Promote action is disabled with it (the Promote button bug)', () => {
      const byEngineer = { ...s, deployments: [deployment({ promotionRequest: { id: 'r-c', status: 'approved', requestedById: U.engineer, decidedByLabel: 'owner@x', overrideReason: null } })] };
      expect(refused(byEngineer, { kind: 'promoteDeployment', deploymentId: 'd-1' }, engineer)).toMatchObject({ code: 'FOUR_EYES', message: expect.stringMatching(/you requested this rollout/) });
      const promote = allowedActions(byEngineer, engineer).find((a) => a.key === 'deployment:d-1:promote');
      expect(promote).toMatchObject({ allowed: false, refusal: { code: 'FOUR_EYES' } });
      expect(promote!.allowedWithReason).toBeUndefined();
      // Another engineer who owns nothing and asked for nothing: the ownership rule.
      expect(refused(byEngineer, { kind: 'promoteDeployment', deploymentId: 'd-1' }, otherEngineer)).toMatchObject({ code: 'NOT_OWNER', message: 'only an owner of model churn may promote a deployment' });
    });
    it('FOUR_EYES first: an engineer approving their own request (owning nothing)', () => {
      const own = { ...s, deployments: [], requests: [request('r-e', s.versions[3]!, { requestedById: U.engineer })] };
      expect(refused(own, { kind: 'approvePromotion', requestId: 'r-e' }, engineer).code).toBe('FOUR_EYES');
    });
    it('another owner promotes it early, carrying the request\u2019s approval', () => {
      const out = effects(s, { kind: 'promoteDeployment', deploymentId: 'd-1' }, owner);
      expect(ofType(out, 'stageChanged')[0]).toMatchObject({ version: 3, to: 'production', approval: { approvedBy: 'owner@x (promotion request r-c); promoted early by owner@x' } });
      expect(ofType(out, 'aliasMoved').map((a) => a.alias)).toEqual(['previous', 'production', 'canary']);
      expect(ofType(out, 'requestsStaled')).toEqual([{ type: 'requestsStaled', requestIds: ['r-d'], reason: 'version 3 went to production' }]);
      expect(ofType(out, 'deploymentEnded')).toEqual([expect.objectContaining({ status: 'promoted', candidateWeight: 10_000, reason: 'promoted by an owner' })]);
    });
    it('the candidate\u2019s approval gate is met by the approval its canary carries (read-model-registry)', () => {
      expect(nextGates(s, s.versions[2]!)!.gates.find((g) => g.gate === 'approval')).toMatchObject({ met: true });
      expect(nextGates(s, s.versions[3]!)!.gates.find((g) => g.gate === 'approval')).toMatchObject({ met: false });
      expect(nextGates(s, s.versions[1]!)).toBeNull();
    });
  });
});

describe('deployments (deployments.int)', () => {
  const s = snapshot({ versions: [...snapshot().versions, version(4, 'development', { complete: false, missing: ['onnx'] }), version(5, 'archived')] });
  it('refuses archived (INVALID_TRANSITION) and incomplete (GATES_UNMET) versions, a bad split (INVALID_PLAN), non-owners', () => {
    expect(refused(s, { kind: 'startDeployment', version: 5, strategy: 'canary' }, owner)).toMatchObject({ code: 'INVALID_TRANSITION', message: expect.stringContaining('archived') });
    expect(refused(s, { kind: 'startDeployment', version: 4, strategy: 'canary' }, owner)).toMatchObject({ code: 'GATES_UNMET', message: expect.stringContaining('incomplete') });
    expect(refused(s, { kind: 'startDeployment', version: 3, strategy: 'ab_test', split: { a: 60, b: 30 } }, owner)).toMatchObject({ code: 'INVALID_PLAN', message: expect.stringContaining('sum to 100') });
    expect(refused(s, { kind: 'startDeployment', version: 3, strategy: 'canary' }, otherEngineer).code).toBe('NOT_OWNER');
  });
  it('DEPLOYMENT_RUNNING: one active deployment per model, naming it', () => {
    const busy = { ...s, deployments: [deployment({ id: 'd-9', candidateVersionId: 'v-1' })] };
    expect(refused(busy, { kind: 'startDeployment', version: 3, strategy: 'blue_green' }, owner)).toMatchObject({ code: 'DEPLOYMENT_RUNNING', message: expect.stringContaining('d-9') });
  });
  it('NO_PRODUCTION: canary and A/B need a production version; blue-green does not', () => {
    const first = snapshot({ versions: [version(1, 'staging')], aliases: [] });
    expect(refused(first, { kind: 'startDeployment', version: 1, strategy: 'ab_test' }, owner).code).toBe('NO_PRODUCTION');
    expect(ofType(effects(first, { kind: 'startDeployment', version: 1, strategy: 'blue_green' }, owner), 'deploymentCreated')[0]).toMatchObject({ candidateWeight: 0, stableVersionId: null });
  });
  it('the plan: canary steps in basis points, A/B at its share, default 5% for 24 h', () => {
    expect(ofType(effects(s, { kind: 'startDeployment', version: 3, strategy: 'canary', canary: { percent: 5, steps: [5, 25, 50], durationS: 600, autoPromote: true } }, owner), 'deploymentCreated')[0]).toMatchObject({ candidateWeight: 500, steps: [500, 2_500, 5_000], stepDurationS: 600 });
    expect(ofType(effects(s, { kind: 'startDeployment', version: 3, strategy: 'ab_test', split: { a: 70, b: 30 } }, owner), 'deploymentCreated')[0]).toMatchObject({ candidateWeight: 3_000, autoPromote: false, outcomeKind: 'binary' });
    expect(ofType(effects(s, { kind: 'startDeployment', version: 3, strategy: 'canary' }, owner), 'deploymentCreated')[0]).toMatchObject({ candidateWeight: 500, steps: [500], stepDurationS: 86_400, autoPromote: true });
  });

  const running = { ...s, aliases: [...s.aliases, { alias: 'canary', versionId: 'v-3' }], deployments: [deployment({ createdById: U.owner })] };
  it('FOUR_EYES: the owner who started it cannot promote it; a second owner does', () => {
    expect(refused(running, { kind: 'promoteDeployment', deploymentId: 'd-1' }, owner)).toMatchObject({ code: 'FOUR_EYES', message: expect.stringMatching(/you started this deployment: another owner/) });
    const out = effects(running, { kind: 'promoteDeployment', deploymentId: 'd-1', reason: 'looks good' }, requester);
    expect(ofType(out, 'audit').find((a) => a.action === 'deployment.promoted')!.after).toMatchObject({ approvedBy: 'requester@x', override: null, version: 3, replaced: 2 });
  });
  it('ALREADY_PAUSED / NOT_PAUSED; resuming restarts the step window', () => {
    const paused = { ...running, deployments: [deployment({ status: 'paused' })] };
    expect(refused(paused, { kind: 'pauseDeployment', deploymentId: 'd-1' }, owner).code).toBe('ALREADY_PAUSED');
    expect(refused(running, { kind: 'resumeDeployment', deploymentId: 'd-1' }, owner).code).toBe('NOT_PAUSED');
    expect(effects(paused, { kind: 'resumeDeployment', deploymentId: 'd-1' }, owner)[0]).toMatchObject({ type: 'deploymentUpdated', action: 'resumed', set: { status: 'running', stepStartedAt: NOW } });
  });
  it('DEPLOYMENT_NOT_ACTIVE: an ended deployment is not rolled back; STALE_SNAPSHOT when production moved under it', () => {
    const ended = { ...s, deployments: [deployment({ status: 'promoted' })] };
    expect(refused(ended, { kind: 'rollbackDeployment', deploymentId: 'd-1' }, owner).code).toBe('DEPLOYMENT_NOT_ACTIVE');
    const moved = { ...running, aliases: [{ alias: 'production', versionId: 'v-1' }] };
    expect(refused(moved, { kind: 'promoteDeployment', deploymentId: 'd-1' }, requester)).toEqual({ code: 'STALE_SNAPSHOT', message: expect.stringMatching(/no longer the version this deployment compared against/), details: { changed: 'deployment-baseline' } });
  });
});

describe('deployment evaluation (deployments.int: deployment evaluation)', () => {
  const approvedRequest = { id: 'r-c', status: 'approved' as const, requestedById: U.engineer, decidedByLabel: 'owner@x', overrideReason: null };
  const base = { ...snapshot(), aliases: [...snapshot().aliases, { alias: 'canary', versionId: 'v-3' }] };
  const at = (d: ReturnType<typeof deployment>, seconds: number): TRolloutSnapshot => ({ ...base, deployments: [d], now: new Date(d.stepStartedAt.getTime() + seconds * 1000) });
  const evaluate = (s: TRolloutSnapshot) => decide(s, { kind: 'evaluateDeployment', deploymentId: 'd-1' }, system);
  const healthy = { kind: 'canary' as const, candidate: { requests: 300, errors: 0, p99Ms: 20 }, stable: { requests: 1_000, errors: 2 } };

  it('a healthy canary from an approved request advances 5 -> 50 at its step end, then promotes carrying the approval', () => {
    const d = deployment({ steps: [500, 5_000], stepDurationS: 600, stepStartedAt: NOW, promotionRequest: approvedRequest, live: healthy });
    expect(evaluate(at(d, 60))).toMatchObject({ outcome: { action: 'continue' } });
    const advanced = evaluate(at(d, 601));
    expect(advanced).toMatchObject({ outcome: { action: 'advance', message: 'candidate at 50%' } });
    expect('effects' in advanced && advanced.effects[0]).toMatchObject({ type: 'deploymentUpdated', action: 'step_advanced', set: { stepIndex: 1, candidateWeight: 5_000 } });
    const second = deployment({ steps: [500, 5_000], stepIndex: 1, candidateWeight: 5_000, stepDurationS: 600, stepStartedAt: NOW, promotionRequest: approvedRequest, live: { ...healthy, candidate: { requests: 0, errors: 0, p99Ms: null } } });
    expect(evaluate(at(second, 601))).toMatchObject({ outcome: { action: 'continue', message: expect.stringContaining('waiting for 200') } });
    const promoted = evaluate(at({ ...second, live: healthy }, 601));
    expect(promoted).toMatchObject({ outcome: { action: 'promote' } });
    const audit = 'effects' in promoted ? ofType(promoted.effects, 'audit').find((a) => a.action === 'deployment.promoted') : null;
    expect(audit!.after).toMatchObject({ approvedBy: 'owner@x (promotion request r-c)' });
  });

  it('a healthy canary an owner started directly waits at its end for a second owner (four-eyes)', () => {
    const d = deployment({ stepDurationS: 600, stepStartedAt: NOW, live: healthy });
    const out = evaluate(at(d, 601));
    expect(out).toMatchObject({ outcome: { action: 'wait', message: expect.stringContaining('four-eyes') }, effects: [{ type: 'deploymentFiguresRecorded', reason: expect.stringContaining('an owner other than the one who started it') }] });
  });

  it('an error spike rolls back with reason, figures, alert and webhook; a latency breach too', () => {
    const spike = deployment({ stepStartedAt: NOW, live: { kind: 'canary', candidate: { requests: 250, errors: 8, p99Ms: 20 }, stable: { requests: 5_000, errors: 10 } } });
    const out = evaluate(at(spike, 30));
    expect(out).toMatchObject({ outcome: { action: 'rollback' } });
    const list = 'effects' in out ? out.effects : [];
    expect(ofType(list, 'deploymentEnded')[0]).toMatchObject({ status: 'rolled_back', candidateWeight: 0, reason: expect.stringContaining('error-rate'), figures: { candidateRequests: 250, candidateErrorRate: 8 / 250, stableErrorRate: 10 / 5000, errorRateThreshold: 0.01 } });
    expect(ofType(list, 'alert')).toHaveLength(1);
    expect(ofType(list, 'webhook').map((w) => w.event)).toEqual(['alias.moved', 'rollback']);
    expect(ofType(list, 'audit').map((a) => a.action)).toContain('deployment.rolled_back_automatically');
    const slow = deployment({ stepStartedAt: NOW, live: { kind: 'canary', candidate: { requests: 300, errors: 0, p99Ms: 250 }, stable: { requests: 0, errors: 0 } } });
    expect(evaluate(at(slow, 20))).toMatchObject({ outcome: { action: 'rollback', message: expect.stringContaining('SLA') } });
  });

  it('blue-green: ready on every live worker waits for a second owner; a failed check rolls back', () => {
    const bg = (live: Extract<NonNullable<ReturnType<typeof deployment>['live']>, { kind: 'blue_green' }>) => deployment({ strategy: 'blue_green', candidateWeight: 0, steps: [], stepStartedAt: NOW, live });
    expect(evaluate(at(bg({ kind: 'blue_green', liveWorkers: 2, candidateReady: 1, failed: null }), 5))).toMatchObject({ effects: [], outcome: { action: 'continue', message: expect.stringContaining('1 of 2') } });
    expect(evaluate(at(bg({ kind: 'blue_green', liveWorkers: 2, candidateReady: 2, failed: null }), 5))).toMatchObject({ outcome: { action: 'wait', message: expect.stringContaining('four-eyes') } });
    expect(evaluate(at(bg({ kind: 'blue_green', liveWorkers: 2, candidateReady: 1, failed: { worker: 'w1', failure: 'golden example 0 mismatch' } }), 5))).toMatchObject({
      outcome: { action: 'rollback', message: expect.stringContaining('failed its check') },
    });
  });

  it('A/B tests are never ended by the evaluator; NO_LIVE_FIGURES without figures', () => {
    expect(evaluate(at(deployment({ strategy: 'ab_test', live: null }), 5))).toEqual({ effects: [], outcome: { action: 'continue', message: expect.stringContaining('owner') } });
    expect(refused(at(deployment({ live: null }), 5), { kind: 'evaluateDeployment', deploymentId: 'd-1' }, system).code).toBe('NO_LIVE_FIGURES');
  });
});

describe('aliases, rollback, archival (model-registry.int)', () => {
  const s = snapshot();
  it('canary is owner-only; user-defined aliases are free; production cannot be set by hand', () => {
    expect(refused(s, { kind: 'setAlias', alias: 'canary', version: 3 }, otherEngineer).code).toBe('NOT_OWNER');
    expect(ofType(effects(s, { kind: 'setAlias', alias: 'canary', version: 3 }, owner), 'aliasMoved')).toHaveLength(1);
    expect(ofType(effects(s, { kind: 'setAlias', alias: 'champion', version: 3 }, otherEngineer), 'aliasMoved')[0]).toMatchObject({ alias: 'champion', toVersion: 3, cause: 'set' });
    expect(refused(s, { kind: 'setAlias', alias: 'production', version: 3 }, owner).code).toBe('RESERVED_ALIAS');
    // Pointing an alias where it already points changes nothing (moveAlias is a no-op then).
    const set = { ...s, aliases: [...s.aliases, { alias: 'champion', versionId: 'v-3' }] };
    expect(effects(set, { kind: 'setAlias', alias: 'champion', version: 3 }, owner)).toEqual([]);
  });
  it('rollback: non-owners refused; production back to previous; NO_PREVIOUS once previous is used', () => {
    expect(refused(s, { kind: 'rollbackModel' }, otherEngineer).code).toBe('NOT_OWNER');
    const out = effects(s, { kind: 'rollbackModel', reason: 'error rate doubled' }, requester);
    expect(ofType(out, 'stageChanged').map((e) => [e.version, e.to, e.cause])).toEqual([
      [2, 'staging', 'rollback'],
      [1, 'production', 'restore'],
    ]);
    expect(ofType(out, 'aliasMoved').map((e) => [e.alias, e.toVersion, e.cause])).toEqual([
      ['production', 1, 'rollback'],
      ['previous', null, 'rollback'],
    ]);
    const after = { ...s, aliases: [{ alias: 'production', versionId: 'v-1' }] };
    expect(refused(after, { kind: 'rollbackModel' }, owner)).toMatchObject({ code: 'NO_PREVIOUS', message: expect.stringMatching(/no previous/) });
    const neverServed = { ...s, versions: s.versions.map((v) => (v.version === 1 ? { ...v, enteredProductionAt: null } : v)) };
    expect(refused(neverServed, { kind: 'rollbackModel' }, owner).message).toMatch(/never served production/);
  });
  it('archival job: 89 days no, 90 days yes, never production, last served before left production', () => {
    const left = daysAgo(90);
    const at = (days: number, over = {}) => snapshot({ versions: [version(1, 'staging', { lastServedAt: null, leftProductionAt: left, ...over }), version(2, 'production', { lastServedAt: daysAgo(1000) })], now: new Date(left.getTime() + days * 86_400_000) });
    expect(refused(at(89), { kind: 'autoArchiveVersion', version: 1 }, system).code).toBe('NOT_ARCHIVABLE');
    expect(ofType(effects(at(90), { kind: 'autoArchiveVersion', version: 1 }, system), 'stageChanged')[0]).toMatchObject({ to: 'archived', cause: 'auto-archive', reason: expect.stringContaining('90 days') });
    expect(ofType(effects(at(90), { kind: 'autoArchiveVersion', version: 1 }, system), 'aliasMoved')[0]).toMatchObject({ alias: 'previous', toVersionId: null, cause: 'auto-archived' });
    expect(refused(at(1000), { kind: 'autoArchiveVersion', version: 2 }, system).code).toBe('NOT_ARCHIVABLE');
    expect(refused(at(200, { lastServedAt: new Date(left.getTime() + 150 * 86_400_000) }), { kind: 'autoArchiveVersion', version: 1 }, system).code).toBe('NOT_ARCHIVABLE');
  });
  it('an archived version never leaves archived', () => {
    const archived = snapshot({ versions: [version(1, 'archived')], aliases: [] });
    expect(refused(archived, { kind: 'changeStage', version: 1, to: 'staging' }, owner)).toMatchObject({ code: 'INVALID_TRANSITION', message: expect.stringMatching(/archived/) });
  });
  it('demoting stales the version\u2019s open request and drops its aliases', () => {
    const open = { ...s, requests: [request('r-1', s.versions[2]!)], aliases: [...s.aliases, { alias: 'champion', versionId: 'v-3' }] };
    const out = effects(open, { kind: 'changeStage', version: 3, to: 'development' }, owner);
    expect(ofType(out, 'requestsStaled')).toEqual([{ type: 'requestsStaled', requestIds: ['r-1'], reason: 'the version was demoted' }]);
    expect(ofType(out, 'aliasMoved').map((a) => a.alias)).toEqual(['champion']);
  });
});

describe('allowedActions: the catalogue a screen renders', () => {
  const s0 = snapshot();
  const s = { ...s0, requests: [request('r-1', s0.versions[2]!)] };
  it('lists the lifecycle table\u2019s steps by hand per version, the request actions, and the model rollback', () => {
    const keys = allowedActions(s, owner).map((a) => a.key);
    expect(keys).toEqual([
      'version:1:development',
      'version:1:request',
      'version:1:request-canary',
      'version:1:deploy',
      'version:1:archive',
      'version:2:archive',
      'version:3:development',
      'version:3:request',
      'version:3:request-canary',
      'version:3:deploy',
      'version:3:archive',
      'request:r-1:approve',
      'request:r-1:reject',
      'request:r-1:withdraw',
      'model:rollback',
    ]);
  });
  it('an admin sees approval as allowed with a written reason; the requester sees the four-eyes refusal', () => {
    expect(allowedActions(s, admin).find((a) => a.key === 'request:r-1:approve')).toMatchObject({ allowed: false, refusal: { code: 'ADMIN_REASON_REQUIRED' }, allowedWithReason: true });
    expect(allowedActions(s, requester).find((a) => a.key === 'request:r-1:approve')).toMatchObject({ allowed: false, refusal: { code: 'FOUR_EYES' } });
    expect(allowedActions(s, requester).find((a) => a.key === 'request:r-1:approve')!.allowedWithReason).toBeUndefined();
    expect(allowedActions(s, requester).find((a) => a.key === 'request:r-1:withdraw')).toMatchObject({ allowed: true });
    // v3 already has an open request.
    expect(allowedActions(s, owner).find((a) => a.key === 'version:3:request')).toMatchObject({ allowed: false, refusal: { code: 'REQUEST_ALREADY_OPEN' } });
  });
  it('the system sees its own steps; a deployment shows pause or resume by its status', () => {
    const running = { ...s0, deployments: [deployment()] };
    expect(allowedActions(running, system).filter((a) => a.allowed).map((a) => a.key)).toEqual(['deployment:d-1:evaluate']);
    expect(allowedActions(running, owner).filter((a) => a.key.startsWith('deployment:')).map((a) => [a.key, a.allowed])).toEqual([
      ['deployment:d-1:promote', true],
      ['deployment:d-1:pause', true],
      ['deployment:d-1:rollback', true],
    ]);
    const paused = { ...s0, deployments: [deployment({ status: 'paused' })] };
    expect(allowedActions(paused, owner).map((a) => a.key)).toContain('deployment:d-1:resume');
    // While it runs, the model rollback is disabled with the rule that says why.
    expect(allowedActions(running, owner).find((a) => a.key === 'model:rollback')).toMatchObject({ allowed: false, refusal: { code: 'DEPLOYMENT_RUNNING' } });
  });
});
