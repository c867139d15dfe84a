import { APPROVER_OVERRIDE_MIN_LENGTH, checkApprover } from '../model-lifecycle';
import { refuse } from './refusal';
import type { TRolloutSnapshot } from './snapshot';

/*
 * Who acts, as the rules see it. The caller resolves the principal: its effective scopes (from
 * the permission table, already cut down for a token to what its creator's role holds), whether
 * it is an admin, and the person it acts for. The domain never reads roles or token grants.
 */

export type TRolloutActor = {
  kind: 'user' | 'token' | 'system';
  /** The person acting (a token acts for its creator); null for the system. */
  userId: string | null;
  /** As audit events and approvals name it (an email, token:NAME, system:NAME). */
  label: string;
  scopes: readonly string[];
  isAdmin: boolean;
};

export const isOwnerOf = (s: TRolloutSnapshot, a: TRolloutActor) => a.userId !== null && s.owners.includes(a.userId);

export function requireScope(a: TRolloutActor, scope: string, action: string): void {
  if (!a.scopes.includes(scope)) refuse('SCOPE_MISSING', `to ${action} you need the ${scope} permission, which your credentials do not grant`, { scope });
}

/**
 * Owner actions (promote, demote, roll back, archive, decide, deploy): the model:approve scope,
 * and ownership of the model; admins act on any model (it is audited as theirs).
 */
export function requireOwner(s: TRolloutSnapshot, a: TRolloutActor, action: string): void {
  requireScope(a, 'model:approve', action);
  if (a.isAdmin || isOwnerOf(s, a)) return;
  refuse('NOT_OWNER', `only an owner of model ${s.model.name} may ${action}`, { model: s.model.name, action });
}

/**
 * Four-eyes (checkApprover in model-lifecycle.ts), refused with the rule it broke; `action` names
 * the step for a NOT_OWNER refusal. Returns the admin override reason (null when an owner
 * approves plainly). An admin who does not own the model hears that a written reason is needed.
 */
export function requireApprover(
  s: TRolloutSnapshot,
  a: TRolloutActor,
  action: string,
  requesterId: string | null,
  overrideReason: string | null | undefined,
  selfApproval?: string,
): string | null {
  const check = checkApprover({ approverId: a.userId, requesterId, isOwner: isOwnerOf(s, a), isAdmin: a.isAdmin, overrideReason, selfApproval });
  if (check.ok) return check.override;
  if (check.rule === 'NO_PERSON') refuse('PERSON_REQUIRED', check.reason, {});
  if (check.rule === 'FOUR_EYES') refuse('FOUR_EYES', check.reason, { adminOverride: check.adminOverride, minReasonLength: APPROVER_OVERRIDE_MIN_LENGTH });
  if (a.isAdmin) refuse('ADMIN_REASON_REQUIRED', check.reason, { field: 'overrideReason', minLength: APPROVER_OVERRIDE_MIN_LENGTH });
  refuse('NOT_OWNER', check.reason, { model: s.model.name, action });
}

/**
 * Four-eyes holds whoever the requester is: asked first, so the person who asked for a promotion
 * (or started a deployment) hears that rule - not "you are not an owner" - and learns that
 * another owner must act. Admins go on to requireApprover, which lets them override with a reason.
 */
export function refuseSelfApproval(a: TRolloutActor, requesterId: string | null, message: string): void {
  if (!a.isAdmin && a.userId !== null && a.userId === requesterId) refuse('FOUR_EYES', message, { adminOverride: false, minReasonLength: APPROVER_OVERRIDE_MIN_LENGTH });
}

export function requireSystem(a: TRolloutActor, action: string): void {
  if (a.kind !== 'system') refuse('SYSTEM_ONLY', `only the system ${action}`, {});
}
