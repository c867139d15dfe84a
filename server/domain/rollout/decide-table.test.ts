/*
 * The acceptance table: every rollout command x every state of what it acts on (the version's
 * stage, the request's status, the deployment's status) x every actor kind. The expected answer
 * of each cell is written out below from the rules as the docs and the services state them -
 * who may act (AUTH), then what the state allows (STATE) - never read from the module.
 */
import { describe, expect, it } from 'vitest';
import type { TModelStage } from '../../contracts/model-registry';
import type { TDeploymentStatus } from '../../contracts/deployments';
import type { TRolloutCommand } from './commands';
import { decide } from './decide';
import type { TEffectType } from './effects';
import type { TRolloutRefusalCode } from './refusal';
import { ACTOR_NAMES, ACTORS, ADMIN_REASON, daysAgo, deployment, request, snapshot, U, version, type TActorName } from './rollout-fixtures';
import type { TRequestStatus, TRolloutSnapshot } from './snapshot';

type TExpected = TRolloutRefusalCode | TEffectType[];

function outcome(s: TRolloutSnapshot, c: TRolloutCommand, actor: TActorName): TRolloutRefusalCode | TEffectType[] {
  const d = decide(s, c, ACTORS[actor]);
  return 'refusal' in d ? d.refusal.code : d.effects.map((e) => e.type);
}

// ---- who may act --------------------------------------------------------------------------------

type TAuthRule = 'write' | 'owner' | 'system';
const pass = null;
/** First refusal from the actor alone (null: the actor may try; the state decides). */
const AUTH: Record<TAuthRule, Record<TActorName, TRolloutRefusalCode | null>> = {
  // model:write (request a promotion, a free alias)
  write: { owner: pass, requester: pass, otherEngineer: pass, engineerRequester: pass, viewer: 'SCOPE_MISSING', admin: pass, ingestToken: pass, workerToken: 'SCOPE_MISSING', adminToken: pass, system: 'SCOPE_MISSING' },
  // model:approve (and deployment:write) + ownership; admins act on any model (domain/rollout/actor.ts requireOwner)
  owner: { owner: pass, requester: pass, otherEngineer: 'NOT_OWNER', engineerRequester: 'NOT_OWNER', viewer: 'SCOPE_MISSING', admin: pass, ingestToken: 'SCOPE_MISSING', workerToken: 'SCOPE_MISSING', adminToken: pass, system: 'SCOPE_MISSING' },
  // the evaluator and the archival job
  system: { owner: 'SYSTEM_ONLY', requester: 'SYSTEM_ONLY', otherEngineer: 'SYSTEM_ONLY', engineerRequester: 'SYSTEM_ONLY', viewer: 'SYSTEM_ONLY', admin: 'SYSTEM_ONLY', ingestToken: 'SYSTEM_ONLY', workerToken: 'SYSTEM_ONLY', adminToken: 'SYSTEM_ONLY', system: pass },
};

const STAGE = ['stageChanged', 'audit', 'webhook'] as const;
const ALIAS = ['aliasMoved', 'audit', 'webhook'] as const;

// ---- version commands x the target's stage ------------------------------------------------------

/**
 * The world per stage of the target: v1 staging and `previous`, v2 production, the target v3 in
 * the stage (for production the target is v2 itself). The target carries the free alias
 * `champion` unless archived, and last served 100 days ago (archivable by age unless serving).
 */
function versionWorld(stage: TModelStage): { s: TRolloutSnapshot; target: number } {
  const old = { lastServedAt: daysAgo(100) };
  if (stage === 'production') {
    return {
      s: snapshot({
        versions: [version(1, 'staging', { enteredProductionAt: daysAgo(40), leftProductionAt: daysAgo(10), lastServedAt: daysAgo(10) }), version(2, 'production', old)],
        aliases: [{ alias: 'previous', versionId: 'v-1' }, { alias: 'production', versionId: 'v-2' }, { alias: 'champion', versionId: 'v-2' }],
      }),
      target: 2,
    };
  }
  const base = snapshot();
  return {
    s: snapshot({
      versions: [base.versions[0]!, base.versions[1]!, version(3, stage, old)],
      aliases: [...base.aliases, ...(stage === 'archived' ? [] : [{ alias: 'champion', versionId: 'v-3' }])],
    }),
    target: 3,
  };
}

type TVersionCase = { name: string; auth: TAuthRule; command: (target: number) => TRolloutCommand; state: Record<TModelStage, TExpected> };

const ROLLBACK_EFFECTS: TEffectType[] = [...STAGE, ...STAGE, ...ALIAS, ...ALIAS, 'audit', 'webhook'];

const VERSION_CASES: TVersionCase[] = [
  {
    name: 'requestPromotion: only a staging version can be requested (request-promotion.ts)',
    auth: 'write',
    command: (v) => ({ kind: 'requestPromotion', version: v, comment: 'please' }),
    state: { development: 'INVALID_TRANSITION', staging: ['requestCreated', 'audit', 'webhook'], production: 'INVALID_TRANSITION', archived: 'INVALID_TRANSITION' },
  },
  {
    name: 'requestPromotion with a canary: the same, a production version to compare against exists',
    auth: 'write',
    command: (v) => ({ kind: 'requestPromotion', version: v, canary: { percent: 10, durationS: 3_600, autoPromote: true } }),
    state: { development: 'INVALID_TRANSITION', staging: ['requestCreated', 'audit', 'webhook'], production: 'INVALID_TRANSITION', archived: 'INVALID_TRANSITION' },
  },
  {
    name: 'changeStage -> staging: development -> staging by promote (TRANSITIONS)',
    auth: 'owner',
    command: (v) => ({ kind: 'changeStage', version: v, to: 'staging' }),
    state: { development: [...STAGE], staging: 'INVALID_TRANSITION', production: 'INVALID_TRANSITION', archived: 'INVALID_TRANSITION' },
  },
  {
    name: 'changeStage -> development: staging -> development by demote, aliases dropped (change-version-stage.ts)',
    auth: 'owner',
    command: (v) => ({ kind: 'changeStage', version: v, to: 'development' }),
    state: { development: 'INVALID_TRANSITION', staging: [...STAGE, ...ALIAS], production: 'INVALID_TRANSITION', archived: 'INVALID_TRANSITION' },
  },
  {
    name: 'changeStage -> production by hand: the approval gate is unmet; only from staging',
    auth: 'owner',
    command: (v) => ({ kind: 'changeStage', version: v, to: 'production' }),
    state: { development: 'INVALID_TRANSITION', staging: 'GATES_UNMET', production: 'INVALID_TRANSITION', archived: 'INVALID_TRANSITION' },
  },
  {
    name: 'archiveVersion: any stage but archived, aliases dropped (archived never leaves archived)',
    auth: 'owner',
    command: (v) => ({ kind: 'archiveVersion', version: v, reason: 'retired' }),
    // production: its aliases champion and production both go
    state: { development: [...STAGE, ...ALIAS], staging: [...STAGE, ...ALIAS], production: [...STAGE, ...ALIAS, ...ALIAS], archived: 'INVALID_TRANSITION' },
  },
  {
    name: 'autoArchiveVersion: not served for 90 days, never production (isArchivable)',
    auth: 'system',
    command: (v) => ({ kind: 'autoArchiveVersion', version: v }),
    state: { development: [...STAGE, ...ALIAS], staging: [...STAGE, ...ALIAS], production: 'NOT_ARCHIVABLE', archived: 'NOT_ARCHIVABLE' },
  },
  {
    name: 'startDeployment: a staging candidate only (create-deployment.ts)',
    auth: 'owner',
    command: (v) => ({ kind: 'startDeployment', version: v, strategy: 'canary', canary: { percent: 10, durationS: 600, autoPromote: true } }),
    state: { development: 'INVALID_TRANSITION', staging: ['deploymentCreated', ...ALIAS, 'audit', 'webhook'], production: 'INVALID_TRANSITION', archived: 'INVALID_TRANSITION' },
  },
  {
    name: 'setAlias canary: owners only, never to an archived version (set-model-alias.ts)',
    auth: 'owner',
    command: (v) => ({ kind: 'setAlias', alias: 'canary', version: v }),
    state: { development: [...ALIAS], staging: [...ALIAS], production: [...ALIAS], archived: 'INVALID_TRANSITION' },
  },
  {
    name: 'setAlias challenger: free for model:write, never to an archived version',
    auth: 'write',
    command: (v) => ({ kind: 'setAlias', alias: 'challenger', version: v }),
    state: { development: [...ALIAS], staging: [...ALIAS], production: [...ALIAS], archived: 'INVALID_TRANSITION' },
  },
  {
    name: 'setAlias production: moves only through promotion and rollback (RESERVED_ALIAS before anything else)',
    auth: 'write',
    command: (v) => ({ kind: 'setAlias', alias: 'production', version: v }),
    state: { development: 'RESERVED_ALIAS', staging: 'RESERVED_ALIAS', production: 'RESERVED_ALIAS', archived: 'RESERVED_ALIAS' },
  },
  {
    name: 'removeAlias champion: free for model:write; absent on an archived version',
    auth: 'write',
    command: () => ({ kind: 'removeAlias', alias: 'champion' }),
    state: { development: [...ALIAS], staging: [...ALIAS], production: [...ALIAS], archived: 'NOT_FOUND' },
  },
  {
    name: 'rollbackModel: production back to previous in one step, whatever the other versions',
    auth: 'owner',
    command: () => ({ kind: 'rollbackModel', reason: 'error rate doubled' }),
    state: { development: ROLLBACK_EFFECTS, staging: ROLLBACK_EFFECTS, production: ROLLBACK_EFFECTS, archived: ROLLBACK_EFFECTS },
  },
];

const STAGES: TModelStage[] = ['development', 'staging', 'production', 'archived'];

describe('version commands x stage x actor', () => {
  for (const vc of VERSION_CASES) {
    describe(vc.name, () => {
      const cells = STAGES.flatMap((stage) => ACTOR_NAMES.map((actor) => [stage, actor] as const));
      it.each(cells)('%s, as %s', (stage, actor) => {
        const { s, target } = versionWorld(stage);
        // Reserved aliases are refused on input before who acts is looked at.
        const inputFirst = vc.state.development === 'RESERVED_ALIAS' && AUTH[vc.auth][actor] !== 'SCOPE_MISSING';
        const expected = inputFirst ? 'RESERVED_ALIAS' : (AUTH[vc.auth][actor] ?? vc.state[stage]);
        expect(outcome(s, vc.command(target), actor)).toEqual(expected);
      });
    });
  }
});

// ---- request commands x the request's status ----------------------------------------------------

const REQUEST_STATUSES: TRequestStatus[] = ['requested', 'approved', 'rejected', 'withdrawn', 'stale'];

/** Who asked: the requester (an owner of the model) or an engineer who owns nothing. */
type TAsker = 'requester' | 'engineerRequester';
const ASKERS: TAsker[] = ['requester', 'engineerRequester'];

/** v3 staging has request r-1 by the asker, made on today's evidence over production v2. */
function requestWorld(status: TRequestStatus, asker: TAsker): TRolloutSnapshot {
  const base = snapshot();
  return { ...base, requests: [request('r-1', base.versions[2]!, { status, requestedById: ACTORS[asker].userId, staleReason: status === 'stale' ? 'new benchmark' : null })] };
}

const APPROVE_DIRECT: TEffectType[] = ['requestDecided', ...STAGE, ...STAGE, ...ALIAS, ...ALIAS, 'audit', 'webhook'];

// Approval: model:approve, ownership (admins pass), then four-eyes (checkApprover), then the request's status.
const APPROVE_AUTH: Record<TActorName, TRolloutRefusalCode | null> = {
  owner: pass,
  requester: 'FOUR_EYES',
  otherEngineer: 'NOT_OWNER',
  engineerRequester: 'NOT_OWNER',
  viewer: 'SCOPE_MISSING',
  admin: 'ADMIN_REASON_REQUIRED',
  ingestToken: 'SCOPE_MISSING',
  workerToken: 'SCOPE_MISSING',
  adminToken: 'ADMIN_REASON_REQUIRED',
  system: 'SCOPE_MISSING',
};
// Withdrawal: model:write, then only the requester (the CI token acts for the requester).
const WITHDRAW_AUTH: Record<TActorName, TRolloutRefusalCode | null> = {
  owner: 'NOT_REQUESTER',
  requester: pass,
  otherEngineer: 'NOT_REQUESTER',
  engineerRequester: 'NOT_REQUESTER',
  viewer: 'SCOPE_MISSING',
  admin: 'NOT_REQUESTER',
  ingestToken: pass,
  workerToken: 'SCOPE_MISSING',
  adminToken: 'NOT_REQUESTER',
  system: 'SCOPE_MISSING',
};
const REJECT_AUTH = AUTH.owner;

/**
 * When the engineer asked instead: four-eyes is asked before ownership, so they hear FOUR_EYES
 * (not NOT_OWNER) on approval, and the owner-requester is just another owner; only the engineer
 * withdraws (the CI token acts for the owner-requester, who did not ask).
 */
const BY_ENGINEER: Record<'approve' | 'withdraw', Partial<Record<TActorName, TRolloutRefusalCode | null>>> = {
  approve: { requester: pass, engineerRequester: 'FOUR_EYES' },
  withdraw: { requester: 'NOT_REQUESTER', ingestToken: 'NOT_REQUESTER', engineerRequester: pass },
};

const REQUEST_CASES: { name: string; command: TRolloutCommand; auth: Record<TActorName, TRolloutRefusalCode | null>; byEngineer?: Partial<Record<TActorName, TRolloutRefusalCode | null>>; open: TEffectType[] }[] = [
  { name: 'approvePromotion: four-eyes, then open only; a direct approval promotes at once (decide-promotion.ts)', command: { kind: 'approvePromotion', requestId: 'r-1', comment: 'ok' }, auth: APPROVE_AUTH, byEngineer: BY_ENGINEER.approve, open: APPROVE_DIRECT },
  {
    name: 'approvePromotion with an admin reason: the admin override of four-eyes and ownership',
    command: { kind: 'approvePromotion', requestId: 'r-1', overrideReason: ADMIN_REASON },
    auth: { ...APPROVE_AUTH, admin: pass, adminToken: pass },
    byEngineer: BY_ENGINEER.approve,
    open: APPROVE_DIRECT,
  },
  { name: 'rejectPromotion: owners (any owner, the requester too), open only', command: { kind: 'rejectPromotion', requestId: 'r-1', comment: 'latency on GPU not measured' }, auth: REJECT_AUTH, open: ['requestDecided', 'audit', 'webhook'] },
  { name: 'withdrawPromotion: the requester only, open only', command: { kind: 'withdrawPromotion', requestId: 'r-1' }, auth: WITHDRAW_AUTH, byEngineer: BY_ENGINEER.withdraw, open: ['requestDecided', 'audit'] },
];

describe('request commands x request status x actor', () => {
  for (const rc of REQUEST_CASES) {
    describe(rc.name, () => {
      const cells = ASKERS.flatMap((asker) => REQUEST_STATUSES.flatMap((status) => ACTOR_NAMES.map((actor) => [asker, status, actor] as const)));
      it.each(cells)('asked by %s, %s, as %s', (asker, status, actor) => {
        const auth = asker === 'engineerRequester' && rc.byEngineer && actor in rc.byEngineer ? rc.byEngineer[actor]! : rc.auth[actor];
        const expected = auth ?? (status === 'requested' ? rc.open : 'STALE_SNAPSHOT');
        expect(outcome(requestWorld(status, asker), rc.command, actor)).toEqual(expected);
      });
    });
  }
});

// ---- deployment commands x the deployment's status ----------------------------------------------

const DEPLOYMENT_STATUSES: TDeploymentStatus[] = ['running', 'paused', 'promoted', 'rolled_back'];

/**
 * Canary d-1 of v3 over production v2. Asked by the requester (an owner): they started it, with no
 * approved request. Asked by the engineer: it carries their request, approved by the owner (whose
 * approval started it).
 */
function deploymentWorld(status: TDeploymentStatus, asker: TAsker): TRolloutSnapshot {
  const active = status === 'running' || status === 'paused';
  const base = snapshot();
  const carried = asker === 'engineerRequester' ? { createdById: U.owner, promotionRequest: { id: 'r-1', status: 'approved' as const, requestedById: U.engineer, decidedByLabel: 'owner@x', overrideReason: null } } : {};
  return { ...base, aliases: [...base.aliases, ...(active ? [{ alias: 'canary', versionId: 'v-3' }] : [])], deployments: [deployment({ status, ...carried })] };
}

const PROMOTE_EFFECTS: TEffectType[] = [...STAGE, ...STAGE, ...ALIAS, ...ALIAS, ...ALIAS, 'deploymentEnded', 'audit', 'webhook'];
// Promote: deployment:write, ownership, still active, then four-eyes against the one who started it.
const PROMOTE_FOUR_EYES: Record<TActorName, TRolloutRefusalCode | null> = {
  owner: pass,
  requester: 'FOUR_EYES',
  otherEngineer: pass,
  engineerRequester: pass,
  viewer: pass,
  admin: 'ADMIN_REASON_REQUIRED',
  ingestToken: pass,
  workerToken: pass,
  adminToken: 'ADMIN_REASON_REQUIRED',
  system: pass,
};

/**
 * Four-eyes is asked before ownership and state: whoever asked for the rollout hears that rule
 * first (the CI token acts for the requester, but lacks deployment:write, so its scope refusal comes first).
 */
const SELF_FIRST: Record<TAsker, Partial<Record<TActorName, TRolloutRefusalCode>>> = { requester: { requester: 'FOUR_EYES' }, engineerRequester: { engineerRequester: 'FOUR_EYES' } };
/** With the engineer's approved request behind it, the owner-requester did not ask: just another owner. */
const PROMOTE_BY_ENGINEER: Partial<Record<TActorName, TRolloutRefusalCode | null>> = { requester: pass };

const DEPLOYMENT_CASES: { name: string; command: TRolloutCommand; auth: TAuthRule; first?: Record<TAsker, Partial<Record<TActorName, TRolloutRefusalCode>>>; afterActiveByEngineer?: Partial<Record<TActorName, TRolloutRefusalCode | null>>; afterActive?: Partial<Record<TActorName, TRolloutRefusalCode | null>>; state: Record<'running' | 'paused', TExpected> }[] = [
  {
    name: 'promoteDeployment: four-eyes against whoever started it (deployment-core.ts deploymentApproval)',
    command: { kind: 'promoteDeployment', deploymentId: 'd-1' },
    auth: 'owner',
    first: SELF_FIRST,
    afterActiveByEngineer: PROMOTE_BY_ENGINEER,
    afterActive: PROMOTE_FOUR_EYES,
    state: { running: PROMOTE_EFFECTS, paused: PROMOTE_EFFECTS },
  },
  {
    name: 'promoteDeployment with an admin reason (10+ characters): the override',
    command: { kind: 'promoteDeployment', deploymentId: 'd-1', reason: ADMIN_REASON },
    auth: 'owner',
    first: SELF_FIRST,
    afterActiveByEngineer: PROMOTE_BY_ENGINEER,
    afterActive: { ...PROMOTE_FOUR_EYES, admin: pass, adminToken: pass },
    state: { running: PROMOTE_EFFECTS, paused: PROMOTE_EFFECTS },
  },
  { name: 'pauseDeployment: a running one', command: { kind: 'pauseDeployment', deploymentId: 'd-1', reason: 'weekend' }, auth: 'owner', state: { running: ['deploymentUpdated', 'audit', 'webhook'], paused: 'ALREADY_PAUSED' } },
  { name: 'resumeDeployment: a paused one', command: { kind: 'resumeDeployment', deploymentId: 'd-1' }, auth: 'owner', state: { running: 'NOT_PAUSED', paused: ['deploymentUpdated', 'audit', 'webhook'] } },
  { name: 'rollbackDeployment: traffic leaves the candidate, the canary alias goes', command: { kind: 'rollbackDeployment', deploymentId: 'd-1' }, auth: 'owner', state: { running: [...ALIAS, 'deploymentEnded', 'audit', 'webhook'], paused: [...ALIAS, 'deploymentEnded', 'audit', 'webhook'] } },
  { name: 'evaluateDeployment: the evaluator only; a healthy canary mid-window goes on', command: { kind: 'evaluateDeployment', deploymentId: 'd-1' }, auth: 'system', state: { running: ['deploymentFiguresRecorded'], paused: ['deploymentFiguresRecorded'] } },
];

describe('deployment commands x deployment status x actor', () => {
  for (const dc of DEPLOYMENT_CASES) {
    describe(dc.name, () => {
      const cells = ASKERS.flatMap((asker) => DEPLOYMENT_STATUSES.flatMap((status) => ACTOR_NAMES.map((actor) => [asker, status, actor] as const)));
      it.each(cells)('asked by %s, %s, as %s', (asker, status, actor) => {
        const active = status === 'running' || status === 'paused';
        const byEngineer = asker === 'engineerRequester' && dc.afterActiveByEngineer && actor in dc.afterActiveByEngineer;
        const afterActive = byEngineer ? dc.afterActiveByEngineer![actor] : dc.afterActive?.[actor];
        const expected = dc.first?.[asker][actor] ?? AUTH[dc.auth][actor] ?? (!active ? 'DEPLOYMENT_NOT_ACTIVE' : (afterActive ?? dc.state[status as 'running' | 'paused']));
        expect(outcome(deploymentWorld(status, asker), dc.command, actor)).toEqual(expected);
      });
    });
  }
});

describe('the table covers every command', () => {
  it('each command kind appears in some table', () => {
    const kinds = new Set([
      ...VERSION_CASES.map((c) => c.command(3).kind),
      ...REQUEST_CASES.map((c) => c.command.kind),
      ...DEPLOYMENT_CASES.map((c) => c.command.kind),
    ]);
    expect([...kinds].sort()).toEqual(
      [
        'approvePromotion',
        'archiveVersion',
        'autoArchiveVersion',
        'changeStage',
        'evaluateDeployment',
        'pauseDeployment',
        'promoteDeployment',
        'rejectPromotion',
        'removeAlias',
        'requestPromotion',
        'resumeDeployment',
        'rollbackDeployment',
        'rollbackModel',
        'setAlias',
        'startDeployment',
        'withdrawPromotion',
      ].sort(),
    );
  });
});
