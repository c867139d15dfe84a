// npm run user:password -- --email E: sets a new password (the policy of the dashboard applies) and
// ends the user's sessions; audited as the CLI. For the admin who can no longer sign in.
// The password comes from BALLAST_PASSWORD, or is asked for on the terminal.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { createDb } from '../server/db/client';
import { openDatabase } from '../server/db/open-database';
import { applyMigrations } from '../server/db/schema-engine';
import { resetUserPassword } from '../server/services/manage-users';
import { newRequestId } from '../server/services/service-context';
import { exitWithError } from './cli-errors';

async function readPassword(): Promise<string> {
  if (process.env.BALLAST_PASSWORD) return process.env.BALLAST_PASSWORD;
  if (!process.stdin.isTTY) throw new Error('no password: set BALLAST_PASSWORD, or run this in a terminal to be asked for one');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question('new password (12+ characters, not a common one): ');
  } finally {
    rl.close();
  }
}

try {
  const { values } = parseArgs({ options: { email: { type: 'string' } } });
  if (!values.email) throw new Error('usage: npm run user:password -- --email you@example.com');
  const password = await readPassword();
  const database = await openDatabase();
  const db = createDb(database.url, 2);
  try {
    await applyMigrations(database.url);
    const user = await db.user.findUnique({ where: { email: values.email.trim().toLowerCase() } });
    if (!user) throw new Error(`no user with email ${values.email.trim().toLowerCase()}`);
    await resetUserPassword({ db, actor: { kind: 'system', name: 'cli', scopes: [] }, requestId: newRequestId() }, { userId: user.id, password });
    console.log(`new password set for ${user.email}; their earlier sessions have ended`);
  } finally {
    await db.$disconnect();
    await database.close();
  }
} catch (err) {
  exitWithError(err);
}
