// npm run user:create -- --email E --role admin [--name N]
// The password comes from BALLAST_PASSWORD, or is asked for on the terminal.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { createDb } from '../server/db/client';
import { openDatabase } from '../server/db/open-database';
import { applyMigrations } from '../server/db/schema-engine';
import { createUser } from '../server/services/create-user';
import { newRequestId } from '../server/services/service-context';
import { exitWithError } from './cli-errors';

async function readPassword(): Promise<string> {
  if (process.env.BALLAST_PASSWORD) return process.env.BALLAST_PASSWORD;
  if (!process.stdin.isTTY) throw new Error('no password: set BALLAST_PASSWORD, or run this in a terminal to be asked for one');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question('password (12+ characters, not a common one): ');
  } finally {
    rl.close();
  }
}

try {
  const { values } = parseArgs({ options: { email: { type: 'string' }, role: { type: 'string', default: 'viewer' }, name: { type: 'string' } } });
  if (!values.email) throw new Error('usage: npm run user:create -- --email you@example.com --role admin|engineer|viewer');
  const password = await readPassword();
  const database = await openDatabase();
  const db = createDb(database.url, 2);
  try {
    await applyMigrations(database.url);
    const user = await createUser(
      { db, actor: { kind: 'system', name: 'cli', scopes: [] }, requestId: newRequestId() },
      { email: values.email, role: values.role as 'admin', name: values.name, password },
    );
    console.log(`created ${user.role} ${user.email}`);
  } finally {
    await db.$disconnect();
    await database.close();
  }
} catch (err) {
  exitWithError(err);
}
