// `prisma generate` needs no schema engine, but the CLI insists on finding one and would
// download it (we are offline). Point it at a stand-in that only prints a version line.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = join(tmpdir(), 'ballast-prisma');
mkdirSync(dir, { recursive: true });
const stub = join(dir, 'schema-engine-stub');
writeFileSync(stub, '#!/bin/sh\necho "schema-engine-cli 0.0.0 (offline stand-in for prisma generate)"\n');
chmodSync(stub, 0o755);

const result = spawnSync('npx', ['--no-install', 'prisma', 'generate', '--schema', 'prisma/schema.prisma'], {
  stdio: 'inherit',
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
});
process.exit(result.status ?? 1);
