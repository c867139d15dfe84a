import type { Db } from '../../db/client';

/*
 * Test-only: one md5 per table of the current schema, over every row's text form in a stable
 * order, so a fuzz run can assert that nothing it sent changed stored data. `ignoreColumns`
 * leaves out columns that change by design on any authenticated call (a token's last use).
 */
export async function tableChecksums(db: Db, opts: { except?: readonly string[]; ignoreColumns?: Readonly<Record<string, readonly string[]>> } = {}): Promise<Record<string, string>> {
  const tables = await db.$queryRawUnsafe<{ name: string }[]>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY tablename`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    if (opts.except?.includes(name)) continue;
    const ignored = opts.ignoreColumns?.[name] ?? [];
    const row = ignored.length ? `(to_jsonb(t) ${ignored.map((c) => `- '${c.replace(/'/g, "''")}'`).join(' ')})::text` : 't::text';
    const [sum] = await db.$queryRawUnsafe<{ sum: string }[]>(`SELECT md5(coalesce(string_agg(${row}, E'\\n' ORDER BY ${row}), '')) AS sum FROM "${name}" t`);
    out[name] = sum!.sum;
  }
  return out;
}
