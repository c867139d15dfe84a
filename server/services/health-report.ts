import { db } from '../db/client';
import { pendingMigrations } from '../db/migration-files';
import { BALLAST_VERSION } from '../version';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  database: { reachable: boolean; error?: string; migrations: { current: boolean; pending: string[] } };
}

export async function healthReport(): Promise<HealthReport> {
  try {
    await db().$queryRawUnsafe('SELECT 1');
    const pending = await pendingMigrations((sql) => db().$queryRawUnsafe(sql));
    return {
      status: pending.length ? 'degraded' : 'ok',
      version: BALLAST_VERSION,
      database: { reachable: true, migrations: { current: pending.length === 0, pending } },
    };
  } catch (err) {
    console.error('[health] database check failed', err);
    return {
      status: 'degraded',
      version: BALLAST_VERSION,
      database: { reachable: false, error: 'database unreachable', migrations: { current: false, pending: [] } },
    };
  }
}
