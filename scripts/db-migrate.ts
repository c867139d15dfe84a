// npm run db:migrate: applies pending migrations to DATABASE_URL, or to the embedded database.
import { openDatabase } from '../server/db/open-database';
import { applyMigrations } from '../server/db/schema-engine';
import { exitWithError } from './cli-errors';

try {
  const db = await openDatabase();
  try {
    const applied = await applyMigrations(db.url);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    console.log(`database: ${db.kind} PostgreSQL at ${db.location}`);
  } finally {
    await db.close();
  }
} catch (err) {
  exitWithError(err);
}
