import { scopesOfRole, type TRole, type TTokenScope } from '../auth/permissions';
import type { TPrincipal } from '../auth/principal';
import { createApiToken } from '../services/create-api-token';
import { createUser } from '../services/create-user';
import type { ServiceContext } from '../services/service-context';
import type { TestDatabase } from './test-database';

export function testDb(): TestDatabase {
  const db = (globalThis as { ballastTestDb?: TestDatabase }).ballastTestDb;
  if (!db) throw new Error('integration tests run with server/testing/integration-setup.ts (vitest project "integration")');
  return db;
}

export const SYSTEM: TPrincipal = { kind: 'system', name: 'test', scopes: [] };

export function ctxAs(actor: TPrincipal): ServiceContext {
  return { db: testDb().db, actor, requestId: `test-${Math.random().toString(36).slice(2)}` };
}

let seq = 0;
export async function makeUser(role: TRole, password = 'correct-horse-battery') {
  const email = `${role}-${Date.now()}-${seq++}@test.local`;
  const user = await createUser(ctxAs(SYSTEM), { email, role, password });
  const principal: TPrincipal = { kind: 'user', userId: user.id, email, role, scopes: scopesOfRole(role) };
  return { ...user, password, principal };
}

export async function makeToken(role: TRole, scopes: TTokenScope[]) {
  const user = await makeUser(role);
  const token = await createApiToken(ctxAs(user.principal), { name: `t-${seq++}`, scopes });
  return { user, token, bearer: { authorization: `Bearer ${token.secret}` } };
}
