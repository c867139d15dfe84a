import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../server/db/client';
import { createUser } from '../../server/services/create-user';
import { newRequestId } from '../../server/services/service-context';

export interface DemoSignIn {
  email: string;
  password: string;
}

const DEMO_EMAIL = 'demo@ballast.local';

/**
 * The demo's admin sign-in: created on the first start of an empty workspace and kept (in
 * plain text, it is a local demo) so later starts print the same sign-in.
 */
export async function ensureDemoSignIn(db: Db, dataDir: string): Promise<DemoSignIn> {
  const file = path.join(dataDir, 'demo-sign-in.json');
  const existing = await db.user.findUnique({ where: { email: DEMO_EMAIL } });
  if (existing && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoSignIn;
  const password = randomBytes(9).toString('base64url');
  if (existing) {
    // The credentials file was lost: set a new password rather than locking the demo out.
    const { hashPassword } = await import('../../server/auth/password');
    await db.user.update({ where: { id: existing.id }, data: { passwordHash: await hashPassword(password) } });
  } else {
    await createUser({ db, actor: { kind: 'system', name: 'demo', scopes: [] }, requestId: newRequestId() }, { email: DEMO_EMAIL, name: 'Demo admin', role: 'admin', password });
  }
  const signIn = { email: DEMO_EMAIL, password };
  writeFileSync(file, JSON.stringify(signIn, null, 2), { mode: 0o600 });
  return signIn;
}
