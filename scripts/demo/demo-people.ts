import path from 'node:path';
import type { Db } from '../../server/db/client';
import { DEMO_ADMIN, DEMO_ENGINEER, ensureDemoSignIn, type DemoSignIn, type TDemoPerson } from '../lib/demo-sign-in';
import { ensureStoredToken } from '../lib/stored-token';

export interface TDemoPeople {
  admin: DemoSignIn & { token: string };
  engineer: DemoSignIn & { token: string };
}

/**
 * The demo's two people and the API token each acts with over HTTP, kept in the data directory:
 * the engineer's token carries `ingest` (runs, datasets, versions, requests), the admin's `admin`.
 */
export async function ensureDemoPeople(db: Db, dataDir: string): Promise<TDemoPeople> {
  const person = async (who: TDemoPerson, tokenFile: string, scopes: ['ingest'] | ['admin']) => {
    const signIn = await ensureDemoSignIn(db, dataDir, who);
    const token = await ensureStoredToken(db, path.join(dataDir, tokenFile), { name: `demo (${who.email}, npm start)`, scopes }, () =>
      db.user.findUnique({ where: { email: who.email } }),
    );
    if (!token) throw new Error(`the demo user ${who.email} is missing`);
    return { ...signIn, token };
  };
  return {
    admin: await person(DEMO_ADMIN, 'demo-admin-token', ['admin']),
    engineer: await person(DEMO_ENGINEER, 'demo-engineer-token', ['ingest']),
  };
}

/**
 * Whether the demo may live in this database: always in the embedded one `npm start` owns; in an
 * external one (DATABASE_URL) only while nobody but the demo people has signed up, so the demo
 * never adds an admin, a `churn` model and drifting traffic (and its webhooks) to a real workspace.
 */
export async function demoAllowed(db: Db, embedded: boolean): Promise<boolean> {
  if (embedded) return true;
  return (await db.user.count({ where: { email: { notIn: [DEMO_ADMIN.email, DEMO_ENGINEER.email] } } })) === 0;
}
