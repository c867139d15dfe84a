'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { memo, useMemo, useRef } from 'react';
import type { TRunView } from '@/server/contracts/tracking';
import { formatDateTime } from '../ui/format';
import { formatDuration, formatMetric, runDuration, runEngineer } from '../tracking/run-format';
import { StatusBadge } from '../tracking/status-badge';
import type { TDataColumn, TRunSort } from './runs-view-state';

const ROW_HEIGHT = 40;

type TFixedColumn = { id: string; label: string; width: number; sortKey?: string };
const FIXED: TFixedColumn[] = [
  { id: 'name', label: 'Run', width: 260, sortKey: 'run_name' },
  { id: 'status', label: 'Status', width: 110, sortKey: 'status' },
  { id: 'start', label: 'Started', width: 160, sortKey: 'start_time' },
  { id: 'duration', label: 'Duration', width: 96 },
  { id: 'engineer', label: 'Engineer', width: 170, sortKey: 'user_id' },
];
const CHECK_WIDTH = 40;
const DATA_WIDTH: Record<TDataColumn['kind'], number> = { metric: 124, param: 136, tag: 150 };

function cellValue(run: TRunView, column: TDataColumn): string | undefined {
  if (column.kind === 'metric') {
    const metric = run.metrics.find((m) => m.key === column.key);
    return metric ? formatMetric(metric.value) : undefined;
  }
  const list = column.kind === 'param' ? run.params : run.tags;
  return list.find((kv) => kv.key === column.key)?.value;
}

function SortHeader(props: { label: string; by: TRunSort['by']; sortKey: string; sort: TRunSort | null; onSort: (sort: TRunSort | null) => void; numeric?: boolean; title?: string }) {
  const active = props.sort?.by === props.by && props.sort.key === props.sortKey;
  const direction = active ? props.sort!.direction : null;
  function next() {
    // Numbers are usually wanted best-first (desc), names alphabetically (asc); a third click clears.
    const first = props.numeric ? 'desc' : 'asc';
    if (!active) return props.onSort({ by: props.by, key: props.sortKey, direction: first });
    if (direction === first) return props.onSort({ by: props.by, key: props.sortKey, direction: first === 'asc' ? 'desc' : 'asc' });
    props.onSort(null);
  }
  return (
    <button type="button" className={`th-sort${active ? ' active' : ''}`} onClick={next} title={props.title ?? `Sort by ${props.label}`} aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : undefined}>
      <span className="th-label">{props.label}</span>
      <span className="sort-arrow" aria-hidden="true">
        {direction === 'asc' ? '▲' : direction === 'desc' ? '▼' : '↕'}
      </span>
    </button>
  );
}

type TRowProps = { run: TRunView; index: number; start: number; size: number; template: string; columns: TDataColumn[]; checked: boolean; onToggle: (runId: string) => void; now: number };

// Memoised: while scrolling only rows entering the window render, not the ones already shown.
const RunRow = memo(function RunRow({ run, index, start, size, template, columns, checked, onToggle, now }: TRowProps) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`vt-row${checked ? ' selected' : ''}`}
      style={{ gridTemplateColumns: template, height: size, transform: `translateY(${start}px)` }}
      data-testid="run-row"
      data-run-id={run.runId}
      data-run-name={run.runName}
    >
      <div role="cell" className="vt-cell vt-check">
        <input type="checkbox" checked={checked} onChange={() => onToggle(run.runId)} aria-label={`Select ${run.runName}`} data-testid="run-select" />
      </div>
      <div role="cell" className="vt-cell">
        <Link href={`/runs/${run.runId}`} prefetch={false} className="strong-link ellipsis" title={run.runName}>
          {run.runName || run.runId.slice(0, 8)}
        </Link>
      </div>
      <div role="cell" className="vt-cell">
        <StatusBadge status={run.status} />
      </div>
      <div role="cell" className="vt-cell muted">
        {formatDateTime(new Date(run.startTime))}
      </div>
      <div role="cell" className="vt-cell muted">
        {formatDuration(runDuration(run, now))}
      </div>
      <div role="cell" className="vt-cell ellipsis" title={runEngineer(run)}>
        {runEngineer(run)}
      </div>
      {columns.map((c) => {
        const value = cellValue(run, c);
        return (
          <div key={`${c.kind}:${c.key}`} role="cell" className={`vt-cell ellipsis${c.kind === 'metric' ? ' num mono' : ''}`} title={value}>
            {value ?? <span className="muted">—</span>}
          </div>
        );
      })}
    </div>
  );
});

export function RunsTable(props: {
  runs: TRunView[];
  loading: boolean;
  columns: TDataColumn[];
  sort: TRunSort | null;
  onSort: (sort: TRunSort | null) => void;
  selected: string[];
  onToggle: (runId: string) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: props.runs.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 1200, height: 640 },
  });
  const template = [CHECK_WIDTH, ...FIXED.map((c) => c.width), ...props.columns.map((c) => DATA_WIDTH[c.kind])].map((w) => `${w}px`).join(' ');
  const width = CHECK_WIDTH + FIXED.reduce((s, c) => s + c.width, 0) + props.columns.reduce((s, c) => s + DATA_WIDTH[c.kind], 0);
  // One clock per page of data, so running durations do not re-render every row on each scroll.
  const now = useMemo(() => Date.now(), [props.runs]);

  return (
    <div className="vt-scroll" ref={scrollRef} role="table" aria-label="Runs" aria-rowcount={props.runs.length + 1} data-testid="runs-table">
      <div className="vt-head" role="row" style={{ gridTemplateColumns: template, minWidth: width }}>
        <div role="columnheader" className="vt-cell vt-check" aria-label="Select" />
        {FIXED.map((c) => (
          <div key={c.id} role="columnheader" className="vt-cell">
            {c.sortKey ? <SortHeader label={c.label} by="attribute" sortKey={c.sortKey} sort={props.sort} onSort={props.onSort} numeric={c.id === 'start'} /> : <span className="th-label">{c.label}</span>}
          </div>
        ))}
        {props.columns.map((c) => (
          <div key={`${c.kind}:${c.key}`} role="columnheader" className={`vt-cell col-${c.kind}${c.kind === 'metric' ? ' num' : ''}`}>
            <SortHeader label={c.key} by={c.kind} sortKey={c.key} sort={props.sort} onSort={props.onSort} numeric={c.kind === 'metric'} title={`${c.kind} ${c.key}: sort`} />
          </div>
        ))}
      </div>
      {props.loading ? <div className="loading">Loading runs…</div> : null}
      <div className="vt-body" style={{ height: virtualizer.getTotalSize(), minWidth: width }}>
        {virtualizer.getVirtualItems().map((item) => {
          const run = props.runs[item.index]!;
          return (
            <RunRow
              key={run.runId}
              run={run}
              index={item.index}
              start={item.start}
              size={item.size}
              template={template}
              columns={props.columns}
              checked={props.selected.includes(run.runId)}
              onToggle={props.onToggle}
              now={now}
            />
          );
        })}
      </div>
    </div>
  );
}
