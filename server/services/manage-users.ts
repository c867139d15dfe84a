import { hashPassword } from '../auth/password';
import { assertAcceptablePassword } from '../auth/password-policy';
import {
  ZResetUserPasswordInput,
  ZUpdateUserInput,
  type TResetUserPasswordInput,
  type TUpdateUserInput,
} from '../contracts/users';
import type { Tx } from '../db/client';
import { DomainError, parseInput, refusal as refusalError } from '../domain/errors';
import { decideUserChange, type TUserState } from '../domain/user-administration';
import type { ServiceContext } from './service-context';
import { recordAuditEvent } from '../records/record-audit-event';

export interface TUserView {
  id: string;
  email: string;
  role: TUserState['role'];
  disabledAt: Date | null;
}

// Role and status changes serialize on one lock, so two admins demoting each other at once cannot
// both see "another admin remains" and leave none.
async function lockAdminSet(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('users:active-admins'))`;
}

async function loadUser(tx: Tx, userId: string) {
  const user = await tx.user.findUnique({ where: { id: userId } });
  if (!user) throw new DomainError('NOT_FOUND', `no user with id ${userId}`);
  return user;
}

/**
 * Changes a user's role and/or disables or re-enables them (admins: user:manage). The change and
 * its audit event commit together; a change that would leave no active admin is a 409. A disabled
 * user's sessions and tokens stop at once (resolve-principal and authenticate-api-token read the
 * row on every request); an unchanged field writes nothing.
 */
export async function updateUser(ctx: ServiceContext, raw: TUpdateUserInput): Promise<TUserView> {
  const input = parseInput(ZUpdateUserInput, raw);
  const now = ctx.now?.() ?? new Date();
  return ctx.db.$transaction(async (tx) => {
    await lockAdminSet(tx);
    const user = await loadUser(tx, input.userId);
    const current: TUserState = { role: user.role, active: !user.disabledAt };
    const next: TUserState = { role: input.role ?? current.role, active: input.disabled === undefined ? current.active : !input.disabled };
    const otherActiveAdmins = await tx.user.count({ where: { role: 'admin', disabledAt: null, id: { not: user.id } } });
    const refusal = decideUserChange({ current, next, otherActiveAdmins });
    if (refusal) throw refusalError(refusal.rule, refusal.message, { rule: refusal.rule });
    const view = (u: typeof user): TUserView => ({ id: u.id, email: u.email, role: u.role, disabledAt: u.disabledAt });
    if (next.role === current.role && next.active === current.active) return view(user);
    const updated = await tx.user.update({
      where: { id: user.id },
      data: { role: next.role, ...(next.active === current.active ? {} : { disabledAt: next.active ? null : now }) },
    });
    if (next.role !== current.role) {
      await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
        action: 'user.role_changed',
        subjectType: 'user',
        subjectId: user.id,
        before: { email: user.email, role: current.role },
        after: { email: user.email, role: next.role },
        reason: input.reason,
      });
    }
    if (next.active !== current.active) {
      await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
        action: next.active ? 'user.enabled' : 'user.disabled',
        subjectType: 'user',
        subjectId: user.id,
        before: { email: user.email, disabledAt: user.disabledAt },
        after: { email: user.email, disabledAt: updated.disabledAt },
        reason: input.reason,
      });
    }
    return view(updated);
  });
}

/**
 * Sets a new password for a user (admins: user:manage), held to the password policy. Sessions
 * signed in before the reset stop working (a reset usually follows a leak); API tokens are
 * separate credentials and stay (revoke them on the tokens page if they leaked too).
 */
export async function resetUserPassword(ctx: ServiceContext, raw: TResetUserPasswordInput): Promise<{ id: string; email: string }> {
  const input = parseInput(ZResetUserPasswordInput, raw);
  assertAcceptablePassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const now = ctx.now?.() ?? new Date();
  return ctx.db.$transaction(async (tx) => {
    const user = await loadUser(tx, input.userId);
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, sessionsValidAfter: now } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'user.password_reset',
      subjectType: 'user',
      subjectId: user.id,
      after: { email: user.email, sessionsValidAfter: now },
    });
    return { id: user.id, email: user.email };
  });
}
