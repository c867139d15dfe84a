import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashTokenSecret } from '../../server/auth/api-token-secret';
import { scopesOfRole } from '../../server/auth/permissions';
import type { Db } from '../../server/db/client';
import { createApiToken } from '../../server/services/create-api-token';
import { newRequestId } from '../../server/services/service-context';

/**
 * The worker token `npm start` hands its worker: created once (by the first admin) and kept in
 * the data directory; recreated if it was revoked or the file lost. Null when there is no admin.
 */
export async function ensureLocalWorkerToken(db: Db, dataDir: string): Promise<string | null> {
  const file = path.join(dataDir, 'worker-token');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    const row = await db.apiToken.findUnique({ where: { tokenHash: hashTokenSecret(secret) } });
    if (row && !row.revokedAt) return secret;
  }
  const admin = await db.user.findFirst({ where: { role: 'admin', disabledAt: null }, orderBy: { createdAt: 'asc' } });
  if (!admin) return null;
  const token = await createApiToken(
    { db, actor: { kind: 'user', userId: admin.id, email: admin.email, role: admin.role, scopes: scopesOfRole(admin.role) }, requestId: newRequestId() },
    { name: 'local worker (npm start)', scopes: ['worker'] },
  );
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, token.secret, { mode: 0o600 });
  return token.secret;
}

export function startWorkerProcess(opts: { controlPlaneUrl: string; token: string; models: string; port: number; dataDir: string }): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'inference-worker/main.ts'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      BALLAST_CONTROL_PLANE_URL: opts.controlPlaneUrl,
      BALLAST_WORKER_TOKEN: opts.token,
      BALLAST_WORKER_MODELS: opts.models,
      BALLAST_WORKER_PORT: String(opts.port),
      BALLAST_WORKER_HOST: '127.0.0.1',
      BALLAST_WORKER_DATA_DIR: path.join(opts.dataDir, 'worker'),
    },
  });
}
