'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { ErrorAlert } from '../ui/error-alert';
import { TimeSeriesChart, type TThresholdLine, type TTimeSeries } from './time-series-chart';

export type TChartVersion = { version: number; label: string; color: string };

const pct = (v: number) => `${Number((v * 100).toPrecision(3))}%`;
const rps = (v: number) => `${Number(v.toPrecision(3))}/s`;
const ms = (v: number) => `${Number(v.toPrecision(3))} ms`;

/**
 * Throughput, error rate and p50/p99 latency per minute for several versions of one model on
 * shared charts (stable and candidate side by side), from the per-minute worker reports.
 */
export function VersionTrafficCharts(props: {
  modelName: string;
  versions: TChartVersion[];
  from?: Date;
  to?: Date;
  refetchMs?: number;
  errorThreshold?: TThresholdLine;
  latencyThreshold?: TThresholdLine;
  testIdPrefix?: string;
}) {
  const trpc = useTRPC();
  const { modelName, versions } = props;
  const query = useQuery({
    ...trpc.monitoring.versionSeries.queryOptions({ modelName, versions: versions.map((v) => v.version), from: props.from, to: props.to }),
    refetchInterval: props.refetchMs,
    enabled: versions.length > 0,
  });
  const prefix = props.testIdPrefix ?? 'traffic';
  if (!versions.length) return null;
  if (query.error) return <ErrorAlert error={query.error} />;
  const series = query.data?.series ?? [];
  const line = (pick: (p: (typeof series)[number]['points'][number]) => number | null, suffix = '', dashed = false): TTimeSeries[] =>
    versions.map((v) => ({
      id: `${v.version}${suffix}`,
      label: `${v.label}${suffix}`,
      color: v.color,
      dashed,
      points: (series.find((s) => s.version === v.version)?.points ?? []).map((p) => ({ t: new Date(p.minute).getTime(), value: pick(p) })),
    }));
  const empty = !series.some((s) => s.points.length);
  const card = (title: string, note: string, body: React.ReactNode, id: string) => (
    <section className="card chart-card" key={id}>
      <div className="chart-head">
        <h3>{title}</h3>
        <span className="muted small">{note}</span>
      </div>
      {query.isPending ? <div className="chart-placeholder">Loading…</div> : empty ? <div className="chart-placeholder">No traffic reported in this range yet.</div> : body}
    </section>
  );
  return (
    <div className="chart-grid ops-charts" data-testid={`${prefix}-charts`}>
      {card('Throughput', 'requests per second, per minute', <TimeSeriesChart series={line((p) => p.throughputPerS)} format={rps} yMin={0} testId={`${prefix}-throughput-chart`} />, 'throughput')}
      {card(
        'Error rate',
        'errors / requests, per minute',
        <TimeSeriesChart series={line((p) => p.errorRate)} format={pct} yMin={0} thresholds={props.errorThreshold ? [props.errorThreshold] : []} testId={`${prefix}-error-chart`} />,
        'errors',
      )}
      {card(
        'Latency',
        'p99 solid, p50 dashed',
        <TimeSeriesChart
          series={[...line((p) => p.p99Ms, ' p99'), ...line((p) => p.p50Ms, ' p50', true)]}
          format={ms}
          yMin={0}
          thresholds={props.latencyThreshold ? [props.latencyThreshold] : []}
          testId={`${prefix}-latency-chart`}
        />,
        'latency',
      )}
    </div>
  );
}
