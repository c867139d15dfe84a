import { type z } from 'zod';
import { ZSearchExperiments } from '../contracts/mlflow';
import type { TExperimentView } from '../contracts/tracking';
import type { DbOrTx } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { parseInput } from '../domain/errors';
import { decodePageToken, encodePageToken, parseExperimentFilter, parseExperimentOrderBy, type TExperimentClause } from '../domain/run-search';
import { toExperimentView } from './experiment-view';

// SQL LIKE patterns translated for Prisma, which offers contains/startsWith but not raw LIKE.
function likeToRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${body}$`, 's');
}

function matches(clause: TExperimentClause, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  switch (clause.op) {
    case '=':
      return actual === clause.value;
    case '!=':
      return actual !== clause.value;
    case 'LIKE':
      return likeToRegex(clause.value).test(actual);
    case 'ILIKE':
      return likeToRegex(clause.value.toLowerCase()).test(actual.toLowerCase());
  }
}

/**
 * Experiments are few (hundreds, not millions), so the filter is applied in memory after one
 * indexed read; this keeps LIKE semantics exact without dynamic SQL.
 */
export async function searchExperiments(db: DbOrTx, raw: z.input<typeof ZSearchExperiments>): Promise<{ experiments: TExperimentView[]; nextPageToken?: string }> {
  const input = parseInput(ZSearchExperiments, raw, 'request');
  const clauses = parseExperimentFilter(input.filter);
  const order = parseExperimentOrderBy(input.order_by);
  const offset = decodePageToken(input.page_token);
  const where: Prisma.ExperimentWhereInput =
    input.view_type === 'ALL' ? {} : { lifecycleStage: input.view_type === 'DELETED_ONLY' ? 'deleted' : 'active' };
  const fieldOf = { name: 'name', creation_time: 'createdAt', last_update_time: 'updatedAt', experiment_id: 'id' } as const;
  const orderBy: Prisma.ExperimentOrderByWithRelationInput[] = [
    ...order.map((o) => ({ [fieldOf[o.field]]: o.ascending ? 'asc' : 'desc' })),
    ...(order.length ? [] : [{ createdAt: 'desc' as const }]),
    { id: 'asc' },
  ];
  const rows = await db.experiment.findMany({ where, orderBy, include: { tags: true } });
  const filtered = rows.filter((e) =>
    clauses.every((c) => matches(c, c.field === 'name' ? e.name : e.tags.find((t) => t.key === c.key)?.value)),
  );
  const page = filtered.slice(offset, offset + input.max_results);
  const next = offset + input.max_results < filtered.length ? encodePageToken(offset + input.max_results) : undefined;
  return { experiments: page.map(toExperimentView), ...(next ? { nextPageToken: next } : {}) };
}
