import { ROLE_SCOPES, ROLES, type TRole, type TScope } from '@/server/auth/permissions';

export function rolesHolding(scope: TScope): TRole[] {
  return ROLES.filter((role) => ROLE_SCOPES[role].includes(scope));
}

/** "the admin role", "the engineer or admin role": read from the scope table, never hard-coded. */
export function neededRoleText(scope: TScope): string {
  const roles = rolesHolding(scope);
  if (roles.length === 0) return `the ${scope} permission`;
  if (roles.length === 1) return `the ${roles[0]} role`;
  return `the ${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]} role`;
}
