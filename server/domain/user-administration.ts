import type { TRoleName } from '../contracts/users';

/**
 * People administration, as one rule: a change to a user's role or status must leave at least
 * one active admin, or nobody could manage users again (there is no "super user" behind the UI).
 * Screens ask `allowedUserActions` and show the reason beside each disabled action.
 */
export interface TUserState {
  role: TRoleName;
  active: boolean;
}

export type TUserChangeRefusal = { rule: 'LAST_ACTIVE_ADMIN'; message: string };

function isActiveAdmin(s: TUserState): boolean {
  return s.active && s.role === 'admin';
}

export function decideUserChange(input: { current: TUserState; next: TUserState; otherActiveAdmins: number }): TUserChangeRefusal | null {
  if (isActiveAdmin(input.current) && !isActiveAdmin(input.next) && input.otherActiveAdmins === 0) {
    const what = input.next.active ? `demoting them to ${input.next.role}` : 'disabling them';
    return { rule: 'LAST_ACTIVE_ADMIN', message: `this user is the last active admin: ${what} would leave nobody able to manage users; make another user admin first` };
  }
  return null;
}

export interface TUserActions {
  /** null when allowed, else why not. */
  demote: string | null;
  disable: string | null;
}

export function allowedUserActions(current: TUserState, otherActiveAdmins: number): TUserActions {
  const demote = decideUserChange({ current, next: { ...current, role: 'engineer' }, otherActiveAdmins });
  const disable = current.active ? decideUserChange({ current, next: { ...current, active: false }, otherActiveAdmins }) : { message: 'already disabled' };
  return { demote: demote?.message ?? null, disable: disable?.message ?? null };
}
