import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';

// Relative to the working directory (the repo root for every entry point); the marker keeps
// Next's file tracing from pulling the whole project into the build for this dynamic path.
export const MIGRATIONS_DIR = path.join(/* turbopackIgnore: true */ process.cwd(), 'prisma', 'migrations');

export function readMigrations(dir = MIGRATIONS_DIR): MigrationList {
  const lockPath = path.join(dir, 'migration_lock.toml');
  const dirs = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => statSync(path.join(dir, name)).isDirectory())
        .sort()
    : [];
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(path.join(dir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

/** Names pending migrations, comparing the folder with `_prisma_migrations`. */
export async function pendingMigrations(query: (sql: string) => Promise<{ migration_name: string }[]>): Promise<string[]> {
  const all = readMigrations().migrationDirectories.map((d) => d.path);
  let applied: string[] = [];
  try {
    applied = (await query('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL')).map(
      (r) => r.migration_name,
    );
  } catch {
    return all;
  }
  return all.filter((name) => !applied.includes(name));
}
