'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '../trpc';
import { ErrorAlert } from '../ui/error-alert';
import { count, VARIANT_COLORS } from './deployment-format';
import type { TAbResults } from './deployment-types';

type TVariant = TAbResults['variants'][number];

function fmt(kind: TAbResults['kind'], v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return kind === 'binary' ? `${(v * 100).toFixed(2)}%` : Number(v.toPrecision(4)).toString();
}

function fmtP(p: number): string {
  return p < 0.0001 ? '< 0.0001' : p.toFixed(4);
}

/**
 * The A/B verdict: per variant what it served and the outcomes posted for it, then the test —
 * or, until both variants have enough predictions and outcomes, how far along they are (no peeking).
 */
export function AbResultPanel({ deploymentId, refetch }: { deploymentId: string; refetch: boolean }) {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.monitoring.abResults.queryOptions({ deploymentId }), refetchInterval: refetch ? 5_000 : false });
  if (query.isPending) return <section className="card loading">Loading the A/B result…</section>;
  if (query.error) return <ErrorAlert error={query.error} />;
  const r = query.data;
  const label = r.kind === 'binary' ? 'Conversion rate' : r.kind === 'continuous' ? 'Mean outcome' : 'Estimate';
  const v = r.verdict;
  return (
    <section className="card" data-testid="ab-result">
      <div className="card-header">
        <div>
          <h2>A/B result</h2>
          <p>
            {r.kind === 'continuous' ? "Welch's t-test" : 'Two-proportion z-test'} at α = {r.alpha}; no verdict before {count(r.minPerVariant)} predictions and{' '}
            {count(r.minPerVariant)} outcomes per variant.
          </p>
        </div>
        {v ? (
          <span className={`badge ${v.significant ? 'badge-success' : 'badge-muted'}`} data-testid="ab-verdict">
            {v.significant ? `${v.winner === 'b' ? 'B' : 'A'} wins` : 'No significant difference'}
          </span>
        ) : (
          <span className="badge badge-warning" data-testid="ab-verdict">
            Collecting
          </span>
        )}
      </div>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>Variant</th>
              <th className="num">Predictions</th>
              <th className="num">Outcomes</th>
              <th className="num">{label}</th>
              <th>95% interval</th>
              <th>Training run</th>
            </tr>
          </thead>
          <tbody>
            {r.variants.map((x) => (
              <VariantRow key={x.variant} x={x} kind={r.kind} min={r.minPerVariant} />
            ))}
          </tbody>
        </table>
      </div>
      <div className="card-body">
        {v ? (
          <dl className="facts ab-facts" data-testid="ab-stats">
            <div className="fact">
              <dt>Effect (B − A)</dt>
              <dd>
                <strong>
                  {v.effect >= 0 ? '+' : ''}
                  {fmt(r.kind, v.effect)}
                </strong>
                {v.relativeEffect !== null ? <span className="muted"> ({(v.relativeEffect * 100).toFixed(1)}% lift)</span> : null}
              </dd>
            </div>
            <div className="fact">
              <dt>{Math.round((1 - r.alpha) * 100)}% interval</dt>
              <dd>
                [{fmt(r.kind, v.interval[0])}, {fmt(r.kind, v.interval[1])}]
              </dd>
            </div>
            <div className="fact">
              <dt>p-value</dt>
              <dd data-testid="ab-p-value">{fmtP(v.pValue)}</dd>
            </div>
            <div className="fact">
              <dt>{v.effectSizeName}</dt>
              <dd>{v.effectSize === null ? '—' : v.effectSize.toFixed(3)}</dd>
            </div>
            <div className="fact">
              <dt>Statistic</dt>
              <dd>
                {v.test === "Welch's t-test" ? 't' : 'z'} = {v.statistic.toFixed(3)}
                {v.df !== null ? `, df = ${v.df.toFixed(1)}` : ''}
              </dd>
            </div>
          </dl>
        ) : r.readiness.ready ? null : (
          <div data-testid="ab-progress">
            <div className="meter meter-wait">
              <div className="meter-head">
                <span className="meter-label">Progress to a verdict</span>
                <span className="meter-value">
                  <strong>{Math.floor(r.readiness.progress * 100)}%</strong>
                </span>
              </div>
              <div className="meter-track">
                <div className="meter-fill" style={{ width: `${Math.min(100, r.readiness.progress * 100)}%` }} />
              </div>
              <div className="meter-note small muted">Still needed: {r.readiness.missing.join('; ')}</div>
            </div>
          </div>
        )}
      </div>
    </section>
  );
}

function VariantRow({ x, kind, min }: { x: TVariant; kind: TAbResults['kind']; min: number }) {
  return (
    <tr data-testid={`ab-variant-${x.variant}`}>
      <td>
        <span className="swatch" style={{ background: VARIANT_COLORS[x.variant] }} />
        <strong>{x.variant.toUpperCase()}</strong> <span className="mono">v{x.version}</span>
      </td>
      <td className="num">
        {count(x.predictions)}
        {x.predictions < min ? <span className="muted small"> / {count(min)}</span> : null}
      </td>
      <td className="num">
        {count(x.outcomes)}
        {x.outcomes < min ? <span className="muted small"> / {count(min)}</span> : null}
      </td>
      <td className="num">{fmt(kind, x.estimate)}</td>
      <td className="nowrap">{x.interval ? `[${fmt(kind, x.interval[0])}, ${fmt(kind, x.interval[1])}]` : '—'}</td>
      <td>
        {x.run ? <Link href={`/runs/${x.run.id}`}>{x.run.name || x.run.id.slice(0, 8)}</Link> : <span className="muted">—</span>}
        {x.experiment ? (
          <span className="muted small">
            {' '}
            in <Link href={`/experiments/${x.experiment.id}`}>{x.experiment.name}</Link>
          </span>
        ) : null}
      </td>
    </tr>
  );
}
