import { ADMIN_REASON_MIN_LENGTH } from '../model-administration';
import { checkApprover } from '../model-lifecycle';
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
  refuse('NOT_OWNER', `only an owner of model ${s.model.name} may ${action}`, { owners: s.owners.length });
}

/**
 * Four-eyes (checkApprover in model-lifecycle.ts), refused with the rule it broke. Returns the
 * admin override reason (null when an owner approves plainly).
 */
export function requireApprover(s: TRolloutSnapshot, a: TRolloutActor, requesterId: string | null, overrideReason: string | null | undefined, selfApproval?: string): string | null {
  const isRequester = requesterId !== null && a.userId === requesterId;
  const check = checkApprover({ approverId: a.userId, requesterId, isOwner: isOwnerOf(s, a), isAdmin: a.isAdmin, overrideReason, selfApproval });
  if (check.ok) return check.override;
  if (a.userId === null) refuse('PERSON_REQUIRED', check.reason);
  const override = a.isAdmin ? { adminOverride: { field: 'overrideReason', minLength: ADMIN_REASON_MIN_LENGTH } } : {};
  if (isRequester) refuse('FOUR_EYES', check.reason, { requesterId, ...override });
  if (a.isAdmin) refuse('ADMIN_REASON_REQUIRED', check.reason, override);
  refuse('NOT_OWNER', check.reason);
}

/**
 * Four-eyes holds whoever the requester is: asked first, so the person who asked for a promotion
 * (or started a deployment) hears that rule - not "you are not an owner" - and learns that
 * another owner must act. Admins go on to requireApprover, which lets them override with a reason.
 */
export function refuseSelfApproval(a: TRolloutActor, requesterId: string | null, message: string): void {
  if (!a.isAdmin && a.userId !== null && a.userId === requesterId) refuse('FOUR_EYES', message, { requesterId });
}

export function requireSystem(a: TRolloutActor, action: string): void {
  if (a.kind !== 'system') refuse('SYSTEM_ONLY', `only the system ${action}`);
}
