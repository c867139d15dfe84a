import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import { readMigrations } from './migration-files';

/**
 * Prisma's schema engine compiled to WebAssembly, driven through adapter-pg: migrations are
 * created and applied with no network (the Prisma CLI would download a native engine).
 */

export const SCHEMA_PATH = path.resolve('prisma/schema.prisma');
const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

type EngineModule = typeof import('@prisma/schema-engine-wasm');
let enginePromise: Promise<EngineModule> | undefined;

// The package's entry imports the .wasm file as an ES module, which Node only allows behind
// --experimental-wasm-modules. Instantiating it by hand works under plain node, tsx and vitest.
async function loadEngineModule(): Promise<EngineModule> {
  enginePromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as EngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const bytes = readFileSync(path.join(path.dirname(bgPath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return enginePromise;
}

function readSchema(schemaPath = SCHEMA_PATH): string {
  return readFileSync(schemaPath, 'utf8');
}

async function withEngine<T>(connectionString: string, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const mod = await loadEngineModule();
  const factory = bindMigrationAwareSqlAdapterFactory(wholeScriptAdapter(new PrismaPg({ connectionString, max: 1 })));
  const schema = readSchema();
  const engine = await mod.SchemaEngine.new({ datamodels: [[SCHEMA_PATH, schema]] }, () => {}, factory);
  try {
    return await fn(engine);
  } finally {
    engine.free();
  }
}

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

// adapter-pg runs a migration script by splitting it on every ';', which breaks function bodies
// ($$ ... ; ... $$) such as the audit trigger. PostgreSQL's simple-query protocol takes the
// whole script at once (and runs it as one implicit transaction), so send it unsplit.
function wholeScriptAdapter(factory: PrismaPg): PrismaPg {
  const patch = (adapter: PgAdapter): PgAdapter => {
    const client = (adapter as unknown as { client: { query(sql: string): Promise<unknown> } }).client;
    adapter.executeScript = async (script: string) => {
      await client.query(script);
    };
    return adapter;
  };
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patch(await connect());
  factory.connectToShadowDb = async () => patch(await connectToShadowDb());
  return factory;
}

/** Applies every migration not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrations(connectionString: string): Promise<string[]> {
  return withEngine(connectionString, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: readMigrations(), filters: NO_FILTER });
    return out.appliedMigrationNames;
  });
}

/** SQL that turns what the migrations build into what schema.prisma describes ('' when equal). */
export async function diffMigrationsToSchema(connectionString: string): Promise<string> {
  return withEngine(connectionString, async (engine) => {
    const migrations = readMigrations();
    const from = migrations.migrationDirectories.length
      ? ({ tag: 'migrations', ...migrations } as const)
      : ({ tag: 'empty' } as const);
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: readSchema() }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return stripEmptyDiff(result.stdout ?? '');
  });
}

// The engine answers an empty diff with a comment line rather than an empty string.
function stripEmptyDiff(sql: string): string {
  const meaningful = sql
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('--'))
    .join('\n');
  return meaningful ? sql : '';
}
