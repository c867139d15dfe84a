import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * PGlite (PostgreSQL compiled to WASM) persisted in `dir` (or in memory when dir is undefined),
 * served over the PostgreSQL wire protocol so the app reaches it through the same adapter-pg
 * path as a real server. PGlite is one backend: the socket server multiplexes connections at
 * query level, so callers keep their own pools small (BALLAST_DB_POOL_MAX=1 for the app).
 */
export async function startEmbeddedPostgres(opts: { dir?: string; port?: number; maxConnections?: number } = {}): Promise<EmbeddedPostgres> {
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const db = await PGlite.create(opts.dir ? { dataDir: opts.dir } : {});
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: opts.port ?? 0,
    maxConnections: opts.maxConnections ?? 8,
  });
  await server.start();
  const conn = server.getServerConn();
  const port = Number(conn.split(':').pop());
  return {
    port,
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
