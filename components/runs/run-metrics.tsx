'use client';

import { useQuery } from '@tanstack/react-query';
import type { TMetricPointView } from '@/server/contracts/tracking';
import { MetricChart, SERIES_COLORS } from '../charts/metric-chart';
import { ErrorAlert } from '../ui/error-alert';
import { useTRPC } from '../trpc';
import { formatMetric } from '../tracking/run-format';

function MetricPanel({ runId, latest, color }: { runId: string; latest: TMetricPointView; color: string }) {
  const trpc = useTRPC();
  const series = useQuery(trpc.runs.metricSeries.queryOptions({ runId, key: latest.key }));
  return (
    <section className="card chart-card" data-testid="metric-panel" data-metric={latest.key}>
      <header className="chart-head">
        <h3 className="ellipsis" title={latest.key}>
          {latest.key}
        </h3>
        <span className="chart-latest">
          <span className="mono">{formatMetric(latest.value)}</span> <span className="muted small">at step {latest.step}</span>
        </span>
      </header>
      {series.error ? (
        <ErrorAlert error={series.error} />
      ) : !series.data ? (
        <div className="chart-placeholder">Loading…</div>
      ) : series.data.points.length === 0 ? (
        <div className="chart-placeholder">No points</div>
      ) : (
        <>
          <MetricChart series={[{ id: runId, label: latest.key, color, points: series.data.points }]} />
          <p className="chart-note muted small">
            {series.data.points.length.toLocaleString('en-US')} points drawn
            {series.data.source === 'rollup' ? ` from a ${(series.data.totalSpan + 1).toLocaleString('en-US')}-step series (min/max envelope kept)` : ''}
          </p>
        </>
      )}
    </section>
  );
}

export function RunMetrics({ runId, metrics }: { runId: string; metrics: TMetricPointView[] }) {
  if (!metrics.length) return <p className="muted card card-body">This run has logged no metrics yet.</p>;
  return (
    <div className="chart-grid">
      {metrics.map((m, i) => (
        <MetricPanel key={m.key} runId={runId} latest={m} color={SERIES_COLORS[i % SERIES_COLORS.length]!} />
      ))}
    </div>
  );
}
