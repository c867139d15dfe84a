import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../db/client';
import { EMBEDDED_POOL_MAX, startEmbeddedPostgres } from '../db/embedded-postgres';
import { applyMigrations } from '../db/schema-engine';

// The integration setup points DATABASE_URL at the file's own database; new scratch databases
// are made on the server the suite was started with, remembered here.
const holder = globalThis as { ballastTestServerUrl?: string | null };

export function testServerUrl(): string | undefined {
  if (holder.ballastTestServerUrl === undefined) holder.ballastTestServerUrl = process.env.DATABASE_URL ?? null;
  return holder.ballastTestServerUrl ?? undefined;
}

export interface TestDatabase {
  url: string;
  /** Embedded PostgreSQL: `db` is then the one connection the file may hold (EMBEDDED_POOL_MAX). */
  embedded: boolean;
  db: Db;
  drop(): Promise<void>;
}

/**
 * An empty database for one test file: a new database on the server named by DATABASE_URL when
 * it is set (CI, developers), else an in-memory embedded PostgreSQL.
 */
export async function createScratchDatabase(baseUrl = testServerUrl()): Promise<{ url: string; embedded: boolean; drop(): Promise<void> }> {
  if (!baseUrl) {
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, embedded: true, drop: () => embedded.stop() };
  }
  const name = `ballast_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(baseUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    embedded: false,
    drop: () => withAdmin(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

async function withAdmin(url: string, fn: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

/** A scratch database with every migration applied, and a Prisma client on it. */
export async function createTestDatabase(baseUrl = testServerUrl()): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(baseUrl);
  await applyMigrations(scratch.url);
  const db = createDb(scratch.url, scratch.embedded ? EMBEDDED_POOL_MAX : 4);
  return {
    url: scratch.url,
    embedded: scratch.embedded,
    db,
    async drop() {
      await db.$disconnect();
      await scratch.drop();
    },
  };
}
