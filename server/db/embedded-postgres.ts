import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Connections a process may hold to embedded PostgreSQL. PGlite is one backend and the socket
 * server multiplexes connections one protocol message at a time, so a second connection's query
 * can land inside another's transaction or extended-query exchange ("bind message supplies 2
 * parameters, but prepared statement requires 5": 79 errors in 400 mixed queries through a pool
 * of 4, none through a pool of 1). One connection per process, one process per database.
 */
export const EMBEDDED_POOL_MAX = 1;

/**
 * PGlite (PostgreSQL compiled to WASM) persisted in `dir` (or in memory when dir is undefined),
 * served over the PostgreSQL wire protocol so the app reaches it through the same adapter-pg
 * path as a real server. Callers hold at most EMBEDDED_POOL_MAX connections.
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
