import type { TRole, TScope } from './permissions';

/** Whoever is acting: a signed-in person, a script or worker holding an API token, or the system. */
export type TPrincipal =
  | { kind: 'user'; userId: string; email: string; role: TRole; scopes: readonly TScope[] }
  | { kind: 'token'; tokenId: string; userId: string; name: string; grants: readonly string[]; scopes: readonly TScope[] }
  | { kind: 'system'; name: string; scopes: readonly TScope[] };

export function principalLabel(p: TPrincipal): string {
  switch (p.kind) {
    case 'user':
      return p.email;
    case 'token':
      return `token:${p.name}`;
    case 'system':
      return `system:${p.name}`;
  }
}

/** The user on whose behalf the principal acts (a token acts for the person who created it). */
export function principalUserId(p: TPrincipal): string | null {
  return p.kind === 'system' ? null : p.userId;
}
