import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashTokenSecret } from '../../server/auth/api-token-secret';
import { scopesOfRole, type TRole, type TTokenScope } from '../../server/auth/permissions';
import type { Db } from '../../server/db/client';
import { createApiToken } from '../../server/services/create-api-token';
import { newRequestId } from '../../server/services/service-context';

export interface TTokenOwner {
  id: string;
  email: string;
  role: TRole;
}

/**
 * An API token `npm start` keeps in a file of the data directory (mode 0600) for a process it
 * runs: the same secret on every start while it stays valid; a new one, created by the person
 * `owner` finds, when it was revoked, expired or the file lost. Null when there is no such person.
 */
export async function ensureStoredToken(
  db: Db,
  file: string,
  token: { name: string; scopes: TTokenScope[] },
  owner: () => Promise<TTokenOwner | null>,
): Promise<string | null> {
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    const row = secret ? await db.apiToken.findUnique({ where: { tokenHash: hashTokenSecret(secret) } }) : null;
    if (row && !row.revokedAt && (!row.expiresAt || row.expiresAt > new Date())) return secret;
  }
  const person = await owner();
  if (!person) return null;
  const created = await createApiToken(
    { db, actor: { kind: 'user', userId: person.id, email: person.email, role: person.role, scopes: scopesOfRole(person.role) }, requestId: newRequestId() },
    token,
  );
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, created.secret, { mode: 0o600 });
  return created.secret;
}
