import { ARCHIVE_AFTER_DAYS, isArchivable, type TTransitionCause } from '../model-lifecycle';
import { requireOwner, requireScope, requireSystem } from './actor';
import type { TRolloutCommand } from './commands';
import { changeStage, dropAliasesOf, moveAlias, refuseWhileDeploying, staleOpenRequests, type Draft } from './lifecycle-steps';
import { refuse } from './refusal';
import { versionByNumber, type TVersionFacts } from './snapshot';

/*
 * Owner steps on the lifecycle other than approval - promote to staging, demote to development,
 * archive, roll production back to `previous` - and the archival job's step.
 */

type C<K extends TRolloutCommand['kind']> = Extract<TRolloutCommand, { kind: K }>;

function findVersion(d: Draft, version: number): TVersionFacts {
  const v = versionByNumber(d.s, version);
  if (!v) refuse('NOT_FOUND', `Model Version (name=${d.s.model.name}, version=${version}) not found`, { version });
  return v;
}

/** The verb each owner step is refused with ("only an owner ... may promote a version"). */
const VERB: Record<string, string> = { staging: 'promote a version', development: 'demote a version', archived: 'archive a version', production: 'promote a version' };

/**
 * By hand: development -> staging (promote; gates complete and validation), staging ->
 * development (demote), -> archived. To production by hand meets the approval gate, which only
 * an approved request passes - so it is refused listing it.
 */
export function changeVersionStage(d: Draft, c: C<'changeStage'>): void {
  if (c.to === 'archived') return archiveVersion(d, { kind: 'archiveVersion', version: c.version, reason: c.reason });
  requireScope(d.actor, 'model:approve', VERB[c.to]!);
  const v = findVersion(d, c.version);
  requireOwner(d.s, d.actor, VERB[c.to]!);
  const cause: TTransitionCause = c.to === 'development' ? 'demote' : 'promote';
  changeStage(d, v, c.to, cause, { reason: c.reason ?? null });
  if (cause === 'demote') {
    // A version `previous` points to cannot be restored from development, so its aliases go.
    dropAliasesOf(d, v, 'demoted');
    staleOpenRequests(d, (r) => r.versionId === v.id, 'the version was demoted');
  }
}

/** Archiving keeps the version for audit; its aliases go so no worker loads it, its open requests go stale. */
function archiveSteps(d: Draft, v: TVersionFacts, cause: Extract<TTransitionCause, 'archive' | 'auto-archive'>, reason: string | null): void {
  changeStage(d, v, 'archived', cause, { reason });
  dropAliasesOf(d, v, cause === 'archive' ? 'archived' : 'auto-archived');
  staleOpenRequests(d, (r) => r.versionId === v.id, 'the version was archived');
}

export function archiveVersion(d: Draft, c: C<'archiveVersion'>): void {
  requireScope(d.actor, 'model:approve', 'archive a version');
  const v = findVersion(d, c.version);
  requireOwner(d.s, d.actor, 'archive a version');
  archiveSteps(d, v, 'archive', c.reason ?? null);
}

/** The archival job: a version not served for the archival period (isArchivable), re-checked on this snapshot. */
export function autoArchiveVersion(d: Draft, c: C<'autoArchiveVersion'>): void {
  requireSystem(d.actor, 'archives versions by age (the archival job)');
  const v = findVersion(d, c.version);
  const days = c.days ?? ARCHIVE_AFTER_DAYS;
  if (!isArchivable(v, d.now, days)) {
    refuse('NOT_ARCHIVABLE', `version ${v.version} of ${d.s.model.name} is ${v.stage === 'production' || v.stage === 'archived' ? `in ${v.stage}` : `not unserved for ${days} days`}; the archival job leaves it alone`, { stage: v.stage, days });
  }
  const last = v.lastServedAt ?? v.leftProductionAt;
  archiveSteps(d, v, 'auto-archive', `not served since ${last!.toISOString()} (${days} days)`);
}

/**
 * Production goes back to the version `previous` points to in one step: the current production
 * version returns to staging, the previous one is restored without re-running gates (it passed
 * them when first promoted), `production` moves back and `previous` is cleared.
 */
export function rollbackModel(d: Draft, c: C<'rollbackModel'>): void {
  const { s } = d;
  requireScope(d.actor, 'model:approve', 'roll back');
  requireOwner(s, d.actor, 'roll back');
  // A running deployment decides production: said first, it is the reason that matters.
  refuseWhileDeploying(s, ': promote or roll it back before changing production');
  const current = d.aliasTarget('production');
  const previous = d.aliasTarget('previous');
  if (!current) refuse('NO_PRODUCTION', `model ${s.model.name} has no production version to roll back`, { mlflowErrorCode: 'INVALID_STATE' });
  if (!previous) refuse('NO_PREVIOUS', `model ${s.model.name} has no previous version to roll back to`, { mlflowErrorCode: 'INVALID_STATE' });
  if (previous.enteredProductionAt === null) refuse('NO_PREVIOUS', `version ${previous.version} never served production; it cannot be restored by a rollback`, { version: previous.version });
  const reason = c.reason || null;
  changeStage(d, current, 'staging', 'rollback', { reason });
  changeStage(d, previous, 'production', 'restore', { reason });
  moveAlias(d, 'production', previous, 'rollback');
  moveAlias(d, 'previous', null, 'rollback');
  staleOpenRequests(d, () => true, 'production was rolled back');
  d.push(
    { type: 'audit', action: 'model.rolled_back', subjectType: 'registered_model', subjectId: s.model.id, before: { production: current.version }, after: { production: previous.version }, reason },
    { type: 'webhook', event: 'rollback', data: { fromVersion: current.version, toVersion: previous.version, reason: c.reason ?? '' }, at: d.now },
  );
}
