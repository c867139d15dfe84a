'use client';

import { useQueries, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import type { TJsonValue } from '@/server/contracts/training-config';
import { MetricChart, SERIES_COLORS } from '../charts/metric-chart';
import { ErrorAlert } from '../ui/error-alert';
import { useTRPC } from '../trpc';
import type { TRunCompare } from '../tracking/router-types';
import { formatMetric, shortHash } from '../tracking/run-format';
import { StatusBadge } from '../tracking/status-badge';

type TRunHead = TRunCompare['runs'][number];

function configValue(value: TJsonValue | null): string {
  if (value === null) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function RunHeads({ runs }: { runs: TRunHead[] }) {
  return (
    <>
      {runs.map((r, i) => (
        <th key={r.runId} className="run-col">
          <span className="swatch" style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }} aria-hidden="true" />
          <Link href={`/runs/${r.runId}`} title={r.runId}>
            {r.runName || r.runId.slice(0, 8)}
          </Link>
        </th>
      ))}
    </>
  );
}

function ConfigDiff({ data }: { data: TRunCompare }) {
  const [showAll, setShowAll] = useState(false);
  const changed = data.configDiff.filter((r) => r.changed);
  const unchanged = data.configDiff.length - changed.length;
  const rows = showAll ? data.configDiff : changed;
  const withoutConfig = data.runs.filter((r) => !r.configHash);
  return (
    <section className="card" data-testid="config-diff">
      <div className="card-header">
        <div>
          <h2>Config diff</h2>
          <p>
            {changed.length} changed key{changed.length === 1 ? '' : 's'}, {unchanged} unchanged
            {withoutConfig.length ? ` · ${withoutConfig.map((r) => r.runName).join(', ')} recorded no config` : ''}
          </p>
        </div>
        {unchanged > 0 ? (
          <button type="button" className="btn btn-sm" onClick={() => setShowAll(!showAll)} data-testid="toggle-unchanged">
            {showAll ? 'Hide unchanged' : `Show ${unchanged} unchanged`}
          </button>
        ) : null}
      </div>
      {rows.length === 0 ? (
        <p className="card-body muted">{data.configDiff.length ? 'The configs are identical.' : 'None of these runs recorded a TrainingConfig.'}</p>
      ) : (
        <div className="table-wrap">
          <table className="table compare-table">
            <thead>
              <tr>
                <th>Key</th>
                <RunHeads runs={data.runs} />
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.path} className={row.changed ? 'diff-changed' : 'diff-same'} data-testid="config-diff-row" data-key={row.path} data-changed={row.changed ? 'true' : 'false'}>
                  <td className="key-cell">
                    <code>{row.path}</code>
                  </td>
                  {row.values.map((v, i) => (
                    <td key={data.runs[i]!.runId} className="mono value-cell">
                      {configValue(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function OverlaidCurves({ data }: { data: TRunCompare }) {
  const trpc = useTRPC();
  const keys = data.metrics.map((m) => m.key);
  const series = useQueries({
    queries: keys.flatMap((key) => data.runs.map((r) => trpc.runs.metricSeries.queryOptions({ runId: r.runId, key, maxPoints: 1000 }))),
  });
  if (!keys.length) return null;
  return (
    <section className="compare-section">
      <div className="section-head">
        <h2>Metric curves</h2>
        <div className="legend" data-testid="compare-legend">
          {data.runs.map((r, i) => (
            <span key={r.runId} className="legend-item">
              <span className="swatch" style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }} aria-hidden="true" />
              {r.runName}
            </span>
          ))}
        </div>
      </div>
      <div className="chart-grid">
        {keys.map((key, k) => {
          const results = data.runs.map((_, i) => series[k * data.runs.length + i]!);
          const loading = results.some((q) => q.isPending);
          const failed = results.find((q) => q.error);
          return (
            <section key={key} className="card chart-card" data-testid="compare-chart" data-metric={key}>
              <header className="chart-head">
                <h3>{key}</h3>
              </header>
              {failed ? (
                <ErrorAlert error={failed.error} />
              ) : loading ? (
                <div className="chart-placeholder">Loading…</div>
              ) : (
                <MetricChart
                  series={data.runs
                    .map((r, i) => ({ id: r.runId, label: r.runName, color: SERIES_COLORS[i % SERIES_COLORS.length]!, points: results[i]!.data?.points ?? [] }))
                    .filter((s) => s.points.length > 0)}
                />
              )}
            </section>
          );
        })}
      </div>
    </section>
  );
}

function ValuesTable({ data }: { data: TRunCompare }) {
  const params = data.params.filter((p) => p.key !== 'ballast.config');
  const metrics = data.metrics.map((m) => {
    const present = m.values.map((v) => (v === null ? null : formatMetric(v)));
    return { ...m, shown: present, changed: new Set(present).size > 1 };
  });
  return (
    <section className="card" data-testid="compare-values">
      <div className="card-header">
        <div>
          <h2>Params and metrics</h2>
          <p>Metrics are each run&apos;s latest value; differing values are highlighted.</p>
        </div>
      </div>
      <div className="table-wrap">
        <table className="table compare-table">
          <thead>
            <tr>
              <th>Key</th>
              <RunHeads runs={data.runs} />
            </tr>
          </thead>
          <tbody>
            <DiffGroup title="Params" testId="param-row" width={data.runs.length} rows={params.map((p) => ({ key: p.key, cells: p.values, changed: p.changed }))} />
            <DiffGroup title="Metrics" testId="metric-row" width={data.runs.length} numeric rows={metrics.map((m) => ({ key: m.key, cells: m.shown, changed: m.changed }))} />
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function CompareView({ runIds }: { runIds: string[] }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.runs.compare.queryOptions({ runIds }));
  if (query.isPending) return <div className="card loading">Loading runs…</div>;
  if (query.error) return <ErrorAlert error={query.error} />;
  const data = query.data;
  return (
    <div className="stack">
      <div className="card compare-runs">
        <table className="table">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Experiment</th>
              <th>Config hash</th>
            </tr>
          </thead>
          <tbody>
            {data.runs.map((r, i) => (
              <tr key={r.runId}>
                <td>
                  <span className="swatch" style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }} aria-hidden="true" />
                  <Link href={`/runs/${r.runId}`} className="strong-link">
                    {r.runName}
                  </Link>
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>
                  <Link href={`/experiments/${r.experimentId}`}>Experiment {r.experimentId}</Link>
                </td>
                <td>{r.configHash ? <code title={r.configHash}>{shortHash(r.configHash, 12)}</code> : <span className="muted">no config</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfigDiff data={data} />
      <OverlaidCurves data={data} />
      <ValuesTable data={data} />
    </div>
  );
}

/** A titled group of key rows in the side-by-side table: one cell per run, differing rows highlighted. */
function DiffGroup(props: { title: string; testId: string; width: number; numeric?: boolean; rows: { key: string; cells: (string | null)[]; changed: boolean }[] }) {
  if (!props.rows.length) return null;
  return (
    <>
      <tr className="group-row">
        <td colSpan={props.width + 1}>{props.title}</td>
      </tr>
      {props.rows.map((r) => (
        <tr key={r.key} className={r.changed ? 'diff-changed' : 'diff-same'} data-testid={props.testId} data-changed={r.changed ? 'true' : 'false'}>
          <td className="key-cell">
            <code>{r.key}</code>
          </td>
          {r.cells.map((v, i) => (
            <td key={i} className={props.numeric ? 'mono value-cell num' : 'mono value-cell'}>
              {v ?? <span className="muted">—</span>}
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}
