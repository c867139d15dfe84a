import type { Db } from '../../db/client';

/*
 * Test-only: one md5 per table of the current schema, over every row's text form in a stable
 * order, so a fuzz run can assert that nothing it sent changed stored data.
 */
export async function tableChecksums(db: Db, opts: { except?: readonly string[] } = {}): Promise<Record<string, string>> {
  const tables = await db.$queryRawUnsafe<{ name: string }[]>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY tablename`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    if (opts.except?.includes(name)) continue;
    const [row] = await db.$queryRawUnsafe<{ sum: string }[]>(`SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS sum FROM "${name}" t`);
    out[name] = row!.sum;
  }
  return out;
}
