'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { AlertList } from '../alerts/alert-list';
import { HistogramChart } from '../charts/histogram-chart';
import { SERIES_COLORS } from '../charts/metric-chart';
import { VersionTrafficCharts } from '../charts/version-traffic-charts';
import { count, ms, percent, STATUS_LABEL, statusTone, STRATEGY_LABEL, VARIANT_COLORS } from '../deployments/deployment-format';
import { SplitBar } from '../deployments/split-bar';
import { useTRPC } from '../trpc';
import { ErrorAlert } from '../ui/error-alert';
import { DriftPanel } from './drift-panel';
import { ModelPicker } from './model-picker';

const RANGES = [
  { id: '1h', label: '1 hour', ms: 3_600_000 },
  { id: '6h', label: '6 hours', ms: 6 * 3_600_000 },
  { id: '24h', label: '24 hours', ms: 24 * 3_600_000 },
] as const;

const SLA_MS: Record<string, number> = { realtime: 100, batch: 5000 };

export function MonitoringView({ modelName, canWrite }: { modelName: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.monitoring.modelOverview.queryOptions({ modelName }), refetchInterval: 10_000 });
  const [range, setRange] = useState<(typeof RANGES)[number]['id']>('1h');
  const rangeMs = RANGES.find((r) => r.id === range)!.ms;
  // Rounded to the minute so the query key (and the cache) is stable between renders.
  const [anchor] = useState(() => Math.floor(Date.now() / 60_000));
  const from = useMemo(() => new Date(anchor * 60_000 - rangeMs), [anchor, rangeMs]);
  if (overview.isPending) return <div className="card loading">Loading monitoring…</div>;
  if (overview.error) return <ErrorAlert error={overview.error} />;
  const o = overview.data;
  const served = o.versions;
  const colorFor = (i: number, variants: string[]) => VARIANT_COLORS[variants[0] ?? ''] ?? SERIES_COLORS[i % SERIES_COLORS.length]!;
  const chartVersions = served.map((v, i) => ({ version: v.version, label: `v${v.version}${v.variants.length ? ` (${v.variants.join(', ')})` : ''}`, color: colorFor(i, v.variants) }));
  const sla = SLA_MS[o.slaClass];
  return (
    <div className="stack ops" data-testid="monitoring-view">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/monitoring">Monitoring</Link> <span aria-hidden="true">/</span> <span>{o.model}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1>{o.model}</h1>
          <p>
            <Link href={`/models/${encodeURIComponent(o.model)}`}>Registry</Link> · {o.slaClass} SLA{sla ? ` (p99 ≤ ${sla} ms)` : ''}
            {o.deployment ? (
              <>
                {' · '}
                <Link href={`/deployments/${o.deployment.id}`} data-testid="overview-deployment">
                  {STRATEGY_LABEL[o.deployment.strategy] ?? o.deployment.strategy} at {o.deployment.candidatePercent}%
                </Link>{' '}
                <span className={`badge ${statusTone(o.deployment.status)}`}>{STATUS_LABEL[o.deployment.status] ?? o.deployment.status}</span>
              </>
            ) : null}
          </p>
        </div>
        <div className="header-actions">
          <ModelPicker current={o.model} />
          <div className="filter-buttons" role="group" aria-label="Range">
            {RANGES.map((r) => (
              <button key={r.id} type="button" className={range === r.id ? 'chip chip-on' : 'chip'} onClick={() => setRange(r.id)}>
                {r.label}
              </button>
            ))}
          </div>
        </div>
      </div>

      <div className="stat-row">
        <section className="card stat-card split-card" data-testid="overview-split">
          <div className="stat-label">Live traffic split</div>
          <SplitBar segments={o.split.map((s) => ({ key: s.variant, label: `v${s.version} ${s.variant}`, percent: s.percent }))} />
        </section>
        {served.map((v) => (
          <section key={v.version} className="card stat-card" data-testid={`overview-version-${v.version}`}>
            <div className="stat-label">
              v{v.version} · last hour <span className="badge badge-muted">{v.stage}</span>
            </div>
            <div className="stat-values">
              <div>
                <strong>{count(v.lastHour.requests)}</strong>
                <span>requests</span>
              </div>
              <div>
                <strong className={v.lastHour.errorRate !== null && v.lastHour.errorRate > 0.01 ? 'text-danger' : undefined}>{percent(v.lastHour.errorRate)}</strong>
                <span>errors</span>
              </div>
              <div>
                <strong>{ms(v.lastHour.p50Ms)}</strong>
                <span>p50</span>
              </div>
              <div>
                <strong className={sla && v.lastHour.p99Ms !== null && v.lastHour.p99Ms > sla ? 'text-danger' : undefined}>{ms(v.lastHour.p99Ms)}</strong>
                <span>p99</span>
              </div>
            </div>
            {v.drift.alerting.length ? (
              <div className="small text-danger">Drifting: {v.drift.alerting.map((f) => (f === '__prediction__' ? 'prediction' : f)).join(', ')}</div>
            ) : (
              <div className="small muted">No drift alert in the latest windows</div>
            )}
          </section>
        ))}
        <section className="card stat-card stat-card-narrow">
          <div className="stat-label">Open alerts</div>
          <div className="stat-big">
            <strong className={o.openAlerts ? 'text-danger' : undefined} data-testid="overview-open-alerts">
              {o.openAlerts}
            </strong>
          </div>
          <Link href="/monitoring/alerts" className="small">
            All alerts
          </Link>
        </section>
      </div>

      {served.length ? (
        <section>
          <h2 className="section-title">Traffic and latency per version</h2>
          <VersionTrafficCharts modelName={o.model} versions={chartVersions} from={from} refetchMs={15_000} latencyThreshold={sla ? { y: sla, label: `SLA ${sla} ms` } : undefined} testIdPrefix="monitoring" />
        </section>
      ) : (
        <section className="card empty-state" data-testid="monitoring-not-served">
          <h2>Nothing served</h2>
          <p>
            {o.model} has no version in production or under deployment. Start one in <Link href="/deployments">Deployments</Link>.
          </p>
        </section>
      )}

      {served.length ? <ConfidencePanel modelName={o.model} versions={chartVersions} from={from} /> : null}
      <DriftPanel modelName={o.model} versions={served.map((v) => v.version)} />
      <AlertList modelName={o.model} canWrite={canWrite} initialStatus={['open', 'acknowledged']} compact />
    </div>
  );
}

function ConfidencePanel({ modelName, versions, from }: { modelName: string; versions: { version: number; label: string; color: string }[]; from: Date }) {
  const trpc = useTRPC();
  const bins = 20;
  const queries = versions.map((v) => ({ v, q: trpc.monitoring.confidence.queryOptions({ modelName, version: v.version, bins, from }) }));
  const a = useQuery({ ...queries[0]!.q, refetchInterval: 30_000 });
  const b = useQuery({ ...(queries[1] ?? queries[0]!).q, enabled: queries.length > 1, refetchInterval: 30_000 });
  const results = [a, ...(queries.length > 1 ? [b] : [])];
  const edges = a.data?.binEdges ?? Array.from({ length: bins + 1 }, (_, i) => i / bins);
  const total = results.reduce((n, r) => n + (r.data?.total ?? 0), 0);
  return (
    <section className="card" data-testid="confidence-panel">
      <div className="card-header">
        <div>
          <h2>Confidence distribution</h2>
          <p>Share of logged predictions per confidence bin, per version, over the selected range.</p>
        </div>
      </div>
      <ErrorAlert error={a.error ?? b.error} />
      <div className="card-body">
        {total === 0 ? (
          <div className="chart-placeholder" style={{ height: 160 }}>
            No predictions with a confidence logged in this range.
          </div>
        ) : (
          <HistogramChart
            edges={edges}
            series={results.map((r, i) => {
              const t = r.data?.total ?? 0;
              return { id: String(queries[i]!.v.version), label: `${queries[i]!.v.label} (${count(t)})`, color: queries[i]!.v.color, values: (r.data?.counts ?? []).map((c) => (t ? c / t : 0)) };
            })}
            format={(x) => `${Math.round(x * 1000) / 10}%`}
            testId="confidence-chart"
          />
        )}
      </div>
    </section>
  );
}
