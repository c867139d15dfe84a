// npm start: the whole product on one machine. Embedded PostgreSQL unless DATABASE_URL is set,
// migrations, the dashboard on :3000 (PORT), an inference worker, and the living demo: a workspace
// made by scripts/demo on the first start, reused later, with customer traffic that drifts
// (skip it all with --no-demo).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dataDir, serverEnv } from '../server/env';
import { createDb } from '../server/db/client';
import { EMBEDDED_POOL_MAX } from '../server/db/embedded-postgres';
import { openDatabase } from '../server/db/open-database';
import { applyMigrations } from '../server/db/schema-engine';
import { exitWithError } from './cli-errors';
import { loadOrCreateAuthSecret } from './lib/auth-secret-file';
import { demoAllowed, ensureDemoPeople, type TDemoPeople } from './demo/demo-people';
import { DEMO_ADMIN, DEMO_ENGINEER } from './lib/demo-sign-in';
import type { TDemoTraffic } from './demo/demo-traffic';
import { DEMO_MODEL } from './demo/demo-workspace';
import { demoWorkerModels, startLivingDemo } from './demo/living-demo';
import { ensureBuilt, startNextServer, waitForHealth } from './lib/next-server';
import { stopChild } from './lib/stop-child';
import { ensureLocalWorkerToken, startWorkerProcess } from './lib/worker-process';

const log = (line: string) => console.log(`[ballast] ${line}`);

async function main() {
  const { values } = parseArgs({ options: { 'no-demo': { type: 'boolean', default: false } } });
  let demoMode = !values['no-demo'];
  const env = serverEnv();
  const port = env.PORT;
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
  let people: TDemoPeople | null = null;
  let workerToken: string | null = null;
  const setupDb = createDb(database.url, 1);
  let workerModels: string;
  try {
    if (demoMode && !(await demoAllowed(setupDb, database.kind === 'embedded'))) {
      demoMode = false;
      log('demo: not made here: this database (DATABASE_URL) already has people of its own; the demo goes only into an empty database (start with --no-demo to skip it)');
    }
    if (demoMode) people = await ensureDemoPeople(setupDb, dataDir());
    // Which models the local worker serves (e.g. churn@production); none: no worker. The demo always has one.
    workerModels = demoMode ? demoWorkerModels(process.env.BALLAST_WORKER_MODELS) : (process.env.BALLAST_WORKER_MODELS ?? '');
    if (workerModels) workerToken = await ensureLocalWorkerToken(setupDb, dataDir());
  } finally {
    await setupDb.$disconnect();
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    // Embedded: one connection (see EMBEDDED_POOL_MAX for why more corrupt queries).
    BALLAST_DB_POOL_MAX: String(database.kind === 'embedded' ? EMBEDDED_POOL_MAX : env.BALLAST_DB_POOL_MAX),
    NEXTAUTH_SECRET: secret,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? baseUrl,
    BALLAST_DATA_DIR: dataDir(),
  };
  ensureBuilt(log, childEnv);
  log(`starting the dashboard on ${baseUrl}...`);
  const server = startNextServer({ port, host: env.BALLAST_HOST, env: childEnv, quiet: true });

  let worker: ReturnType<typeof startWorkerProcess> | null = null;
  let traffic: TDemoTraffic | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) {
      // A second Ctrl+C: do not wait any longer.
      log('stopping now');
      process.exit(code || 1);
    }
    stopping = true;
    log('stopping... (Ctrl+C again to stop at once)');
    await traffic?.stop();
    // The worker drains its requests and flushes its prediction log to the dashboard, then the
    // dashboard stops, and only then its database.
    await stopChild(worker);
    await stopChild(server);
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
    worker = startWorkerProcess({
      controlPlaneUrl: `http://127.0.0.1:${port}`,
      token: workerToken,
      models: workerModels,
      port: workerPort,
      dataDir: dataDir(),
      // The demo's network has a few hundred weights: a GPU gains it nothing, and probing for CUDA
      // prints ONNX Runtime errors on every machine without it. BALLAST_WORKER_EXECUTION_PROVIDER still wins.
      provider: demoMode && !process.env.BALLAST_WORKER_EXECUTION_PROVIDER ? 'cpu' : undefined,
    });
    worker.on('exit', (code, signal) => {
      // Its own output above says why (a busy port, a data directory another worker holds, ...).
      if (!stopping) log(`the inference worker exited (${signal ?? `code ${code}`}); the dashboard keeps running without it`);
    });
    log(`inference worker on http://127.0.0.1:${workerPort} serving ${workerModels}`);
  } else if (workerModels) {
    log('no inference worker: it needs an admin to own its token (npm run user:create -- --role admin)');
  } else {
    log('no inference worker: set BALLAST_WORKER_MODELS (e.g. churn@production) to serve models');
  }
  let demoReady = false;
  if (people) {
    try {
      const demo = await startLivingDemo({ url: `http://127.0.0.1:${port}`, workerUrl: `http://127.0.0.1:${workerPort}`, people, log });
      traffic = demo.traffic;
      demoReady = demo.ready;
      if (demoReady) log(`demo: ready ${process.uptime().toFixed(0)} s after start`);
    } catch (err) {
      if (stopping) return;
      log(`demo: setting up the demo failed: ${(err as Error).message}`);
      log('demo: the dashboard runs without it; to retry, stop, delete the data directory (with DATABASE_URL: use a fresh database) and start again; or start with --no-demo');
    }
  }
  log(`Ballast is up: ${baseUrl}`);
  if (people) {
    // Passwords stay in the data directory (mode 600): logs are shipped and shared, those files are not.
    log(`sign in as ${people.admin.email} (owns the demo model, approves): password in ${path.join(dataDir(), DEMO_ADMIN.file)}`);
    log(`  or as ${people.engineer.email} (trained the versions, asked for the promotion): password in ${path.join(dataDir(), DEMO_ENGINEER.file)}`);
  } else {
    log('no demo: create the first admin with `npm run user:create -- --email you@example.com --role admin`');
  }
  if (demoReady) {
    log(`look at: ${baseUrl}/models/${DEMO_MODEL} (versions, lineage, gates), ${baseUrl}/deployments (the canary's live split), ${baseUrl}/monitoring/${DEMO_MODEL} (drift charts; an alert follows the drift)`);
  }
  log('press Ctrl+C to stop');
}

main().catch(exitWithError);
