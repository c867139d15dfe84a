import { ZTokenScope } from '../contracts/api-tokens';
/**
 * Who may do what, as `resource:action` scopes. Procedures and REST routes declare the scope
 * they need; one check (`hasScope`) decides; the UI reads the same table to show or hide
 * buttons. Per-model ownership (approve/promote) is layered on top by the registry services.
 */
export const SCOPES = [
  'experiment:read',
  'experiment:write',
  'dataset:read',
  'dataset:write',
  'model:read',
  'model:write',
  'model:approve',
  'deployment:read',
  'deployment:write',
  'monitoring:read',
  'feedback:write',
  'worker:report',
  'audit:read',
  'token:manage',
  'user:manage',
  // The background jobs' runs and errors (settings > Jobs): admins only, as errors may name internals.
  'job:read',
] as const;
export type TScope = (typeof SCOPES)[number];

export const ROLES = ['viewer', 'engineer', 'admin'] as const;
export type TRole = (typeof ROLES)[number];

const READ: TScope[] = ['experiment:read', 'dataset:read', 'model:read', 'deployment:read', 'monitoring:read', 'audit:read'];

export const ROLE_SCOPES: Record<TRole, readonly TScope[]> = {
  viewer: READ,
  engineer: [...READ, 'experiment:write', 'dataset:write', 'model:write', 'model:approve', 'deployment:write', 'feedback:write', 'token:manage'],
  admin: SCOPES,
};

/** What an API token may be granted, and the resource scopes each grant carries. */
export const TOKEN_SCOPES = ZTokenScope.options;
export type TTokenScope = (typeof TOKEN_SCOPES)[number];

export const TOKEN_SCOPE_GRANTS: Record<TTokenScope, readonly TScope[]> = {
  ingest: ['experiment:read', 'experiment:write', 'dataset:read', 'dataset:write', 'model:read', 'model:write', 'feedback:write', 'monitoring:read'],
  worker: ['model:read', 'deployment:read', 'worker:report'],
  // Read-only, for a Prometheus scrape of /api/metrics: nothing else.
  metrics: ['monitoring:read'],
  admin: SCOPES,
};

export function scopesOfRole(role: TRole): readonly TScope[] {
  return ROLE_SCOPES[role];
}

export function scopesOfTokenGrants(grants: readonly string[]): TScope[] {
  const out = new Set<TScope>();
  for (const g of grants) {
    const granted = TOKEN_SCOPE_GRANTS[g as TTokenScope];
    if (granted) granted.forEach((s) => out.add(s));
  }
  return [...out];
}

/**
 * What a token may do now: its grants, cut down to what its creator's CURRENT role holds, so a
 * demoted person's old tokens lose the powers the person lost (and regain them on promotion).
 */
export function effectiveTokenScopes(grants: readonly string[], creatorRole: TRole): TScope[] {
  const held = new Set(scopesOfRole(creatorRole));
  return scopesOfTokenGrants(grants).filter((s) => held.has(s));
}

/** The grants a token still holds in full under its creator's current role (e.g. `admin` only while they are admin). */
export function grantsInForce(grants: readonly string[], creatorRole: TRole): string[] {
  return grants.filter((g) => g in TOKEN_SCOPE_GRANTS && canGrantToken(creatorRole, g as TTokenScope));
}

/** A person may hand a token only what they hold themselves. */
export function canGrantToken(role: TRole, grant: TTokenScope): boolean {
  const own = new Set(scopesOfRole(role));
  return TOKEN_SCOPE_GRANTS[grant].every((s) => own.has(s));
}

export function hasScope(scopes: readonly string[], needed: TScope): boolean {
  return scopes.includes(needed);
}
