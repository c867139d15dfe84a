import type { TModelStage } from '../../contracts/model-registry';
import { checkTransition, describeUnmet, unmetGates, type TTransitionCause } from '../model-lifecycle';
import type { TRolloutActor } from './actor';
import type { TApproval, TRolloutEffect } from './effects';
import { refuse } from './refusal';
import { activeDeployment, gateEvidenceOf, type TRolloutSnapshot, type TVersionFacts } from './snapshot';

/*
 * The steps every lifecycle command is made of - a stage change, an alias move, stale requests -
 * each emitting its change with its audit event and webhook. A Draft tracks what the command has
 * changed so far, so a later step sees the earlier one (the alias just moved, the request just
 * decided), exactly as the same steps see their own writes inside one transaction.
 */

export class Draft {
  readonly effects: TRolloutEffect[] = [];
  private readonly aliases: Map<string, string>;
  private readonly stages = new Map<string, TModelStage>();
  private readonly closedRequests = new Set<string>();

  constructor(
    readonly s: TRolloutSnapshot,
    readonly actor: TRolloutActor,
  ) {
    this.aliases = new Map(s.aliases.map((a) => [a.alias, a.versionId]));
  }

  get now(): Date {
    return this.s.now;
  }

  push(...effects: TRolloutEffect[]): void {
    this.effects.push(...effects);
  }

  stageOf(v: TVersionFacts): TModelStage {
    return this.stages.get(v.id) ?? v.stage;
  }

  aliasTarget(alias: string): TVersionFacts | null {
    const id = this.aliases.get(alias);
    return id === undefined ? null : (this.s.versions.find((v) => v.id === id) ?? null);
  }

  aliasesOf(v: TVersionFacts): string[] {
    return [...this.aliases].filter(([, id]) => id === v.id).map(([alias]) => alias).sort();
  }

  closeRequest(id: string): void {
    this.closedRequests.add(id);
  }

  openRequestIds(where: (r: TRolloutSnapshot['requests'][number]) => boolean): string[] {
    return this.s.requests.filter((r) => r.status === 'requested' && !this.closedRequests.has(r.id) && where(r)).map((r) => r.id);
  }

  recordStage(v: TVersionFacts, to: TModelStage): void {
    this.stages.set(v.id, to);
  }

  recordAlias(alias: string, to: TVersionFacts | null): void {
    if (to) this.aliases.set(alias, to.id);
    else this.aliases.delete(alias);
  }
}

/**
 * A running deployment splits traffic between its stable and candidate versions and ends by
 * promoting over its stable one, so it alone decides production until it ends.
 */
export function refuseWhileDeploying(s: TRolloutSnapshot, tail: string, exceptDeploymentId?: string): void {
  const active = activeDeployment(s);
  if (!active || active.id === exceptDeploymentId) return;
  refuse('DEPLOYMENT_RUNNING', `model ${s.model.name} has a ${active.status} ${active.strategy.replace('_', ' ')} deployment (${active.id})${tail}`, {
    deploymentId: active.id,
    status: active.status,
    strategy: active.strategy,
    mlflowErrorCode: 'INVALID_STATE',
  });
}

/**
 * Moves a version through the lifecycle table: refused unless the transition exists for this
 * cause and its gates pass; production changes only through the running deployment, if any.
 */
export function changeStage(
  d: Draft,
  v: TVersionFacts,
  to: TModelStage,
  cause: TTransitionCause,
  opts: { approval?: TApproval | null; reason?: string | null; deploymentId?: string } = {},
): void {
  const s = d.s;
  const from = d.stageOf(v);
  if (to === 'production' || from === 'production') refuseWhileDeploying(s, ': promote or roll it back before changing production', opts.deploymentId);
  const check = checkTransition(from, to, cause);
  if (!check.ok) {
    refuse('INVALID_TRANSITION', `version ${v.version} of ${s.model.name} cannot move ${from} -> ${to}: ${check.reason}`, { from, to, cause, mlflowErrorCode: 'INVALID_STATE' });
  }
  if (check.gates.length) {
    const unmet = unmetGates(check.gates, gateEvidenceOf(s, v, opts.approval ?? null));
    if (unmet.length) {
      refuse('GATES_UNMET', `version ${v.version} of ${s.model.name} cannot move to ${to}; unmet gates: ${describeUnmet(unmet)}`, { model: s.model.name, version: v.version, to, unmet, mlflowErrorCode: 'INVALID_STATE' });
    }
  }
  const approval = opts.approval ?? null;
  d.recordStage(v, to);
  d.push(
    { type: 'stageChanged', versionId: v.id, version: v.version, from, to, cause, at: d.now, approval, reason: opts.reason ?? null },
    {
      type: 'audit',
      action: 'model_version.stage_changed',
      subjectType: 'model_version',
      subjectId: v.id,
      before: { model: s.model.name, version: v.version, stage: from },
      after: { model: s.model.name, version: v.version, stage: to, cause, ...(approval ? { approvedBy: approval.approvedBy } : {}) },
      reason: opts.reason ?? null,
    },
    { type: 'webhook', event: 'stage.changed', data: { version: v.version, from, to, cause, actor: d.actor.label }, at: d.now },
  );
}

/** Points an alias at a version (or removes it: null); nothing when it already points there. */
export function moveAlias(d: Draft, alias: string, to: TVersionFacts | null, cause: string): void {
  const from = d.aliasTarget(alias);
  if ((from?.id ?? null) === (to?.id ?? null)) return;
  const s = d.s;
  d.recordAlias(alias, to);
  d.push(
    { type: 'aliasMoved', alias, fromVersionId: from?.id ?? null, toVersionId: to?.id ?? null, fromVersion: from?.version ?? null, toVersion: to?.version ?? null, cause, at: d.now },
    {
      type: 'audit',
      action: 'model_alias.moved',
      subjectType: 'registered_model',
      subjectId: s.model.id,
      before: { model: s.model.name, alias, version: from?.version ?? null },
      after: { model: s.model.name, alias, version: to?.version ?? null, cause },
      reason: null,
    },
    { type: 'webhook', event: 'alias.moved', data: { alias, fromVersion: from?.version ?? null, toVersion: to?.version ?? null, cause }, at: d.now },
  );
}

/** Open requests on evidence that no longer holds become stale. */
export function staleOpenRequests(d: Draft, where: (r: TRolloutSnapshot['requests'][number]) => boolean, reason: string): void {
  const ids = d.openRequestIds(where);
  if (!ids.length) return;
  ids.forEach((id) => d.closeRequest(id));
  d.push({ type: 'requestsStaled', requestIds: ids, reason });
}

export function dropAliasesOf(d: Draft, v: TVersionFacts, cause: string): void {
  for (const alias of d.aliasesOf(v)) moveAlias(d, alias, null, cause);
}

/** Puts `v` in production (gates checked by the stage change), demoting and remembering the one it replaces. */
export function promoteToProduction(d: Draft, v: TVersionFacts, approval: TApproval, deploymentId?: string): { replaced: TVersionFacts | null } {
  const replaced = d.aliasTarget('production');
  changeStage(d, v, 'production', 'promote', { approval, reason: approval.override, deploymentId });
  if (replaced) {
    changeStage(d, replaced, 'staging', 'replaced', { deploymentId });
    moveAlias(d, 'previous', replaced, 'promotion');
  }
  moveAlias(d, 'production', v, 'promotion');
  staleOpenRequests(d, () => true, `version ${v.version} went to production`);
  return { replaced };
}
