// npm run test:e2e: Playwright specs (e2e/*.spec.ts) in Debian's Chromium against the built app,
// on a fresh database (a new one on DATABASE_URL's server, else embedded in a temp directory),
// with a real inference worker serving the journey's model.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { JOURNEY_MODEL } from '../e2e/journey-model';
import { E2E_USERS } from '../e2e/users';
import { scopesOfRole } from '../server/auth/permissions';
import { createDb } from '../server/db/client';
import { EMBEDDED_POOL_MAX, startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { applyMigrations } from '../server/db/schema-engine';
import { createApiToken } from '../server/services/create-api-token';
import { createUser } from '../server/services/create-user';
import { exitWithError } from './cli-errors';
import { ensureBuilt, startNextServer, waitForHealth } from './lib/next-server';
import { stopChild } from './lib/stop-child';
import { startWorkerProcess } from './lib/worker-process';

const log = (line: string) => console.log(`[e2e] ${line}`);

function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canApt) throw new Error("no Chromium found: install Debian's chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH");
  log("installing Debian's chromium (once)...");
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit' }) : update;
  if (install.status !== 0 || !existsSync('/usr/bin/chromium')) throw new Error('apt-get install chromium failed; install it by hand or set CHROMIUM_PATH');
  return '/usr/bin/chromium';
}

async function freshDatabase(): Promise<{ url: string; embedded: boolean; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    const dir = mkdtempSync(path.join(tmpdir(), 'ballast-e2e-'));
    const embedded = await startEmbeddedPostgres({ dir });
    return { url: embedded.url, embedded: true, drop: async () => (await embedded.stop(), rmSync(dir, { recursive: true, force: true })) };
  }
  const name = `ballast_e2e_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), embedded: false, drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Until the worker answers /health; a worker that exits first fails the run with the end of its output. */
async function waitForWorker(url: string, worker: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (worker.exitCode !== null || worker.signalCode !== null) {
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n') : '';
      throw new Error(`the e2e inference worker exited (${worker.signalCode ?? `code ${worker.exitCode}`}) before answering:\n${tail}`);
    }
    if (await fetch(`${url}/health`).then((r) => r.ok || r.status === 503, () => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the e2e inference worker did not answer ${url}/health within 60 s (its output: ${logFile})`);
}

async function main() {
  const chromium = findChromium();
  const port = Number(process.env.E2E_PORT ?? 3200);
  const baseUrl = `http://localhost:${port}`;
  const workerPort = Number(process.env.E2E_WORKER_PORT ?? port + 1);
  const workerUrl = `http://127.0.0.1:${workerPort}`;
  // Not under e2e/.artifacts: Playwright empties that folder when it starts.
  const workerLog = path.join(tmpdir(), `ballast-e2e-worker-${workerPort}.log`);
  writeFileSync(workerLog, '');
  const database = await freshDatabase();
  let server: ReturnType<typeof startNextServer> | undefined;
  let worker: ReturnType<typeof startWorkerProcess> | undefined;
  let exitCode = 1;
  try {
    await applyMigrations(database.url);
    const db = createDb(database.url, 1);
    const system = { db, actor: { kind: 'system' as const, name: 'e2e', scopes: [] }, requestId: 'e2e-seed' };
    const users = await Promise.all(Object.values(E2E_USERS).map((u) => createUser(system, { email: u.email, role: u.role, password: u.password })));
    // The journey's worker authenticates like any worker: a token with the worker grant, owned by the admin.
    const admin = users.find((u) => u.role === 'admin')!;
    const workerToken = await createApiToken({ ...system, actor: { kind: 'user', userId: admin.id, email: admin.email, role: admin.role, scopes: scopesOfRole(admin.role) } }, { name: 'e2e worker', scopes: ['worker'] });
    await db.$disconnect();

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      BALLAST_DB_POOL_MAX: database.embedded ? String(EMBEDDED_POOL_MAX) : '4',
      NEXTAUTH_SECRET: randomBytes(24).toString('hex'),
      NEXTAUTH_URL: baseUrl,
      BALLAST_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ballast-e2e-data-')),
    };
    ensureBuilt(log, env);
    server = startNextServer({ port, host: '127.0.0.1', env, quiet: !process.env.E2E_SERVER_LOGS });
    await waitForHealth(`http://127.0.0.1:${port}`, server);
    // A real inference worker for the journey (e2e/journey.spec.ts), polling and reporting fast so
    // a deployment change reaches it, and its traffic the control plane, within a second or two.
    worker = startWorkerProcess({
      controlPlaneUrl: `http://127.0.0.1:${port}`,
      token: workerToken.secret,
      models: `${JOURNEY_MODEL}@production`,
      port: workerPort,
      dataDir: env.BALLAST_DATA_DIR!,
      provider: 'cpu',
      // A generous deadline: the journey counts answers exactly, and a busy 2-core runner must not turn one into a 504.
      env: { BALLAST_WORKER_POLL_INTERVAL_MS: '500', BALLAST_WORKER_REPORT_INTERVAL_MS: '1000', BALLAST_WORKER_LOG_FLUSH_MS: '200', BALLAST_WORKER_REQUEST_DEADLINE_MS: '10000' },
      logFile: process.env.E2E_SERVER_LOGS ? undefined : workerLog,
    });
    await waitForWorker(workerUrl, worker, workerLog);
    log(`app up on ${baseUrl}, worker on ${workerUrl}; running Playwright`);
    // Not spawnSync: embedded PostgreSQL answers from this process's event loop, which must keep running.
    const run = spawn(process.execPath, [path.resolve('node_modules/@playwright/test/cli.js'), 'test', ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, E2E_BASE_URL: baseUrl, CHROMIUM_PATH: chromium, E2E_WORKER_URL: workerUrl, E2E_WORKER_TOKEN: workerToken.secret },
    });
    exitCode = await new Promise<number>((resolve) => run.on('exit', (code) => resolve(code ?? 1)));
    if (exitCode !== 0 && !process.env.E2E_SERVER_LOGS) log(`the worker's output: ${workerLog}`);
  } finally {
    // Worker first (it flushes to the server), then the server, then their database.
    await stopChild(worker);
    await stopChild(server);
    await database.drop().catch((err) => console.error(`[e2e] could not drop the e2e database: ${err}`));
  }
  process.exit(exitCode);
}

main().catch(exitWithError);
