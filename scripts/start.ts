// npm start: the whole product on one machine. Embedded PostgreSQL unless DATABASE_URL is set,
// migrations, the dashboard on :3000 (PORT), and the demo sign-in (skip with --no-demo).
import { parseArgs } from 'node:util';
import { dataDir, serverEnv } from '../server/env';
import { createDb } from '../server/db/client';
import { openDatabase } from '../server/db/open-database';
import { applyMigrations } from '../server/db/schema-engine';
import { exitWithError } from './cli-errors';
import { loadOrCreateAuthSecret } from './lib/auth-secret-file';
import { ensureDemoSignIn, type DemoSignIn } from './lib/demo-sign-in';
import { ensureBuilt, startNextServer, waitForHealth } from './lib/next-server';
import { ensureLocalWorkerToken, startWorkerProcess } from './lib/worker-process';

const log = (line: string) => console.log(`[ballast] ${line}`);

async function main() {
  const { values } = parseArgs({ options: { 'no-demo': { type: 'boolean', default: false } } });
  const env = serverEnv();
  const port = env.PORT;
  // Which models the local worker serves (e.g. churn@production); none: no worker.
  const workerModels = process.env.BALLAST_WORKER_MODELS ?? '';
  const workerPort = Number(process.env.BALLAST_WORKER_PORT ?? 8080);
  const baseUrl = `http://localhost:${port}`;

  log('starting the database...');
  const database = await openDatabase({ host: true });
  log(
    database.kind === 'embedded'
      ? `database: embedded PostgreSQL (PGlite), data in ${database.location}`
      : `database: PostgreSQL at ${database.location} (DATABASE_URL)`,
  );
  const applied = await applyMigrations(database.url);
  log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations: up to date');

  const secret = loadOrCreateAuthSecret(dataDir());
  let demo: DemoSignIn | null = null;
  let workerToken: string | null = null;
  const setupDb = createDb(database.url, 1);
  try {
    if (!values['no-demo']) demo = await ensureDemoSignIn(setupDb, dataDir());
    if (workerModels) workerToken = await ensureLocalWorkerToken(setupDb, dataDir());
  } finally {
    await setupDb.$disconnect();
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    // PGlite is one backend behind a query-level multiplexer: a few connections are plenty.
    BALLAST_DB_POOL_MAX: database.kind === 'embedded' ? '4' : String(env.BALLAST_DB_POOL_MAX),
    NEXTAUTH_SECRET: secret,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? baseUrl,
    BALLAST_DATA_DIR: dataDir(),
  };
  ensureBuilt(log, childEnv);
  log(`starting the dashboard on ${baseUrl}...`);
  const server = startNextServer({ port, host: env.BALLAST_HOST, env: childEnv, quiet: true });

  let worker: ReturnType<typeof startWorkerProcess> | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping...');
    // The worker drains its requests and flushes its prediction log to the dashboard first.
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await new Promise((r) => worker!.once('exit', r));
    }
    server.kill('SIGTERM');
    await database.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  server.on('exit', (code) => {
    if (!stopping) {
      console.error(`[ballast] the dashboard server exited (code ${code})`);
      void stop(1);
    }
  });

  await waitForHealth(`http://127.0.0.1:${port}`, server);
  if (workerModels && workerToken) {
    worker = startWorkerProcess({ controlPlaneUrl: `http://127.0.0.1:${port}`, token: workerToken, models: workerModels, port: workerPort, dataDir: dataDir() });
    log(`inference worker on http://127.0.0.1:${workerPort} serving ${workerModels}`);
  } else if (workerModels) {
    log('no inference worker: it needs an admin to own its token (npm run user:create -- --role admin)');
  } else {
    log('no inference worker: set BALLAST_WORKER_MODELS (e.g. churn@production) to serve models');
  }
  log(`Ballast is up: ${baseUrl}`);
  if (demo) log(`sign in as ${demo.email} / ${demo.password}`);
  else log('no demo: create the first admin with `npm run user:create -- --email you@example.com --role admin`');
  log('press Ctrl+C to stop');
}

main().catch(exitWithError);
