import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { createTestDatabase, testServerUrl } from './test-database';

// Runs before each integration test file: point the app's singletons (db(), serverEnv()) at a
// database of this file's own, so files never see each other's rows and can run in parallel.
testServerUrl(); // remember the server before DATABASE_URL is repointed
const testDb = await createTestDatabase();
process.env.DATABASE_URL = testDb.url;
// And an artifact store of its own (a file may still point it elsewhere in vi.hoisted).
process.env.BALLAST_ARTIFACT_ROOT = mkdtempSync(path.join(tmpdir(), 'ballast-artifacts-'));
process.env.NEXTAUTH_SECRET ??= 'integration-test-secret-0123456789';
process.env.NEXTAUTH_URL ??= 'http://localhost:3000';
(globalThis as { ballastTestDb?: typeof testDb }).ballastTestDb = testDb;
// On embedded PostgreSQL the app's db() shares the test's client: one connection in all.
if (testDb.embedded) (globalThis as { ballastDb?: typeof testDb.db }).ballastDb = testDb.db;

afterAll(async () => {
  const holder = globalThis as unknown as { ballastDb?: { $disconnect(): Promise<void> } };
  if (holder.ballastDb !== testDb.db) await holder.ballastDb?.$disconnect();
  await testDb.drop();
});
