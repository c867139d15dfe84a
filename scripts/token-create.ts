// npm run token:create -- --email E --name N --scopes ingest[,worker,admin] [--expires-days D]
// Creates an API token acting for that user (who may grant only what their role holds);
// prints the secret once.
import { parseArgs } from 'node:util';
import { scopesOfRole } from '../server/auth/permissions';
import { createDb } from '../server/db/client';
import { openDatabase } from '../server/db/open-database';
import { createApiToken } from '../server/services/create-api-token';
import { newRequestId } from '../server/services/service-context';
import { exitWithError } from './cli-errors';

try {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'string', default: 'ingest' }, 'expires-days': { type: 'string' } },
  });
  if (!values.email || !values.name) throw new Error('usage: npm run token:create -- --email you@example.com --name ci --scopes ingest');
  const database = await openDatabase();
  const db = createDb(database.url, 1);
  try {
    const user = await db.user.findUnique({ where: { email: values.email.toLowerCase() } });
    if (!user) throw new Error(`no user with email ${values.email}`);
    const token = await createApiToken(
      { db, actor: { kind: 'user', userId: user.id, email: user.email, role: user.role, scopes: scopesOfRole(user.role) }, requestId: newRequestId() },
      {
        name: values.name,
        scopes: values.scopes.split(',').map((s) => s.trim()) as ('ingest' | 'worker' | 'admin')[],
        expiresInDays: values['expires-days'] ? Number(values['expires-days']) : undefined,
      },
    );
    console.log(`created token "${token.name}" (${token.scopes.join(', ')}) for ${user.email}; it is shown once:`);
    console.log(token.secret);
  } finally {
    await db.$disconnect();
    await database.close();
  }
} catch (err) {
  exitWithError(err);
}
