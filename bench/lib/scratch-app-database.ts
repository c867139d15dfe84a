import { createScratchDatabase } from '../../server/testing/test-database';

/**
 * A migrated scratch database on the server at `baseUrl` (the integration harness's helper),
 * made the app's database: callers import the db client and services after this, so the app's
 * singletons open it. Drop it at the end.
 */
export async function scratchAppDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const scratch = await createScratchDatabase(baseUrl);
  process.env.DATABASE_URL = scratch.url;
  process.env.NEXTAUTH_SECRET ??= 'bench-secret-0123456789abcdef';
  const { applyMigrations } = await import('../../server/db/schema-engine');
  await applyMigrations(scratch.url);
  return scratch;
}
