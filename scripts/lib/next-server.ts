import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const NEXT_BIN = require.resolve('next/dist/bin/next');
const FINGERPRINT_FILE = path.resolve('.next/ballast-build-fingerprint');
const BUILD_INPUTS = ['app', 'components', 'server', 'next.config.ts', 'tsconfig.json', 'package-lock.json', 'prisma/schema.prisma'];

/** Changes whenever a file the build reads changes (paths, sizes and modification times). */
function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (name !== 'node_modules' && !name.endsWith('.test.ts')) visit(path.join(p, name));
    } else {
      hash.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  BUILD_INPUTS.forEach(visit);
  return hash.digest('hex');
}

/** Builds the dashboard when there is no build, or when its sources changed since the last one. */
export function ensureBuilt(log: (line: string) => void, env: NodeJS.ProcessEnv): void {
  const fingerprint = sourceFingerprint();
  if (existsSync('.next/BUILD_ID') && existsSync(FINGERPRINT_FILE) && readFileSync(FINGERPRINT_FILE, 'utf8') === fingerprint) return;
  log('building the dashboard (first start, or the code changed; about a minute on 2 cores)...');
  const started = Date.now();
  const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) {
    process.stderr.write(result.stdout);
    process.stderr.write(result.stderr);
    throw new Error('next build failed (output above)');
  }
  writeFileSync(FINGERPRINT_FILE, fingerprint);
  log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

export function startNextServer(opts: { port: number; host: string; env: NodeJS.ProcessEnv; quiet?: boolean }): ChildProcess {
  return spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(opts.port), '-H', opts.host], {
    stdio: ['ignore', opts.quiet ? 'ignore' : 'inherit', 'inherit'],
    env: { ...opts.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
}

/** Resolves once GET /api/health answers 200; rejects when the server exits or the time runs out. */
export async function waitForHealth(baseUrl: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the dashboard server exited before it became healthy (exit code ${child.exitCode})`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the dashboard did not become healthy within ${timeoutMs / 1000} s`);
}
