import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../server/db/client';
import { ensureStoredToken } from './stored-token';

/**
 * The worker token `npm start` hands its worker: created once (by the first admin) and kept in
 * the data directory; recreated if it was revoked or the file lost. Null when there is no admin.
 */
export async function ensureLocalWorkerToken(db: Db, dataDir: string): Promise<string | null> {
  return ensureStoredToken(db, path.join(dataDir, 'worker-token'), { name: 'local worker (npm start)', scopes: ['worker'] }, () =>
    db.user.findFirst({ where: { role: 'admin', disabledAt: null }, orderBy: { createdAt: 'asc' } }),
  );
}

export interface TLocalWorkerOptions {
  controlPlaneUrl: string;
  token: string;
  models: string;
  port: number;
  dataDir: string;
  /** BALLAST_WORKER_EXECUTION_PROVIDER for this worker; absent, the environment's (default auto). */
  provider?: 'cpu' | 'cuda' | 'auto';
  /** More worker variables (intervals, say). */
  env?: Record<string, string>;
  /** Write the worker's output to this file instead of the terminal (test runs, where a faulty model's failures are expected). */
  logFile?: string;
}

export function startWorkerProcess(opts: TLocalWorkerOptions): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'inference-worker/main.ts'], {
    stdio: opts.logFile ? ['ignore', openSync(opts.logFile, 'a'), openSync(opts.logFile, 'a')] : ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      ...opts.env,
      BALLAST_CONTROL_PLANE_URL: opts.controlPlaneUrl,
      BALLAST_WORKER_TOKEN: opts.token,
      BALLAST_WORKER_MODELS: opts.models,
      BALLAST_WORKER_PORT: String(opts.port),
      BALLAST_WORKER_HOST: '127.0.0.1',
      BALLAST_WORKER_DATA_DIR: path.join(opts.dataDir, 'worker'),
      ...(opts.provider ? { BALLAST_WORKER_EXECUTION_PROVIDER: opts.provider } : {}),
    },
  });
}
