import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TRole } from '../../server/auth/permissions';
import type { Db } from '../../server/db/client';
import { createUser } from '../../server/services/create-user';
import { newRequestId } from '../../server/services/service-context';

export interface DemoSignIn {
  email: string;
  password: string;
}

export interface TDemoPerson {
  email: string;
  name: string;
  role: TRole;
  /** Where the sign-in is kept in the data directory. */
  file: string;
}

/** The demo's admin: owns the demo model, approves, deploys. */
export const DEMO_ADMIN: TDemoPerson = { email: 'demo@ballast.local', name: 'Demo admin', role: 'admin', file: 'demo-sign-in.json' };
/** Trains, registers and asks for promotion: the requester four-eyes approval needs beside the owner. */
export const DEMO_ENGINEER: TDemoPerson = { email: 'ml-engineer@ballast.local', name: 'Demo ML engineer', role: 'engineer', file: 'demo-engineer-sign-in.json' };

/**
 * A demo person's sign-in: created on the first start of an empty workspace and kept (in plain
 * text, it is a local demo) so later starts print the same sign-in.
 */
export async function ensureDemoSignIn(db: Db, dataDir: string, person: TDemoPerson = DEMO_ADMIN): Promise<DemoSignIn> {
  const file = path.join(dataDir, person.file);
  const existing = await db.user.findUnique({ where: { email: person.email } });
  if (existing && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoSignIn;
  const password = randomBytes(9).toString('base64url');
  if (existing) {
    // The credentials file was lost: set a new password rather than locking the demo out.
    const { hashPassword } = await import('../../server/auth/password');
    await db.user.update({ where: { id: existing.id }, data: { passwordHash: await hashPassword(password) } });
  } else {
    await createUser({ db, actor: { kind: 'system', name: 'demo', scopes: [] }, requestId: newRequestId() }, { email: person.email, name: person.name, role: person.role, password });
  }
  const signIn = { email: person.email, password };
  writeFileSync(file, JSON.stringify(signIn, null, 2), { mode: 0o600 });
  return signIn;
}
