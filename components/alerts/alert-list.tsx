'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { count, ms, percent } from '../deployments/deployment-format';
import type { TAlertEntry } from '../deployments/deployment-types';
import { useTRPC } from '../trpc';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';

const STATUSES = ['open', 'acknowledged', 'resolved'] as const;
const KINDS = ['rollback', 'error_rate', 'latency', 'drift'] as const;
type TStatus = (typeof STATUSES)[number];
type TKind = (typeof KINDS)[number];

const KIND_LABEL: Record<string, string> = { rollback: 'Rollback', error_rate: 'Error rate', latency: 'Latency', drift: 'Drift' };
const SEVERITY_TONE: Record<string, string> = { critical: 'badge-danger', warning: 'badge-warning', info: 'badge-muted' };
const STATUS_TONE: Record<string, string> = { open: 'badge-danger', acknowledged: 'badge-warning', resolved: 'badge-success' };

/** The most telling figures of an alert, formatted by what they measure. */
function figureChips(figures: unknown): string[] {
  if (!figures || typeof figures !== 'object') return [];
  const f = figures as Record<string, unknown>;
  const out: string[] = [];
  const n = (k: string) => (typeof f[k] === 'number' && Number.isFinite(f[k]) ? (f[k] as number) : null);
  if (n('candidateRequests') !== null) out.push(`${count(n('candidateRequests'))} requests`);
  if (n('candidateErrorRate') !== null) out.push(`error rate ${percent(n('candidateErrorRate'))}`);
  if (n('errorRateThreshold') !== null) out.push(`limit ${percent(n('errorRateThreshold'))}`);
  if (n('candidateP99Ms') !== null) out.push(`p99 ${ms(n('candidateP99Ms'))}`);
  if (typeof f.feature === 'string') out.push(`feature ${f.feature === '__prediction__' ? 'prediction' : f.feature}`);
  if (n('meanShift') !== null) out.push(`mean shift ${n('meanShift')!.toFixed(2)}σ`);
  if (n('psi') !== null) out.push(`PSI ${n('psi')!.toFixed(3)}`);
  if (n('ks') !== null) out.push(`KS ${n('ks')!.toFixed(3)}`);
  return out.slice(0, 6);
}

export function AlertList(props: { modelName?: string; canWrite: boolean; showFilters?: boolean; initialStatus?: TStatus[]; compact?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<TStatus[]>(props.initialStatus ?? ['open', 'acknowledged']);
  const [kind, setKind] = useState<TKind[]>([]);
  const input = { status: status.length ? status : undefined, kind: kind.length ? kind : undefined, modelName: props.modelName, limit: props.compact ? 20 : 100 };
  const query = useQuery({ ...trpc.alerts.list.queryOptions(input), refetchInterval: 15_000 });
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
  const ack = useMutation(trpc.alerts.acknowledge.mutationOptions({ onSuccess }));
  const resolve = useMutation(trpc.alerts.resolve.mutationOptions({ onSuccess }));
  const toggle = <T,>(list: T[], x: T) => (list.includes(x) ? list.filter((y) => y !== x) : [...list, x]);
  const alerts = query.data?.alerts ?? [];
  return (
    <section className="card" data-testid="alert-list">
      <div className="card-header">
        <div>
          <h2>Alerts</h2>
          <p>Drift, error rate, latency and rollbacks. Acknowledge to say someone is on it; resolve to close.</p>
        </div>
      </div>
      {props.showFilters !== false ? (
        <div className="card-body alert-filters">
          <span className="field-label">Status</span>
          <div className="filter-buttons" role="group" aria-label="Status">
            {STATUSES.map((s) => (
              <button key={s} type="button" className={status.includes(s) ? 'chip chip-on' : 'chip'} aria-pressed={status.includes(s)} onClick={() => setStatus(toggle(status, s))} data-testid={`alert-filter-${s}`}>
                {s}
              </button>
            ))}
          </div>
          <span className="field-label">Kind</span>
          <div className="filter-buttons" role="group" aria-label="Kind">
            {KINDS.map((k) => (
              <button key={k} type="button" className={kind.includes(k) ? 'chip chip-on' : 'chip'} aria-pressed={kind.includes(k)} onClick={() => setKind(toggle(kind, k))} data-testid={`alert-filter-${k}`}>
                {KIND_LABEL[k]}
              </button>
            ))}
          </div>
        </div>
      ) : null}
      <ErrorAlert error={query.error ?? ack.error ?? resolve.error} />
      {query.isPending ? (
        <div className="card-body loading">Loading alerts…</div>
      ) : alerts.length === 0 ? (
        <div className="card-body empty-inline" data-testid="alerts-empty">
          <span className="empty-inline-text">No alerts match{props.modelName ? ` for ${props.modelName}` : ''}.</span>
        </div>
      ) : (
        <ul className="alert-items">
          {alerts.map((a) => (
            <AlertItem key={a.id} a={a} canWrite={props.canWrite} showModel={!props.modelName} pending={ack.isPending || resolve.isPending} onAck={() => ack.mutate({ alertId: a.id })} onResolve={() => resolve.mutate({ alertId: a.id })} />
          ))}
        </ul>
      )}
    </section>
  );
}

function AlertItem(props: { a: TAlertEntry; canWrite: boolean; showModel: boolean; pending: boolean; onAck: () => void; onResolve: () => void }) {
  const { a } = props;
  const chips = figureChips(a.figures);
  return (
    <li className={`alert-item alert-item-${a.severity}`} data-testid="alert-item" data-kind={a.kind} data-status={a.status}>
      <div className="alert-item-main">
        <div className="alert-item-head">
          <span className={`badge ${SEVERITY_TONE[a.severity] ?? 'badge-muted'}`}>{a.severity}</span>
          <span className="badge badge-muted">{KIND_LABEL[a.kind] ?? a.kind}</span>
          <strong className="alert-item-title">{a.title}</strong>
        </div>
        <div className="alert-item-message">{a.message}</div>
        {chips.length ? (
          <div className="metric-chips">
            {chips.map((c) => (
              <span key={c} className="kv-chip">
                {c}
              </span>
            ))}
          </div>
        ) : null}
        <div className="alert-item-meta small muted">
          {formatDateTime(a.createdAt)}
          {props.showModel && a.model ? (
            <>
              {' · '}
              <Link href={`/monitoring/${encodeURIComponent(a.model)}`}>{a.model}</Link>
              {a.version ? ` v${a.version}` : ''}
            </>
          ) : a.version ? (
            ` · v${a.version}`
          ) : null}
          {a.deploymentId ? (
            <>
              {' · '}
              <Link href={`/deployments/${a.deploymentId}`}>deployment</Link>
            </>
          ) : null}
          {a.acknowledgedBy ? ` · acknowledged by ${a.acknowledgedBy}` : ''}
          {a.resolvedAt ? ` · resolved ${formatDateTime(a.resolvedAt)}` : ''}
        </div>
      </div>
      <div className="alert-item-side">
        <span className={`badge ${STATUS_TONE[a.status] ?? 'badge-muted'}`} data-testid="alert-status">
          {a.status}
        </span>
        {props.canWrite && a.status !== 'resolved' ? (
          <div className="alert-item-actions">
            {a.status === 'open' ? (
              <button type="button" className="btn btn-sm" onClick={props.onAck} disabled={props.pending} data-testid="alert-acknowledge">
                Acknowledge
              </button>
            ) : null}
            <button type="button" className="btn btn-sm" onClick={props.onResolve} disabled={props.pending} data-testid="alert-resolve">
              Resolve
            </button>
          </div>
        ) : null}
      </div>
    </li>
  );
}
