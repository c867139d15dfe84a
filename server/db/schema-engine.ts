import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { ColumnTypeEnum, bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as SchemaEngineWasm from '@prisma/schema-engine-wasm';
import type { SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import { readMigrations } from './migration-files';

/**
 * Prisma's schema engine compiled to WebAssembly, driven through adapter-pg: migrations are
 * created and applied with no network (the Prisma CLI would download a native engine).
 */

export const SCHEMA_PATH = path.resolve('prisma/schema.prisma');
const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

type EngineModule = typeof SchemaEngineWasm;
let enginePromise: Promise<EngineModule> | undefined;

// The package's entry imports the .wasm file as an ES module, which Node only allows behind
// --experimental-wasm-modules. Instantiating it by hand works under plain node, tsx and vitest.
async function loadEngineModule(): Promise<EngineModule> {
  enginePromise ??= (async () => {
    // The engine reports a Rust panic through this global before throwing; keep the message.
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
      set_message(message: string) {
        console.error(`schema engine panicked: ${message}`);
      },
    };
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as EngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const bytes = readFileSync(path.join(path.dirname(bgPath), 'schema_engine_bg.wasm'));
    // The engine arms timers (lock and query timeouts) that outlive its work and would keep a
    // command-line script alive for seconds after it finished: unref them.
    const imports: Record<string, unknown> = { ...bg };
    for (const name of Object.keys(bg).filter((k) => k.startsWith('__wbg_setTimeout_'))) {
      imports[name] = (fn: () => void, ms: number) => setTimeout(fn, ms >>> 0).unref();
    }
    const { instance } = await WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': imports as WebAssembly.ModuleImports,
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
  const opened: PgAdapter[] = [];
  const pool = new pg.Pool({ connectionString, max: 2 });
  const factory = bindMigrationAwareSqlAdapterFactory(wholeScriptAdapter(new PrismaPg(pool), opened));
  const schema = readSchema();
  const engine = await mod.SchemaEngine.new({ datamodels: [[SCHEMA_PATH, schema]] }, () => {}, factory);
  try {
    return await fn(engine);
  } finally {
    engine.free();
    // The engine does not close its connections, and one of them holds the migration advisory
    // lock: left open, it would block the next migrate (another CLI, another replica) forever.
    await Promise.all(opened.map((a) => a.dispose().catch(() => {})));
    await pool.end();
  }
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

// Two gaps in adapter-pg for the schema engine's use.
// adapter-pg runs a migration script by splitting it on every ';', which breaks function bodies
// ($$ ... ; ... $$) such as the audit trigger. PostgreSQL's simple-query protocol takes the
// whole script at once (and runs it as one implicit transaction), so send it unsplit.
function wholeScriptAdapter(factory: PrismaPg, opened: PgAdapter[]): PrismaPg {
  const patch = (adapter: PgAdapter): PgAdapter => {
    const internals = adapter as unknown as {
      client: { query(sql: string): Promise<unknown> };
      performIO(query: unknown): Promise<{ fields: { dataTypeID: number }[] }>;
    };
    adapter.executeScript = async (script: string) => {
      await internals.client.query(script);
    };
    // The engine reads catalog columns of PostgreSQL's one-byte "char" type (relkind, contype...),
    // which adapter-pg refuses to map. Let them through as text, then type them as Character.
    let charColumns: number[] = [];
    const performIO = internals.performIO.bind(adapter);
    internals.performIO = async (query) => {
      const result = await performIO(query);
      charColumns = [];
      result.fields.forEach((field, i) => {
        if (field.dataTypeID === PG_CHAR_OID) {
          field.dataTypeID = PG_TEXT_OID;
          charColumns.push(i);
        }
      });
      return result;
    };
    const queryRaw = adapter.queryRaw.bind(adapter);
    adapter.queryRaw = async (query) => {
      const result = await queryRaw(query);
      for (const i of charColumns) result.columnTypes[i] = ColumnTypeEnum.Character;
      return result;
    };
    return adapter;
  };
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = patch(await connect());
    opened.push(adapter);
    return adapter;
  };
  // adapter-pg's own shadow database ignores the database name when given a connection string
  // and would replay migrations into the main database. Our callers pass an empty scratch
  // database for diffs, so it doubles as the shadow.
  factory.connectToShadowDb = factory.connect;
  return factory;
}

/** Applies every migration not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrations(connectionString: string): Promise<string[]> {
  return withEngine(connectionString, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: readMigrations(), filters: NO_FILTER });
    return out.appliedMigrationNames;
  });
}

/**
 * SQL that turns what the migrations build into what schema.prisma describes ('' when equal).
 * `scratchUrl` must be an empty, throwaway database: the migrations are replayed into it.
 */
export async function diffMigrationsToSchema(scratchUrl: string): Promise<string> {
  return withEngine(scratchUrl, async (engine) => {
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
