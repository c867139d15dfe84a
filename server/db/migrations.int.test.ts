import { describe, expect, it } from 'vitest';
import { testDb } from '../testing/fixtures';
import { createScratchDatabase } from '../testing/test-database';
import { startEmbeddedPostgres } from './embedded-postgres';
import { readMigrations } from './migration-files';
import { applyMigrations, diffMigrationsToSchema } from './schema-engine';

describe('migrations', () => {
  it('build exactly what schema.prisma describes (empty diff) on the configured server', async () => {
    const scratch = await createScratchDatabase();
    try {
      expect(await diffMigrationsToSchema(scratch.url)).toBe('');
    } finally {
      await scratch.drop();
    }
  });

  // Embedded PGlite is PostgreSQL 18, CI's server is 15: the same migrations must hold on both.
  it('build exactly what schema.prisma describes on embedded PostgreSQL too', async () => {
    const embedded = await startEmbeddedPostgres();
    try {
      expect(await applyMigrations(embedded.url)).toHaveLength(readMigrations().migrationDirectories.length);
      const scratch = await startEmbeddedPostgres();
      try {
        expect(await diffMigrationsToSchema(scratch.url)).toBe('');
      } finally {
        await scratch.stop();
      }
    } finally {
      await embedded.stop();
    }
  });

  it('are recorded in _prisma_migrations and not applied twice', async () => {
    const rows = await testDb().db.$queryRawUnsafe<{ migration_name: string; finished_at: Date | null }[]>(
      'SELECT migration_name, finished_at FROM _prisma_migrations',
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    expect(await applyMigrations(testDb().url)).toEqual([]);
  });
});

describe('audit_events', () => {
  it('refuses UPDATE, DELETE and TRUNCATE at the database', async () => {
    const { db } = testDb();
    const event = await db.auditEvent.create({ data: { actorType: 'system', actorLabel: 'test', action: 'test.appended', subjectType: 'test' } });
    await expect(db.auditEvent.update({ where: { id: event.id }, data: { action: 'rewritten' } })).rejects.toThrow(/append-only/);
    await expect(db.auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    const stored = await db.auditEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(stored.action).toBe('test.appended');
  });
});
