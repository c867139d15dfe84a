import type { TRunListInput } from '@/server/contracts/tracking';

/*
 * The runs table's state as it travels in the URL, so a view can be bookmarked and shared:
 *   /experiments/3?q=metrics.accuracy%20%3E%200.9&status=FINISHED,FAILED&sort=metric:accuracy&dir=asc&page=2&col=metric:accuracy&col=param:lr
 * `q` is an MLflow filter string; without any `col` the table picks default columns.
 */

export const RUN_STATUSES = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'SCHEDULED'] as const;
export type TRunStatus = (typeof RUN_STATUSES)[number];
export type TColumnKind = 'metric' | 'param' | 'tag';
export type TDataColumn = { kind: TColumnKind; key: string };
export type TSortBy = 'metric' | 'param' | 'tag' | 'attribute';
export type TRunSort = { by: TSortBy; key: string; direction: 'asc' | 'desc' };

export interface TRunsViewState {
  q: string;
  status: TRunStatus[];
  sort: TRunSort | null;
  page: number;
  /** null: nothing chosen yet, the table shows its defaults. */
  columns: TDataColumn[] | null;
}

export const RUNS_PAGE_SIZE = 200;
const SORT_BYS: readonly TSortBy[] = ['metric', 'param', 'tag', 'attribute'];
const KINDS: readonly TColumnKind[] = ['metric', 'param', 'tag'];

function splitKind<T extends string>(value: string, kinds: readonly T[]): { kind: T; key: string } | null {
  const colon = value.indexOf(':');
  if (colon < 1) return null;
  const kind = value.slice(0, colon) as T;
  const key = value.slice(colon + 1);
  return kinds.includes(kind) && key ? { kind, key } : null;
}

export function parseRunsViewState(params: URLSearchParams): TRunsViewState {
  const status = (params.get('status') ?? '')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s): s is TRunStatus => (RUN_STATUSES as readonly string[]).includes(s));
  const sortParts = splitKind(params.get('sort') ?? '', SORT_BYS);
  const page = Number(params.get('page') ?? '0');
  const cols = params.getAll('col');
  return {
    q: (params.get('q') ?? '').slice(0, 2000),
    status: [...new Set(status)],
    sort: sortParts ? { by: sortParts.kind, key: sortParts.key, direction: params.get('dir') === 'asc' ? 'asc' : 'desc' } : null,
    page: Number.isInteger(page) && page > 0 ? page : 0,
    columns: cols.length ? cols.map((c) => splitKind(c, KINDS)).filter((c): c is TDataColumn => c !== null) : null,
  };
}

export function runsViewSearch(state: TRunsViewState): string {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set('q', state.q.trim());
  if (state.status.length) params.set('status', state.status.join(','));
  if (state.sort) {
    params.set('sort', `${state.sort.by}:${state.sort.key}`);
    params.set('dir', state.sort.direction);
  }
  if (state.page > 0) params.set('page', String(state.page));
  if (state.columns) {
    // An explicit empty choice still has to travel, or the defaults would come back.
    if (state.columns.length === 0) params.append('col', 'none:');
    for (const c of state.columns) params.append('col', `${c.kind}:${c.key}`);
  }
  return params.toString();
}

export function runsQueryInput(experimentId: string, state: TRunsViewState): TRunListInput {
  return {
    experimentId,
    ...(state.q.trim() ? { filter: state.q.trim() } : {}),
    ...(state.status.length ? { status: state.status } : {}),
    ...(state.sort ? { sort: state.sort } : {}),
    page: state.page,
    pageSize: RUNS_PAGE_SIZE,
  };
}

/** A key as MLflow's filter language needs it: bare when it is a plain word, else in backticks. */
function filterKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `\`${key.replace(/`/g, '')}\``;
}

/** One clause of an MLflow filter (`metrics.accuracy > 0.9`, `params.optimizer = 'adamw'`). */
export function filterClause(kind: TColumnKind | 'attribute', key: string, op: string, value: string): string {
  const entity = kind === 'attribute' ? 'attributes' : `${kind}s`;
  const numeric = kind === 'metric' && value.trim() !== '' && Number.isFinite(Number(value));
  const literal = numeric ? String(Number(value)) : `'${value.replace(/'/g, "\\'")}'`;
  return `${entity}.${filterKey(key)} ${op} ${literal}`;
}

/** Params that are too big for a table cell (the whole TrainingConfig) and shown on the run page instead. */
export const HIDDEN_PARAM_KEYS = new Set(['ballast.config']);

export function defaultColumns(keys: { metrics: string[]; params: string[]; tags: string[] }): TDataColumn[] {
  return [
    ...keys.metrics.slice(0, 4).map((key) => ({ kind: 'metric' as const, key })),
    ...keys.params.filter((k) => !HIDDEN_PARAM_KEYS.has(k)).slice(0, 3).map((key) => ({ kind: 'param' as const, key })),
    ...keys.tags.filter((k) => k === 'model').map((key) => ({ kind: 'tag' as const, key })),
  ];
}
