'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { MEAN_SHIFT_ALERT, PSI_WARN } from '@/server/domain/drift-statistics';
import { PREDICTION_FEATURE } from '@/server/domain/drift-window';
import { HistogramChart } from '../charts/histogram-chart';
import { SERIES_COLORS } from '../charts/metric-chart';
import { TimeSeriesChart, type TTimeSeries } from '../charts/time-series-chart';
import { useTRPC } from '../trpc';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';

const featureLabel = (f: string) => (f === PREDICTION_FEATURE ? 'prediction' : f);
const fixed = (digits: number) => (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : '∞');
const DEFAULT_SHOWN = 5;

/**
 * Drift of one served version against its training reference: per feature and the prediction,
 * the mean shift (in training standard deviations, alert above 2), PSI on the training bins
 * (warning above 0.2) and the KS statistic over time, and the live vs training histogram of
 * the selected feature.
 */
export function DriftPanel({ modelName, versions }: { modelName: string; versions: number[] }) {
  const trpc = useTRPC();
  const [version, setVersion] = useState<number | null>(null);
  const [windowS, setWindowS] = useState<300 | 3600>(300);
  const [picked, setPicked] = useState<string[] | null>(null);
  const [focus, setFocus] = useState<string | null>(null);
  const v = version ?? versions[0] ?? null;
  const drift = useQuery({ ...trpc.monitoring.driftSeries.queryOptions({ modelName, version: v ?? 1, windowS }), enabled: v !== null, refetchInterval: 30_000 });

  const latest = useMemo(
    () =>
      (drift.data?.features ?? []).map((f) => ({ feature: f.feature, last: f.points[f.points.length - 1] ?? null, windows: f.points.length, alerts: f.points.filter((p) => p.alert).length })),
    [drift.data],
  );
  // By default the prediction and the features drifting most right now.
  const shown = useMemo(() => {
    if (picked) return picked;
    const ranked = [...latest].filter((l) => l.feature !== PREDICTION_FEATURE).sort((a, b) => (b.last?.meanShift ?? 0) - (a.last?.meanShift ?? 0));
    return [...(latest.some((l) => l.feature === PREDICTION_FEATURE) ? [PREDICTION_FEATURE] : []), ...ranked.slice(0, DEFAULT_SHOWN - 1).map((l) => l.feature)];
  }, [picked, latest]);
  const selected = focus ?? shown.find((f) => f !== PREDICTION_FEATURE) ?? shown[0] ?? null;

  if (v === null) {
    return (
      <section className="card empty-state">
        <h2>Drift</h2>
        <p>No version of this model serves traffic, so there is nothing to compare with its training reference.</p>
      </section>
    );
  }
  const colorOf = (f: string) => SERIES_COLORS[Math.max(0, latest.findIndex((l) => l.feature === f)) % SERIES_COLORS.length]!;
  const lines = (pick: (p: NonNullable<(typeof latest)[number]['last']>) => number | null): TTimeSeries[] =>
    (drift.data?.features ?? [])
      .filter((f) => shown.includes(f.feature))
      .map((f) => ({
        id: f.feature,
        label: featureLabel(f.feature),
        color: colorOf(f.feature),
        dashed: f.feature === PREDICTION_FEATURE,
        points: f.points.map((p) => ({ t: new Date(p.windowStart).getTime(), value: pick(p) })),
      }));
  const toggle = (f: string) => setPicked((cur) => ((cur ?? shown).includes(f) ? (cur ?? shown).filter((x) => x !== f) : [...(cur ?? shown), f]));

  return (
    <section className="card" data-testid="drift-panel">
      <div className="card-header">
        <div>
          <h2>Drift against training</h2>
          <p>
            Mean shift in training standard deviations (alert above {MEAN_SHIFT_ALERT}), PSI on the training bins (warning above {PSI_WARN}) and the Kolmogorov–Smirnov
            statistic, per {windowS === 300 ? '5-minute' : '1-hour'} window.
          </p>
        </div>
        <div className="toolbar-inline">
          {versions.length > 1 ? (
            <select value={v} onChange={(e) => (setVersion(Number(e.target.value)), setPicked(null), setFocus(null))} aria-label="Version" data-testid="drift-version">
              {versions.map((x) => (
                <option key={x} value={x}>
                  v{x}
                </option>
              ))}
            </select>
          ) : (
            <span className="badge badge-muted mono">v{v}</span>
          )}
          <div className="filter-buttons" role="group" aria-label="Window">
            {([300, 3600] as const).map((w) => (
              <button key={w} type="button" className={windowS === w ? 'chip chip-on' : 'chip'} onClick={() => setWindowS(w)}>
                {w === 300 ? '5 min' : '1 hour'}
              </button>
            ))}
          </div>
        </div>
      </div>
      {drift.error ? <ErrorAlert error={drift.error} /> : null}
      {drift.isPending ? (
        <div className="card-body loading">Loading drift…</div>
      ) : !latest.length ? (
        <div className="card-body muted" data-testid="drift-empty">
          No drift windows yet for v{v}: they are computed from the prediction log every window once the version serves traffic.
        </div>
      ) : (
        <>
          <div className="card-body drift-chips">
            <span className="field-label">Shown</span>
            {latest.map((l) => (
              <button key={l.feature} type="button" className={shown.includes(l.feature) ? 'chip chip-on' : 'chip'} onClick={() => toggle(l.feature)}>
                <span className="swatch" style={{ background: colorOf(l.feature) }} />
                {featureLabel(l.feature)}
                {l.last?.alert ? <span className="chip-alert" title="mean shift above threshold" /> : null}
              </button>
            ))}
          </div>
          <div className="chart-grid ops-charts drift-charts">
            <div className="chart-card">
              <div className="chart-head">
                <h3>Mean shift</h3>
                <span className="muted small">σ of training</span>
              </div>
              <TimeSeriesChart series={lines((p) => p.meanShift)} thresholds={[{ y: MEAN_SHIFT_ALERT, label: `alert ${MEAN_SHIFT_ALERT}σ` }]} format={fixed(2)} yMin={0} testId="drift-mean-shift-chart" />
            </div>
            <div className="chart-card">
              <div className="chart-head">
                <h3>PSI</h3>
                <span className="muted small">population stability index</span>
              </div>
              <TimeSeriesChart series={lines((p) => p.psi)} thresholds={[{ y: PSI_WARN, label: `warn ${PSI_WARN}`, color: '#a07c00' }]} format={fixed(3)} yMin={0} testId="drift-psi-chart" />
            </div>
            <div className="chart-card">
              <div className="chart-head">
                <h3>KS statistic</h3>
                <span className="muted small">max CDF distance, sampled</span>
              </div>
              <TimeSeriesChart series={lines((p) => p.ks)} format={fixed(3)} yMin={0} testId="drift-ks-chart" />
            </div>
          </div>
          <div className="drift-detail">
            <div className="table-wrap">
              <table className="table table-compact table-hover" data-testid="drift-table">
                <thead>
                  <tr>
                    <th>Feature</th>
                    <th className="num">Mean shift</th>
                    <th className="num">PSI</th>
                    <th className="num">KS</th>
                    <th className="num">Rows</th>
                    <th>Latest window</th>
                  </tr>
                </thead>
                <tbody>
                  {latest.map((l) => (
                    <tr key={l.feature} className={l.feature === selected ? 'row-selected' : undefined} onClick={() => setFocus(l.feature)} data-testid="drift-row" data-feature={l.feature}>
                      <td>
                        <button type="button" className="btn-link" onClick={() => setFocus(l.feature)}>
                          {featureLabel(l.feature)}
                        </button>
                      </td>
                      <td className={`num ${l.last?.alert ? 'cell-danger' : ''}`}>{l.last ? fixed(2)(l.last.meanShift) : '—'}</td>
                      <td className={`num ${l.last?.psiWarning ? 'cell-warning' : ''}`}>{l.last ? fixed(3)(l.last.psi) : '—'}</td>
                      <td className="num">{l.last?.ks === null || l.last?.ks === undefined ? '—' : fixed(3)(l.last.ks)}</td>
                      <td className="num">{l.last?.count.toLocaleString('en-US') ?? '—'}</td>
                      <td className="nowrap small">{l.last ? formatDateTime(new Date(l.last.windowStart)) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {selected ? <TrainingVsLive modelName={modelName} version={v} feature={selected} windowS={windowS} /> : null}
          </div>
        </>
      )}
    </section>
  );
}

function TrainingVsLive({ modelName, version, feature, windowS }: { modelName: string; version: number; feature: string; windowS: 300 | 3600 }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.monitoring.trainingVsLive.queryOptions({ modelName, version, feature, windowS }));
  return (
    <div className="chart-card histogram-card" data-testid="training-vs-live">
      <div className="chart-head">
        <h3>{featureLabel(feature)}: live vs training</h3>
        {q.data?.live ? (
          <span className="muted small">
            live mean {q.data.live.mean.toPrecision(3)} vs {q.data.training.mean.toPrecision(3)} (σ {q.data.training.std.toPrecision(3)})
          </span>
        ) : null}
      </div>
      {q.error ? <ErrorAlert error={q.error} /> : null}
      {q.data ? (
        <HistogramChart
          edges={q.data.binEdges}
          series={[
            { id: 'training', label: `training (${q.data.training.count.toLocaleString('en-US')})`, color: '#9aa5b4', values: q.data.training.share },
            ...(q.data.live ? [{ id: 'live', label: `live (${q.data.live.count.toLocaleString('en-US')})`, color: '#e8590c', values: q.data.live.share }] : []),
          ]}
          format={(x) => `${Math.round(x * 1000) / 10}%`}
          height={240}
          testId="training-vs-live-chart"
        />
      ) : (
        <div className="chart-placeholder">Loading…</div>
      )}
    </div>
  );
}
