'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { MAX_COMPARE } from '../compare/compare-limits';
import { ErrorAlert } from '../ui/error-alert';
import { useTRPC } from '../trpc';
import { ColumnChooser } from './column-chooser';
import { RunsFilterBar } from './runs-filter-bar';
import { RunsTable } from './runs-table';
import { defaultColumns, parseRunsViewState, runsQueryInput, runsViewSearch, RUNS_PAGE_SIZE, type TRunsViewState } from './runs-view-state';


/** An experiment's runs: filters, columns, sort and page live in the URL; the selection is for Compare. */
export function RunsView({ experimentId, noRuns }: { experimentId: string; noRuns: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const state = useMemo(() => parseRunsViewState(new URLSearchParams(searchParams.toString())), [searchParams]);
  const [selected, setSelected] = useState<string[]>([]);

  const keys = useQuery(trpc.runs.keys.queryOptions({ experimentId }));
  const runs = useQuery({ ...trpc.runs.list.queryOptions(runsQueryInput(experimentId, state)), placeholderData: keepPreviousData });

  const columns = useMemo(() => state.columns ?? (keys.data ? defaultColumns(keys.data) : []), [state.columns, keys.data]);

  function navigate(next: Partial<TRunsViewState>, mode: 'push' | 'replace' = 'push') {
    const search = runsViewSearch({ ...state, ...next });
    const url = search ? `${pathname}?${search}` : pathname;
    if (mode === 'push') router.push(url, { scroll: false });
    else router.replace(url, { scroll: false });
  }

  const toggleSelected = useCallback((runId: string) => {
    setSelected((current) => (current.includes(runId) ? current.filter((id) => id !== runId) : [...current, runId]));
  }, []);

  const filtered = state.q.trim() !== '' || state.status.length > 0;
  const total = runs.data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / RUNS_PAGE_SIZE));
  const firstShown = total === 0 ? 0 : state.page * RUNS_PAGE_SIZE + 1;
  const lastShown = Math.min(total, (state.page + 1) * RUNS_PAGE_SIZE);
  const canCompare = selected.length >= 2 && selected.length <= MAX_COMPARE;

  if (runs.isSuccess && total === 0 && !filtered && state.page === 0) return <>{noRuns}</>;

  return (
    <>
      <RunsFilterBar
        key={`${state.q}|${state.status.join(',')}`}
        state={state}
        keys={keys.data}
        onApply={(q, status) => navigate({ q, status, page: 0 })}
      />
      <div className="card runs-card">
        <div className="runs-toolbar">
          <div className="runs-count" data-testid="runs-count" data-total={runs.data ? total : undefined}>
            {runs.data ? (
              <>
                <strong>{total.toLocaleString('en-US')}</strong> run{total === 1 ? '' : 's'}
                {filtered ? ' match' : ''}
                {total > RUNS_PAGE_SIZE ? (
                  <span className="muted">
                    {' '}
                    · showing {firstShown.toLocaleString('en-US')}–{lastShown.toLocaleString('en-US')}
                  </span>
                ) : null}
              </>
            ) : (
              <span className="muted">Loading runs…</span>
            )}
            {runs.isFetching && runs.data ? <span className="spinner" aria-label="Updating" /> : null}
          </div>
          <div className="runs-toolbar-actions">
            {selected.length ? (
              <span className="muted small" data-testid="selected-count">
                {selected.length} selected{selected.length > MAX_COMPARE ? ` (compare takes at most ${MAX_COMPARE})` : ''}
                {' · '}
                <button type="button" className="btn-link" onClick={() => setSelected([])}>
                  clear
                </button>
              </span>
            ) : (
              <span className="muted small">Select 2–{MAX_COMPARE} runs to compare</span>
            )}
            {canCompare ? (
              <Link href={`/compare?runs=${selected.join(',')}`} className="btn btn-primary btn-sm" data-testid="compare-button">
                Compare {selected.length} runs
              </Link>
            ) : (
              <button type="button" className="btn btn-primary btn-sm" disabled data-testid="compare-button">
                Compare
              </button>
            )}
            <ColumnChooser keys={keys.data} columns={columns} onChange={(next) => navigate({ columns: next }, 'replace')} />
          </div>
        </div>
        {runs.error ? (
          <div className="card-body">
            <ErrorAlert error={runs.error} testId="runs-error" />
          </div>
        ) : runs.data && runs.data.runs.length === 0 ? (
          <div className="empty-inline" data-testid="runs-empty">
            <h2>No runs match</h2>
            <p className="muted">
              {state.page > 0 ? 'This page is past the last run.' : 'Loosen the filter or clear it. Metric filters compare the latest value of each metric.'}
            </p>
            <button type="button" className="btn btn-sm" onClick={() => navigate({ q: '', status: [], page: 0 })}>
              Clear filters
            </button>
          </div>
        ) : (
          <RunsTable
            runs={runs.data?.runs ?? []}
            loading={runs.isPending}
            columns={columns}
            sort={state.sort}
            onSort={(sort) => navigate({ sort, page: 0 }, 'replace')}
            selected={selected}
            onToggle={toggleSelected}
          />
        )}
        {pageCount > 1 ? (
          <div className="table-foot" data-testid="runs-pager">
            <span>
              Page {state.page + 1} of {pageCount.toLocaleString('en-US')}
            </span>
            <span className="pager">
              <button type="button" className="btn btn-sm" disabled={state.page === 0} onClick={() => navigate({ page: 0 })}>
                First
              </button>
              <button type="button" className="btn btn-sm" disabled={state.page === 0} onClick={() => navigate({ page: state.page - 1 })}>
                Previous
              </button>
              <button type="button" className="btn btn-sm" disabled={state.page + 1 >= pageCount} onClick={() => navigate({ page: state.page + 1 })} data-testid="next-page">
                Next
              </button>
            </span>
          </div>
        ) : null}
      </div>
    </>
  );
}
