import { type z } from 'zod';
import { ZSearchRuns } from '../contracts/mlflow';
import { ZRunListInput, type TRunListInput, type TRunView } from '../contracts/tracking';
import type { DbOrTx } from '../db/client';
import { Prisma } from '../db/generated/client';
import { parseInput } from '../domain/errors';
import { runIdToUuid } from '../domain/run-id';
import { decodePageToken, encodePageToken, parseRunFilter, parseRunOrderBy, type TSearchClause, type TSearchOrder } from '../domain/run-search';
import { readRunViews } from './read-run-views';

export type TRunQuery = {
  experimentIds: readonly string[];
  clauses: readonly TSearchClause[];
  order: readonly TSearchOrder[];
  viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  limit: number;
  offset: number;
  /** Any of these statuses (the runs table's status filter; MLflow filters say attributes.status = ...). */
  statuses?: readonly string[];
  withTotal?: boolean;
};

// Operators come from the parser's closed set; they are still looked up here, never interpolated.
const OPS: Record<string, Prisma.Sql> = Object.fromEntries(['=', '!=', '>', '>=', '<', '<=', 'LIKE', 'ILIKE'].map((op) => [op, Prisma.raw(op)]));

const ATTRIBUTE_COLUMNS: Record<string, Prisma.Sql> = {
  status: Prisma.raw('r.status::text'),
  run_name: Prisma.raw('r.name'),
  run_id: Prisma.raw("replace(r.id::text, '-', '')"),
  user_id: Prisma.raw('r.engineer'),
  artifact_uri: Prisma.raw('r.artifact_uri'),
  lifecycle_stage: Prisma.raw('r.lifecycle_stage::text'),
  start_time: Prisma.raw('r.start_time'),
  end_time: Prisma.raw('r.end_time'),
};

function clauseSql(c: TSearchClause): Prisma.Sql {
  switch (c.entity) {
    case 'metric':
      return Prisma.sql`EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_id = r.id AND m.key = ${c.key} AND m.value ${OPS[c.op]!} ${String(c.value)}::float8)`;
    case 'param':
      return Prisma.sql`EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = r.id AND p.key = ${c.key} AND p.value ${OPS[c.op]!} ${c.value})`;
    case 'tag':
      return Prisma.sql`EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.key = ${c.key} AND t.value ${OPS[c.op]!} ${c.value})`;
    case 'attribute': {
      if (c.op === 'IN' || c.op === 'NOT IN') {
        const uuids = c.value.map(runIdToUuid).filter((u): u is string => u !== null);
        const inList = Prisma.sql`r.id = ANY(${uuids}::uuid[])`;
        return c.op === 'IN' ? inList : Prisma.sql`NOT (${inList})`;
      }
      const column = ATTRIBUTE_COLUMNS[c.key]!;
      return typeof c.value === 'number'
        ? Prisma.sql`${column} ${OPS[c.op]!} ${String(c.value)}::float8`
        : Prisma.sql`${column} ${OPS[c.op]!} ${c.value}`;
    }
  }
}

/** One page of run ids matching an MLflow-style query, in a total order (ties broken by start time, then id). */
export async function findRunPage(db: DbOrTx, q: TRunQuery): Promise<{ uuids: string[]; hasMore: boolean; total: number | null }> {
  const experimentIds = q.experimentIds.filter((id) => /^\d{1,9}$/.test(id)).map(Number);
  if (experimentIds.length === 0) return { uuids: [], hasMore: false, total: 0 };
  const joins: Prisma.Sql[] = [];
  const orderTerms: Prisma.Sql[] = [];
  q.order.forEach((o, i) => {
    const alias = Prisma.raw(`o${i}`);
    const direction = Prisma.raw(o.ascending ? 'ASC' : 'DESC');
    if (o.entity === 'attribute') {
      orderTerms.push(Prisma.sql`${ATTRIBUTE_COLUMNS[o.key]!} ${direction} NULLS LAST`);
      return;
    }
    const table = Prisma.raw(o.entity === 'metric' ? 'latest_metrics' : o.entity === 'param' ? 'run_params' : 'run_tags');
    joins.push(Prisma.sql`LEFT JOIN ${table} ${alias} ON ${alias}.run_id = r.id AND ${alias}.key = ${o.key}`);
    // Runs without the key sort last in either direction, as in MLflow.
    orderTerms.push(Prisma.sql`${alias}.value ${direction} NULLS LAST`);
  });
  const where: Prisma.Sql[] = [Prisma.sql`r.experiment_id = ANY(${experimentIds}::int[])`];
  if (q.viewType !== 'ALL') where.push(Prisma.sql`r.lifecycle_stage = ${q.viewType === 'ACTIVE_ONLY' ? 'active' : 'deleted'}::"LifecycleStage"`);
  if (q.statuses?.length) where.push(Prisma.sql`r.status::text = ANY(${[...q.statuses]}::text[])`);
  where.push(...q.clauses.map(clauseSql));
  const total = q.withTotal ? Prisma.sql`, COUNT(*) OVER () AS total` : Prisma.empty;
  const rows = await db.$queryRaw<{ id: string; total?: bigint }[]>(Prisma.sql`
    SELECT r.id::text AS id ${total}
    FROM runs r ${joins.length ? Prisma.join(joins, " ") : Prisma.empty}
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${Prisma.join([...orderTerms, Prisma.sql`r.start_time DESC`, Prisma.sql`r.id ASC`], ', ')}
    LIMIT ${q.limit + 1} OFFSET ${q.offset}`);
  const page = rows.slice(0, q.limit);
  let count: number | null = null;
  if (q.withTotal) {
    count = rows[0]?.total !== undefined ? Number(rows[0].total) : q.offset === 0 ? 0 : Number((await findRunPage(db, { ...q, offset: 0, limit: 1 })).total);
  }
  return { uuids: page.map((r) => r.id), hasMore: rows.length > q.limit, total: count };
}

/** MLflow's runs/search. */
export async function searchRuns(db: DbOrTx, raw: z.input<typeof ZSearchRuns>): Promise<{ runs: TRunView[]; nextPageToken?: string }> {
  const input = parseInput(ZSearchRuns, raw, 'request');
  const offset = decodePageToken(input.page_token);
  const page = await findRunPage(db, {
    experimentIds: input.experiment_ids,
    clauses: parseRunFilter(input.filter),
    order: parseRunOrderBy(input.order_by),
    viewType: input.run_view_type,
    limit: input.max_results,
    offset,
  });
  const runs = await readRunViews(db, page.uuids);
  return { runs, ...(page.hasMore ? { nextPageToken: encodePageToken(offset + input.max_results) } : {}) };
}

/** The UI's runs table: structured filters (and an optional MLflow filter string), one sort, numbered pages. */
export async function listRuns(db: DbOrTx, raw: TRunListInput): Promise<{ runs: TRunView[]; total: number; page: number; pageSize: number }> {
  const input = parseInput(ZRunListInput, raw, 'runs query');
  const clauses: TSearchClause[] = [
    ...parseRunFilter(input.filter),
    ...input.tags.map((t) => ({ entity: 'tag' as const, key: t.key, op: t.op, value: t.value })),
    ...input.params.map((p) => ({ entity: 'param' as const, key: p.key, op: p.op, value: p.value })),
    ...input.metrics.map((m) => ({ entity: 'metric' as const, key: m.key, op: m.op, value: m.value })),
  ];
  const order: TSearchOrder[] = input.sort
    ? input.sort.by === 'attribute'
      ? parseRunOrderBy([`attributes.${input.sort.key} ${input.sort.direction}`])
      : [{ entity: input.sort.by, key: input.sort.key, ascending: input.sort.direction === 'asc' }]
    : [];
  const page = await findRunPage(db, {
    experimentIds: [input.experimentId],
    clauses,
    order,
    viewType: input.includeDeleted ? 'ALL' : 'ACTIVE_ONLY',
    limit: input.pageSize,
    offset: input.page * input.pageSize,
    withTotal: true,
    statuses: input.status,
  });
  return { runs: await readRunViews(db, page.uuids), total: page.total ?? 0, page: input.page, pageSize: input.pageSize };
}
