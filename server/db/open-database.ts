import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { dataDir, embeddedDbDir, serverEnv } from '../env';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface OpenDatabase {
  url: string;
  kind: 'external' | 'embedded';
  /** Where the data lives, for the start-up line. */
  location: string;
  close(): Promise<void>;
}

export class DatabaseUnreachableError extends Error {}

const hostFile = () => path.join(dataDir(), 'embedded-db.json');

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'the configured DATABASE_URL';
  }
}

async function assertReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DatabaseUnreachableError(`cannot reach PostgreSQL at ${describeUrl(url)} (${reason})`);
  } finally {
    await client.end().catch(() => {});
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The database this process should use: DATABASE_URL when set, else the embedded PostgreSQL in
 * the data directory. When another Ballast process (npm start) already hosts the embedded
 * database, we connect to it rather than opening the same files twice.
 * `host: true` makes this process the host and advertises it to later CLI invocations.
 */
export async function openDatabase(opts: { host?: boolean; port?: number } = {}): Promise<OpenDatabase> {
  const env = serverEnv();
  if (env.DATABASE_URL) {
    await assertReachable(env.DATABASE_URL);
    return { url: env.DATABASE_URL, kind: 'external', location: describeUrl(env.DATABASE_URL), close: async () => {} };
  }

  const dir = embeddedDbDir();
  if (existsSync(hostFile())) {
    const hosted = JSON.parse(readFileSync(hostFile(), 'utf8')) as { pid: number; url: string };
    if (hosted.pid !== process.pid && isAlive(hosted.pid)) {
      if (opts.host) throw new DatabaseUnreachableError(`the embedded database in ${dir} is already in use by process ${hosted.pid}`);
      return { url: hosted.url, kind: 'embedded', location: dir, close: async () => {} };
    }
  }

  const embedded = await startEmbeddedPostgres({ dir, port: opts.port });
  if (opts.host) {
    mkdirSync(dataDir(), { recursive: true });
    writeFileSync(hostFile(), JSON.stringify({ pid: process.pid, url: embedded.url }));
  }
  return {
    url: embedded.url,
    kind: 'embedded',
    location: dir,
    async close() {
      if (opts.host) rmSync(hostFile(), { force: true });
      await embedded.stop();
    },
  };
}
