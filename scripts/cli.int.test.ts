import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashTokenSecret } from '../server/auth/api-token-secret';
import { testDb } from '../server/testing/fixtures';

/**
 * Runs a script to its end. Not spawnSync: without DATABASE_URL the file's database is embedded
 * PostgreSQL served from this process's event loop, which must keep running for the script to reach it.
 */
function run(script: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...env }, timeout: 100_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('command-line scripts', () => {
  it('start exits non-zero with one line naming the host when DATABASE_URL is unreachable', async () => {
    const res = await run('scripts/start.ts', ['--no-demo'], { DATABASE_URL: 'postgresql://ballast@127.0.0.1:1/nowhere' });
    expect(res.status).toBe(1);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: cannot reach PostgreSQL at 127\.0\.0\.1:1\/nowhere/);
  });

  it('user:create and token:create create an admin and a hashed token', async () => {
    const env = { DATABASE_URL: testDb().url, BALLAST_PASSWORD: 'first-admin-pass' };
    const created = await run('scripts/user-create.ts', ['--email', 'First@Admin.test', '--role', 'admin'], env);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/created admin first@admin\.test/);

    const again = await run('scripts/user-create.ts', ['--email', 'first@admin.test', '--role', 'admin'], env);
    expect(again.status).toBe(1);
    expect(again.stderr.trim()).toBe('error: a user with email first@admin.test already exists');

    const token = await run('scripts/token-create.ts', ['--email', 'first@admin.test', '--name', 'worker-1', '--scopes', 'worker'], env);
    expect(token.status).toBe(0);
    const secret = token.stdout.trim().split('\n').pop()!;
    expect(secret).toMatch(/^blt_/);
    return testDb()
      .db.apiToken.findUnique({ where: { tokenHash: hashTokenSecret(secret) } })
      .then((row) => expect(row?.scopes).toEqual(['worker']));
  });

  it('user:create refuses a short password without a stack trace', async () => {
    const res = await run('scripts/user-create.ts', ['--email', 'x@y.test', '--role', 'viewer'], { DATABASE_URL: testDb().url, BALLAST_PASSWORD: 'short' });
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toBe('error: invalid input: password: must be at least 12 characters');
    const common = await run('scripts/user-create.ts', ['--email', 'x@y.test', '--role', 'viewer'], { DATABASE_URL: testDb().url, BALLAST_PASSWORD: 'Password1234' });
    expect(common.stderr.trim()).toBe('error: invalid input: password: is on the list of common passwords: choose another');
  });

  it('user:password sets a new password under the same policy', async () => {
    const env = { DATABASE_URL: testDb().url, BALLAST_PASSWORD: 'original-password' };
    expect((await run('scripts/user-create.ts', ['--email', 'reset@cli.test', '--role', 'admin'], env)).status).toBe(0);
    const weak = await run('scripts/user-password.ts', ['--email', 'reset@cli.test'], { ...env, BALLAST_PASSWORD: 'qwertyuiop123' });
    expect(weak.stderr.trim()).toBe('error: invalid input: password: is on the list of common passwords: choose another');
    const reset = await run('scripts/user-password.ts', ['--email', 'Reset@CLI.test'], { ...env, BALLAST_PASSWORD: 'replacement-password' });
    expect(reset.stdout).toMatch(/new password set for reset@cli\.test/);
    const row = await testDb().db.user.findUniqueOrThrow({ where: { email: 'reset@cli.test' } });
    const { verifyPassword } = await import('../server/auth/password');
    expect(await verifyPassword('replacement-password', row.passwordHash)).toBe(true);
    expect(row.sessionsValidAfter).not.toBeNull();
    expect(await testDb().db.auditEvent.count({ where: { subjectId: row.id, action: 'user.password_reset', actorLabel: 'system:cli' } })).toBe(1);
    const unknown = await run('scripts/user-password.ts', ['--email', 'nobody@cli.test'], env);
    expect(unknown.stderr.trim()).toBe('error: no user with email nobody@cli.test');
  });

  it('db:migrate keeps embedded data across restarts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ballast-cli-'));
    try {
      const env = { BALLAST_DATA_DIR: dir, DATABASE_URL: '', BALLAST_PASSWORD: 'persisted-pass' };
      const first = await run('scripts/user-create.ts', ['--email', 'kept@test.local', '--role', 'viewer'], env);
      expect(first.status).toBe(0);
      const second = await run('scripts/user-create.ts', ['--email', 'kept@test.local', '--role', 'viewer'], env);
      expect(second.stderr.trim()).toBe('error: a user with email kept@test.local already exists');
      const migrate = await run('scripts/db-migrate.ts', [], env);
      expect(migrate.stdout).toMatch(/database is up to date/);
      expect(migrate.stdout).toContain(`embedded PostgreSQL at ${path.join(dir, 'db')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
