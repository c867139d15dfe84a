/*
 * Seeded property tests over random models: allowedActions and decide agree on every action;
 * and whatever decide allows keeps the lifecycle's invariants (only table transitions, gates met
 * on the way to production, four-eyes, one running deployment deciding production, no alias on
 * an archived version).
 */
import { describe, expect, it } from 'vitest';
import type { TModelStage } from '../../contracts/model-registry';
import type { TDeploymentStatus, TDeploymentStrategy } from '../../contracts/deployments';
import { ERROR_TABLE } from '../errors';
import { SLA_P99_LIMIT_MS, TRANSITIONS } from '../model-lifecycle';
import { seededRandom } from '../../synthetic/seeded-random';
import { allowedActions } from './allowed-actions';
import type { TRolloutActor } from './actor';
import { COMMAND_KINDS, type TRolloutCommand } from './commands';
import { decide } from './decide';
import type { TRolloutEffect } from './effects';
import { isRefusal, ROLLOUT_REFUSAL_CODES } from './refusal';
import { ACTOR_NAMES, ACTORS, ADMIN_REASON, daysAgo, deployment, NOW, request, U, version } from './rollout-fixtures';
import { activeDeployment, type TDeploymentFacts, type TRequestFacts, type TRolloutSnapshot, type TVersionFacts } from './snapshot';

type TRand = () => number;
const pick = <T>(r: TRand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: TRand, p: number) => r() < p;
const STAGES: TModelStage[] = ['development', 'staging', 'production', 'archived'];
const PEOPLE = [U.owner, U.requester, U.engineer, U.admin];

function randomVersion(r: TRand, n: number, stage: TModelStage): TVersionFacts {
  const complete = chance(r, 0.85);
  const validations = pick(r, [[], [{ name: 'holdout', metric: 'auc', comparator: '>=', threshold: 0.8, observed: 0.9, passed: true }], [{ name: 'holdout', metric: 'auc', comparator: '>=', threshold: 0.8, observed: 0.7, passed: false }]]);
  return version(n, stage, {
    complete,
    missing: complete ? [] : ['onnx'],
    validations: chance(r, 0.8) ? [{ name: 'holdout', metric: 'auc', comparator: '>=', threshold: 0.8, observed: 0.9, passed: true }] : validations,
    benchmark: chance(r, 0.15) ? null : { hardware: 'cpu', batchSize: 1, p50Ms: 5, p99Ms: pick(r, [20, 99, 250]), throughput: 10, measuredAt: '2026-05-01T00:00:00Z' },
    enteredProductionAt: stage === 'production' || chance(r, 0.4) ? daysAgo(Math.floor(r() * 200)) : null,
    leftProductionAt: chance(r, 0.4) ? daysAgo(Math.floor(r() * 200)) : null,
    lastServedAt: chance(r, 0.5) ? daysAgo(Math.floor(r() * 200)) : null,
  });
}

function randomSnapshot(r: TRand): TRolloutSnapshot {
  const count = 1 + Math.floor(r() * 5);
  let production = false;
  const versions = Array.from({ length: count }, (_, i) => {
    let stage = pick(r, STAGES);
    // A model has at most one production version.
    if (stage === 'production' && production) stage = 'staging';
    if (stage === 'production') production = true;
    return randomVersion(r, i + 1, stage);
  });
  const ofStage = (stage: TModelStage) => versions.filter((v) => v.stage === stage);
  const live = versions.filter((v) => v.stage !== 'archived');
  const aliases: { alias: string; versionId: string }[] = [];
  const prod = ofStage('production')[0];
  // The production alias and the production stage move together (promotion, rollback, archiving).
  if (prod) aliases.push({ alias: 'production', versionId: prod.id });
  if (ofStage('staging').length && chance(r, 0.5)) aliases.push({ alias: 'previous', versionId: pick(r, ofStage('staging')).id });
  if (live.length && chance(r, 0.4)) aliases.push({ alias: 'champion', versionId: pick(r, live).id });
  if (live.length && chance(r, 0.3)) aliases.push({ alias: 'canary', versionId: pick(r, live).id });

  const requests: TRequestFacts[] = [];
  for (const v of versions) {
    if (!chance(r, 0.4)) continue;
    const status = v.stage === 'staging' && chance(r, 0.7) ? 'requested' : pick(r, ['approved', 'rejected', 'withdrawn', 'stale'] as const);
    requests.push(
      request(`r-${v.version}`, v, {
        status,
        requestedById: pick(r, PEOPLE),
        evidence: chance(r, 0.85) ? { ...v.evidenceMarker } : { lastValidationId: 'old', lastBenchmarkId: 'old' },
        replacesVersionId: chance(r, 0.85) ? (aliases.find((a) => a.alias === 'production')?.versionId ?? null) : 'v-9',
        canary: chance(r, 0.4) ? { percent: 10, durationS: 600, autoPromote: chance(r, 0.7) } : null,
        decidedByLabel: status === 'approved' ? 'owner@x' : null,
      }),
    );
  }

  const deployments: TDeploymentFacts[] = [];
  const staging = ofStage('staging');
  if (staging.length && chance(r, 0.5)) {
    const strategy = pick(r, ['canary', 'canary', 'blue_green', 'ab_test'] as TDeploymentStrategy[]);
    const status = pick(r, ['running', 'running', 'paused', 'promoted', 'rolled_back'] as TDeploymentStatus[]);
    const candidate = pick(r, staging);
    const steps = strategy === 'canary' ? pick(r, [[500], [500, 5_000], [1_000, 2_500, 10_000]]) : [];
    const stepIndex = steps.length ? Math.floor(r() * steps.length) : 0;
    const carried = requests.find((q) => q.versionId === candidate.id && q.status === 'approved');
    deployments.push(
      deployment({
        strategy,
        status,
        candidateVersionId: candidate.id,
        stableVersionId: chance(r, 0.9) ? (aliases.find((a) => a.alias === 'production')?.versionId ?? null) : 'v-1',
        steps,
        stepIndex,
        candidateWeight: steps[stepIndex] ?? 0,
        stepDurationS: 600,
        stepStartedAt: new Date(NOW.getTime() - Math.floor(r() * 1_200) * 1000),
        autoPromote: chance(r, 0.7),
        createdById: pick(r, PEOPLE),
        promotionRequest: carried && chance(r, 0.8) ? { id: carried.id, status: 'approved', requestedById: carried.requestedById, decidedByLabel: 'owner@x', overrideReason: null } : null,
        live:
          strategy === 'blue_green'
            ? { kind: 'blue_green', liveWorkers: Math.floor(r() * 3), candidateReady: Math.floor(r() * 3), failed: chance(r, 0.2) ? { worker: 'w1', failure: null } : null }
            : chance(r, 0.95)
              ? { kind: 'canary', candidate: { requests: pick(r, [0, 150, 300, 2_000]), errors: pick(r, [0, 1, 40]), p99Ms: pick(r, [null, 20, 150]) }, stable: { requests: pick(r, [0, 5_000]), errors: pick(r, [0, 10]) } }
              : null,
      }),
    );
  }
  return {
    model: { id: 'm-1', name: 'churn', slaClass: pick(r, ['realtime', 'batch'] as const) },
    owners: [U.owner, U.requester],
    versions,
    aliases,
    requests,
    deployments,
    now: NOW,
    newIds: { request: 'r-new', deployment: 'd-new' },
  };
}

/** Commands beyond the catalogue: every kind, with ids that exist and ids that do not, reasons or none. */
function randomCommand(r: TRand, s: TRolloutSnapshot): TRolloutCommand {
  const kind = pick(r, COMMAND_KINDS);
  const v = 1 + Math.floor(r() * (s.versions.length + 1));
  const requestId = chance(r, 0.85) && s.requests.length ? pick(r, s.requests).id : 'r-missing';
  const deploymentId = chance(r, 0.85) && s.deployments.length ? pick(r, s.deployments).id : 'd-missing';
  const reason = chance(r, 0.5) ? ADMIN_REASON : undefined;
  switch (kind) {
    case 'requestPromotion':
      return { kind, version: v, canary: chance(r, 0.4) ? { percent: 5, durationS: 600, autoPromote: true } : null };
    case 'approvePromotion':
      return { kind, requestId, overrideReason: reason };
    case 'rejectPromotion':
      return { kind, requestId, comment: chance(r, 0.8) ? 'no' : '' };
    case 'withdrawPromotion':
      return { kind, requestId };
    case 'changeStage':
      return { kind, version: v, to: pick(r, STAGES) };
    case 'archiveVersion':
      return { kind, version: v, reason };
    case 'autoArchiveVersion':
      return { kind, version: v };
    case 'rollbackModel':
      return { kind, reason };
    case 'startDeployment':
      return { kind, version: v, strategy: pick(r, ['canary', 'blue_green', 'ab_test'] as const), split: chance(r, 0.3) ? { a: 60, b: 30 } : undefined };
    case 'promoteDeployment':
    case 'pauseDeployment':
    case 'resumeDeployment':
    case 'rollbackDeployment':
      return { kind, deploymentId, reason };
    case 'evaluateDeployment':
      return { kind, deploymentId };
    case 'setAlias':
      return { kind, alias: pick(r, ['canary', 'champion', 'production', 'previous', 'shadow']), version: v };
    case 'removeAlias':
      return { kind, alias: pick(r, ['canary', 'champion', 'production', 'shadow']) };
  }
}

// 20 groups of 50 consecutive seeds: 1,000 random models per property.
const SEEDS = Array.from({ length: 20 }, (_, i) => 1_000 + i * 50);

describe('allowedActions agrees with decide (property, seeded)', () => {
  it.each(SEEDS)('seed %i and the 49 after it: an action is allowed exactly when decide returns effects', (first) => {
    let actions = 0;
    for (let seed = first; seed < first + 50; seed++) {
      const r = seededRandom(seed);
      const s = randomSnapshot(r);
      for (const name of ACTOR_NAMES) {
        for (const action of allowedActions(s, ACTORS[name])) {
          const decision = decide(s, action.command, ACTORS[name]);
          expect(action.allowed, `seed ${seed}, ${name}, ${action.key}`).toBe(!isRefusal(decision));
          if (isRefusal(decision)) expect(action.refusal).toEqual(decision.refusal);
          if (action.allowedWithReason) expect(ACTORS[name].isAdmin).toBe(true);
          actions++;
        }
      }
    }
    expect(actions).toBeGreaterThan(0);
  });

  it('over all seeds, both allowed and refused actions occur, for owners and non-owners alike', () => {
    const seen = new Set<string>();
    for (let seed = 1_000; seed < 1_400; seed++) {
      const s = randomSnapshot(seededRandom(seed));
      for (const name of ['owner', 'otherEngineer', 'admin'] as const) for (const a of allowedActions(s, ACTORS[name])) seen.add(`${name}:${a.allowed}`);
    }
    expect([...seen].sort()).toEqual(['admin:false', 'admin:true', 'otherEngineer:false', 'otherEngineer:true', 'owner:false', 'owner:true']);
  });
});

/** Applies effects to the snapshot's stages and aliases, as the writer would. */
function project(s: TRolloutSnapshot, effects: readonly TRolloutEffect[]) {
  const stages = new Map(s.versions.map((v) => [v.id, v.stage]));
  const aliases = new Map(s.aliases.map((a) => [a.alias, a.versionId]));
  for (const e of effects) {
    if (e.type === 'stageChanged') {
      expect(stages.get(e.versionId), 'a stage change starts from the stage the version is in').toBe(e.from);
      stages.set(e.versionId, e.to);
    }
    if (e.type === 'aliasMoved') {
      expect(aliases.get(e.alias) ?? null).toBe(e.fromVersionId);
      if (e.toVersionId) aliases.set(e.alias, e.toVersionId);
      else aliases.delete(e.alias);
    }
  }
  return { stages, aliases };
}

function checkInvariants(s: TRolloutSnapshot, c: TRolloutCommand, actor: TRolloutActor, effects: readonly TRolloutEffect[]) {
  const byId = new Map(s.versions.map((v) => [v.id, v]));
  const { stages, aliases } = project(s, effects);
  for (const e of effects.filter((x): x is Extract<TRolloutEffect, { type: 'stageChanged' }> => x.type === 'stageChanged')) {
    expect(TRANSITIONS.some((t) => t.from === e.from && t.to === e.to && t.cause === e.cause), `${e.from} -> ${e.to} by ${e.cause} is in the table`).toBe(true);
    if (e.to === 'production' && e.cause === 'promote') {
      const v = byId.get(e.versionId)!;
      expect(v.complete && v.validations.length > 0 && v.validations.every((x) => x.passed) && v.benchmark !== null && v.benchmark.p99Ms <= SLA_P99_LIMIT_MS[s.model.slaClass]).toBe(true);
      expect(e.approval).not.toBeNull();
    }
  }
  // Every change carries its audit event.
  expect(effects.filter((e) => e.type === 'stageChanged' || e.type === 'aliasMoved').length).toBeLessThanOrEqual(effects.filter((e) => e.type === 'audit').length);
  // No alias points to an archived version after the command, for aliases it moved.
  for (const e of effects) if (e.type === 'aliasMoved' && e.toVersionId) expect(stages.get(e.toVersionId)).not.toBe('archived');
  for (const [alias, id] of aliases) if (effects.some((e) => e.type === 'stageChanged' && e.versionId === id && e.to === 'archived')) throw new Error(`alias ${alias} left on an archived version`);
  expect([...stages.values()].filter((x) => x === 'production').length, `${c.kind} by ${actor.label}: ${JSON.stringify(s.versions.map((v) => v.stage))} ${JSON.stringify(s.aliases)}`).toBeLessThanOrEqual(1);
  // A running deployment decides production: only its own promotion touches production.
  const active = activeDeployment(s);
  const ownsProduction = active && 'deploymentId' in c && c.deploymentId === active.id;
  if (active && !ownsProduction) expect(effects.some((e) => e.type === 'stageChanged' && (e.from === 'production' || e.to === 'production'))).toBe(false);
  // Four-eyes: a person never approves what they asked for, unless an admin with a reason.
  if (c.kind === 'approvePromotion' && !actor.isAdmin) expect(actor.userId).not.toBe(s.requests.find((q) => q.id === c.requestId)!.requestedById);
  if (c.kind === 'promoteDeployment' && !actor.isAdmin) {
    const d = s.deployments.find((x) => x.id === c.deploymentId)!;
    const asker = d.promotionRequest?.status === 'approved' ? d.promotionRequest.requestedById : d.createdById;
    expect(actor.userId).not.toBe(asker);
  }
  // Nothing changes the rollout for an actor who may neither write, approve nor deploy.
  if (actor.kind !== 'system') expect(actor.scopes.some((x) => x === 'model:write' || x === 'model:approve' || x === 'deployment:write')).toBe(true);
}

describe('what decide allows keeps the lifecycle invariants (property, seeded)', () => {
  it.each(SEEDS)('seed %i and the 49 after it: random commands by every actor', (first) => {
    let allowed = 0;
    for (let seed = first; seed < first + 50; seed++) {
      const r = seededRandom(seed);
      const s = randomSnapshot(r);
      for (let i = 0; i < 12; i++) {
        const c = randomCommand(r, s);
        const actor = ACTORS[pick(r, ACTOR_NAMES)];
        const decision = decide(s, c, actor);
        expect(decide(s, c, actor), 'decide is deterministic').toEqual(decision);
        if (isRefusal(decision)) {
          // A refusal is an error code of the contract, with its one HTTP status and tRPC code.
          expect(ROLLOUT_REFUSAL_CODES).toContain(decision.refusal.code);
          expect(ERROR_TABLE[decision.refusal.code], decision.refusal.code).toBeDefined();
          expect(decision.refusal.message.length).toBeGreaterThan(10);
        } else {
          checkInvariants(s, c, actor, decision.effects);
          allowed++;
        }
      }
    }
    // Random commands are mostly refused; enough must get through for the invariants to mean something.
    expect(allowed).toBeGreaterThan(20);
  });
});
