'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo } from 'react';
import type { TCanaryPolicyView } from '@/server/contracts/deployments';
import { VersionTrafficCharts } from '../charts/version-traffic-charts';
import { useTRPC } from '../trpc';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { AbResultPanel } from './ab-result-panel';
import { DeploymentActions } from './deployment-actions';
import { count, duration, ms, percent, ROLE_COLORS, since, STATUS_LABEL, statusTone, STRATEGY_LABEL } from './deployment-format';
import { splitOf } from './deployment-list';
import type { TDeploymentDetails, TDeploymentEvent } from './deployment-types';
import { SplitBar } from './split-bar';

const REFRESH_MS = 5_000;
const SEVEN_DAYS_MS = 7 * 86_400_000 - 60_000;

// Recorded figures (a JSON map, as the server answers it); the live decision's are typed.
type TFigures = Record<string, number | string | null>;
const num = (f: TFigures | null | undefined, k: string): number | null => {
  const v = f?.[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

export function DeploymentView({ id, canWrite }: { id: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.deployments.get.queryOptions({ deploymentId: id }), refetchInterval: (q) => (q.state.data && !q.state.data.endedAt ? REFRESH_MS : false) });
  if (query.isPending) return <div className="card loading">Loading deployment…</div>;
  if (query.error) return <ErrorAlert error={query.error} />;
  return <DeploymentDetails d={query.data} canWrite={canWrite} />;
}

function DeploymentDetails({ d, canWrite }: { d: TDeploymentDetails; canWrite: boolean }) {
  const active = d.status === 'running' || d.status === 'paused';
  const ab = d.strategy === 'ab_test';
  const versions = useMemo(
    () => [
      ...(d.stable ? [{ version: d.stable.version, label: `${ab ? 'A' : 'stable'} v${d.stable.version}`, color: ROLE_COLORS.stable }] : []),
      ...(d.candidate ? [{ version: d.candidate.version, label: `${ab ? 'B' : 'candidate'} v${d.candidate.version}`, color: ROLE_COLORS.candidate }] : []),
    ],
    [d.stable, d.candidate, ab],
  );
  // The chart range: from a little before the start to the end (or now), within the 7-day read limit.
  const to = d.endedAt ? new Date(d.endedAt.getTime() + 5 * 60_000) : undefined;
  const endMs = (to ?? new Date()).getTime();
  const from = new Date(Math.max(d.createdAt.getTime() - 10 * 60_000, endMs - SEVEN_DAYS_MS));
  const fromKey = Math.floor(from.getTime() / 60_000);
  const stableFrom = useMemo(() => new Date(fromKey * 60_000), [fromKey]);
  const figures = d.figures;
  // The canary's limits as the server judges them (never recomputed here from a copy of the policy).
  const policy = d.canaryPolicy;
  const sla = policy?.slaP99Ms ?? num(figures, 'slaP99Ms');
  return (
    <div className="stack ops" data-testid="deployment-view" data-status={d.status}>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/deployments">Deployments</Link> <span aria-hidden="true">/</span> <span>{d.modelName}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1>
            <Link href={`/models/${encodeURIComponent(d.modelName)}`}>{d.modelName}</Link> <span className="muted">·</span> {STRATEGY_LABEL[d.strategy] ?? d.strategy}{' '}
            <span className={`badge ${statusTone(d.status)}`} data-testid="deployment-status">
              {STATUS_LABEL[d.status] ?? d.status}
            </span>
          </h1>
          <dl className="facts">
            <div className="fact">
              <dt>Versions</dt>
              <dd className="mono">
                {d.stable ? `v${d.stable.version}` : 'none'} → v{d.candidate?.version}
              </dd>
            </div>
            <div className="fact">
              <dt>Started</dt>
              <dd title={formatDateTime(d.createdAt)}>{since(d.createdAt)}</dd>
            </div>
            {d.endedAt ? (
              <div className="fact">
                <dt>Ended</dt>
                <dd>{formatDateTime(d.endedAt)}</dd>
              </div>
            ) : null}
            {d.strategy === 'canary' ? (
              <div className="fact">
                <dt>Plan</dt>
                <dd>
                  {d.stepsPercent.length > 1 ? `${d.stepsPercent.join('% → ')}%` : `${d.stepsPercent[0] ?? d.candidatePercent}%`}, {duration(d.stepDurationS)} per step
                  {d.autoPromote ? ', promotes itself' : ', waits for an owner'}
                </dd>
              </div>
            ) : null}
            {d.strategy !== 'ab_test' ? (
              <div className="fact">
                <dt>Approval</dt>
                <dd data-testid="deployment-approval">
                  {d.approval ? `${d.approval.approvedBy ?? 'an owner'} (requested by ${d.approval.requestedBy})` : active ? 'none yet: a second owner promotes it' : d.status === 'promoted' ? 'the owner who promoted it (see the history)' : 'none'}
                </dd>
              </div>
            ) : null}
            {sla !== null ? (
              <div className="fact">
                <dt>SLA</dt>
                <dd>p99 ≤ {sla} ms</dd>
              </div>
            ) : null}
          </dl>
        </div>
        {canWrite && active ? <DeploymentActions deployment={d} /> : null}
      </div>

      {d.status === 'rolled_back' ? (
        <div className="alert alert-error rollback-banner" role="alert" data-testid="rollback-banner">
          <strong>Rolled back{d.endedAt ? ` ${formatDateTime(d.endedAt)}` : ''}.</strong> {d.reason ?? 'No reason was recorded.'}
          {figures && num(figures, 'candidateRequests') !== null ? (
            <div className="small rollback-figures">
              Candidate: {count(num(figures, 'candidateRequests'))} requests, {percent(num(figures, 'candidateErrorRate'))} errors (threshold {percent(num(figures, 'errorRateThreshold'))}, stable{' '}
              {percent(num(figures, 'stableErrorRate'))}), p99 {ms(num(figures, 'candidateP99Ms'))}.
            </div>
          ) : null}
        </div>
      ) : null}
      {d.status === 'promoted' ? (
        <div className="alert alert-success" data-testid="promoted-banner">
          <strong>Promoted.</strong> v{d.candidate?.version} serves all traffic. {d.reason ?? ''}
        </div>
      ) : null}
      {d.status === 'paused' ? (
        <div className="alert alert-warning">
          <strong>Paused.</strong> The split holds where it is; automated rollback keeps watching. {d.reason ?? ''}
        </div>
      ) : null}

      <div className="panel-grid">
        <section className="card" data-testid="live-split">
          <div className="card-header">
            <div>
              <h2>{active ? 'Live traffic split' : 'Traffic split at the end'}</h2>
              <p>{d.strategy === 'canary' && d.stepsPercent.length > 1 ? `Step ${d.stepIndex + 1} of ${d.stepsPercent.length}, since ${formatDateTime(d.stepStartedAt)}` : 'Share of requests each version serves.'}</p>
            </div>
          </div>
          <div className="card-body">
            <SplitBar segments={splitOf(d)} />
            <table className="table table-compact window-table">
              <thead>
                <tr>
                  <th>Window</th>
                  <th className="num">Requests</th>
                  <th className="num">Error rate</th>
                  <th className="num">p50</th>
                  <th className="num">p99</th>
                </tr>
              </thead>
              <tbody>
                {[
                  ['candidate', `${ab ? 'B' : 'Candidate'} v${d.candidate?.version} (${ab ? 'since the start' : 'this step'})`, candidateWindow(d)] as const,
                  ...(d.windows.stable && d.stable ? [['stable', `${ab ? 'A' : 'Stable'} v${d.stable.version} (trailing hour)`, d.windows.stable] as const] : []),
                ].map(([key, label, w]) => (
                  <tr key={key} data-testid={`window-${key}`}>
                    <td>
                      <span className="swatch" style={{ background: ROLE_COLORS[key] }} />
                      {label}
                    </td>
                    <td className="num">{count(w.requests)}</td>
                    <td className="num">{percent(w.errorRate)}</td>
                    <td className="num">{ms(w.p50Ms)}</td>
                    <td className="num">{ms(w.p99Ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        {policy ? <CanaryPolicy d={d} policy={policy} /> : null}
        {d.strategy === 'blue_green' ? <BlueGreenStatus d={d} /> : null}
      </div>

      {ab ? <AbResultPanel deploymentId={d.id} refetch={active} /> : null}

      <section>
        <h2 className="section-title">Candidate vs stable, per minute</h2>
        <VersionTrafficCharts
          modelName={d.modelName}
          versions={versions}
          from={stableFrom}
          to={to}
          refetchMs={active ? REFRESH_MS : undefined}
          errorThreshold={policy ? { y: policy.errorRateThreshold, label: `rollback above ${percent(policy.errorRateThreshold, 1)}` } : undefined}
          latencyThreshold={sla !== null ? { y: sla, label: `SLA ${sla} ms` } : undefined}
          testIdPrefix="deployment"
        />
      </section>

      <section className="card" data-testid="deployment-history">
        <div className="card-header">
          <div>
            <h2>History</h2>
            <p>Every change of this deployment, from the audit log.</p>
          </div>
        </div>
        <ol className="deploy-timeline">
          {d.history.map((e) => (
            <HistoryItem key={e.id} e={e} />
          ))}
        </ol>
      </section>
    </div>
  );
}

/**
 * The candidate's window, or the figures the evaluator last recorded when they cover more (the
 * window read and the evaluation round the step start differently, and an ended deployment keeps
 * only its recorded figures).
 */
function candidateWindow(d: TDeploymentDetails) {
  const f = d.liveDecision?.figures ?? null;
  const w = d.windows.candidate;
  const recorded = f ? f.candidateRequests : num(d.figures, 'candidateRequests');
  if (recorded === null || recorded <= w.requests) return w;
  const rate = f ? f.candidateErrorRate : num(d.figures, 'candidateErrorRate');
  return { requests: recorded, errors: rate === null ? 0 : Math.round(rate * recorded), errorRate: rate, p50Ms: null, p99Ms: f ? f.candidateP99Ms : num(d.figures, 'candidateP99Ms') };
}

function Meter(props: { label: string; value: string; limit: string; ratio: number | null; state: 'ok' | 'bad' | 'wait'; note?: string; testId: string }) {
  const width = props.ratio === null ? 0 : Math.min(1, Math.max(0, props.ratio)) * 100;
  return (
    <div className={`meter meter-${props.state}`} data-testid={props.testId} data-state={props.state}>
      <div className="meter-head">
        <span className="meter-label">{props.label}</span>
        <span className="meter-value">
          <strong>{props.value}</strong> <span className="muted">/ {props.limit}</span>
        </span>
      </div>
      <div className="meter-track">
        <div className="meter-fill" style={{ width: `${width}%` }} />
      </div>
      {props.note ? <div className="meter-note small muted">{props.note}</div> : null}
    </div>
  );
}

function CanaryPolicy({ d, policy }: { d: TDeploymentDetails; policy: TCanaryPolicyView }) {
  // What the policy decides on: the live decision's figures, else the last evaluation's
  // (recorded every 30 s), else the raw window; its limits as the server sends them.
  const live = d.liveDecision?.figures ?? null;
  const f: TFigures | null = live ?? d.figures;
  const threshold = policy.errorRateThreshold;
  const sla = policy.slaP99Ms;
  const { minCandidateRequests, errorRateFactor, errorRateFloor, lowestErrorRateThreshold } = policy;
  const w = d.windows.candidate;
  const requests = Math.max(num(f, 'candidateRequests') ?? 0, w.requests);
  const fromFigures = (num(f, 'candidateRequests') ?? -1) >= w.requests;
  const errorRate = (fromFigures ? num(f, 'candidateErrorRate') : w.errorRate) ?? 0;
  const p99 = fromFigures ? num(f, 'candidateP99Ms') : w.p99Ms;
  const stableRate = num(f, 'stableErrorRate') ?? d.windows.stable?.errorRate ?? 0;
  const enough = requests >= minCandidateRequests;
  return (
    <section className="card" data-testid="canary-policy">
      <div className="card-header">
        <div>
          <h2>Canary policy</h2>
          <p>Evaluated every 30 seconds against the stable version&apos;s trailing hour.</p>
        </div>
      </div>
      <div className="card-body meters">
        <Meter
          label="Candidate requests"
          value={count(requests)}
          limit={`${minCandidateRequests} before a decision`}
          ratio={requests / minCandidateRequests}
          state={enough ? 'ok' : 'wait'}
          testId="policy-requests"
        />
        <Meter
          label="Error rate"
          value={percent(errorRate)}
          limit={`${percent(threshold)} limit`}
          ratio={threshold > 0 ? errorRate / threshold : null}
          state={errorRate > threshold ? (enough ? 'bad' : 'wait') : 'ok'}
          note={`${errorRateFactor}× the stable rate (${percent(stableRate)}), floored at ${percent(errorRateFloor, 1)}: never below ${percent(lowestErrorRateThreshold, 1)}.`}
          testId="policy-error-rate"
        />
        <Meter
          label="p99 latency"
          value={ms(p99)}
          limit={`${sla} ms SLA`}
          ratio={p99 !== null && sla ? p99 / sla : null}
          state={p99 !== null && p99 > sla ? (enough ? 'bad' : 'wait') : 'ok'}
          testId="policy-latency"
        />
        {d.liveDecision ? (
          <p className="policy-decision" data-testid="policy-decision">
            <span className={`badge ${d.liveDecision.action === 'rollback' ? 'badge-danger' : d.liveDecision.action === 'promote' ? 'badge-success' : 'badge-muted'}`}>
              {d.liveDecision.action === 'continue' ? 'continue' : `would ${d.liveDecision.action}`}
            </span>{' '}
            {d.liveDecision.message}
          </p>
        ) : null}
      </div>
    </section>
  );
}

function BlueGreenStatus({ d }: { d: TDeploymentDetails }) {
  const f = (d.figures ?? null) as TFigures | null;
  const live = num(f, 'liveWorkers');
  const ready = num(f, 'candidateReady');
  return (
    <section className="card" data-testid="blue-green-status">
      <div className="card-header">
        <div>
          <h2>Health check</h2>
          <p>Traffic switches all at once when every live worker has loaded and checked the candidate.</p>
        </div>
      </div>
      <div className="card-body meters">
        <Meter label="Workers ready" value={ready === null ? '—' : String(ready)} limit={live === null ? '—' : `${live} live`} ratio={live ? (ready ?? 0) / live : null} state={live && ready === live ? 'ok' : 'wait'} testId="bg-ready" />
        {d.reason ? <p className="muted small">{d.reason}</p> : null}
      </div>
    </section>
  );
}

const EVENT_LABEL: Record<string, string> = {
  'deployment.created': 'Started',
  'deployment.step_advanced': 'Step advanced',
  'deployment.paused': 'Paused',
  'deployment.resumed': 'Resumed',
  'deployment.promoted': 'Promoted',
  'deployment.rolled_back': 'Rolled back',
  'deployment.rolled_back_automatically': 'Rolled back automatically',
  'deployment.cancelled': 'Cancelled',
};

function eventTone(action: string): string {
  if (action.startsWith('deployment.rolled_back')) return 'danger';
  if (action === 'deployment.promoted') return 'success';
  if (action === 'deployment.paused') return 'warning';
  return 'accent';
}

function HistoryItem({ e }: { e: TDeploymentEvent }) {
  const after = (e.after ?? {}) as Record<string, unknown>;
  const figures = (after.figures ?? null) as TFigures | null;
  return (
    <li className={`deploy-event deploy-event-${eventTone(e.action)}`} data-testid="history-item" data-action={e.action}>
      <span className="deploy-event-dot" aria-hidden="true" />
      <div className="deploy-event-body">
        <div className="deploy-event-head">
          <strong>{EVENT_LABEL[e.action] ?? e.action}</strong>
          <span className="muted small">
            {formatDateTime(e.at)} · {e.actorLabel}
          </span>
        </div>
        {e.reason ? <div className="deploy-event-reason">{e.reason}</div> : null}
        {figures && num(figures, 'candidateRequests') !== null ? (
          <div className="metric-chips">
            <span className="kv-chip">requests {count(num(figures, 'candidateRequests'))}</span>
            <span className="kv-chip">error rate {percent(num(figures, 'candidateErrorRate'))}</span>
            <span className="kv-chip">threshold {percent(num(figures, 'errorRateThreshold'))}</span>
            <span className="kv-chip">stable {percent(num(figures, 'stableErrorRate'))}</span>
            <span className="kv-chip">p99 {ms(num(figures, 'candidateP99Ms'))}</span>
          </div>
        ) : null}
      </div>
    </li>
  );
}
