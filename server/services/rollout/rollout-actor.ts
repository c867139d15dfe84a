import type { TPrincipal } from '../../auth/principal';
import { principalLabel, principalUserId } from '../../auth/principal';
import type { TRolloutActor } from '../../domain/rollout';

/** Whether the principal acts with an admin's rights (a token only when its creator is an admin and it was granted `admin`). */
export function isAdminPrincipal(p: TPrincipal): boolean {
  if (p.kind === 'user') return p.role === 'admin';
  if (p.kind === 'token') return p.grants.includes('admin');
  return false;
}

/** The principal as the rollout rules see it: scopes already resolved by the permission table, the person behind it, its label for audit. */
export function rolloutActor(p: TPrincipal): TRolloutActor {
  return { kind: p.kind, userId: principalUserId(p), label: principalLabel(p), scopes: p.scopes, isAdmin: isAdminPrincipal(p) };
}
