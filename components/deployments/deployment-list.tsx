'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { EmptyState } from '../ui/empty-state';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { CreateDeploymentForm } from './create-deployment-form';
import { count, percent, since, STATUS_LABEL, statusTone, STRATEGY_LABEL } from './deployment-format';
import type { TDeploymentSummary } from './deployment-types';
import { SplitBar } from './split-bar';

export function splitOf(d: Pick<TDeploymentSummary, 'strategy' | 'candidatePercent' | 'stable' | 'candidate' | 'status'>) {
  const ab = d.strategy === 'ab_test';
  const live = d.status === 'running' || d.status === 'paused';
  const cand = live ? d.candidatePercent : d.status === 'promoted' || d.status === 'completed' ? 100 : 0;
  return [
    ...(d.stable ? [{ key: ab ? 'a' : 'stable', label: `${ab ? 'A' : 'Stable'} v${d.stable.version}`, percent: 100 - cand }] : []),
    ...(d.candidate ? [{ key: ab ? 'b' : 'canary', label: `${ab ? 'B' : 'Candidate'} v${d.candidate.version}`, percent: cand }] : []),
  ];
}

function Figures({ d }: { d: TDeploymentSummary }) {
  const f = (d.figures ?? {}) as Record<string, number | string | null>;
  const num = (k: string) => (typeof f[k] === 'number' ? (f[k] as number) : null);
  if (d.strategy === 'canary' && num('candidateRequests') !== null) {
    return (
      <span className="small">
        {count(num('candidateRequests'))} req · {percent(num('candidateErrorRate'))} err
      </span>
    );
  }
  if (d.strategy === 'blue_green' && num('liveWorkers') !== null) {
    return (
      <span className="small">
        ready on {num('candidateReady')}/{num('liveWorkers')} workers
      </span>
    );
  }
  return <span className="muted small">—</span>;
}

export function DeploymentList({ canWrite }: { canWrite: boolean }) {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.deployments.list.queryOptions({}), refetchInterval: 10_000 });
  const [creating, setCreating] = useState(false);
  if (query.isPending) return <div className="card loading">Loading deployments…</div>;
  if (query.error) return <ErrorAlert error={query.error} />;
  const rows = query.data;
  const active = rows.filter((d) => d.status === 'running' || d.status === 'paused');
  return (
    <div className="stack">
      {canWrite ? (
        creating ? (
          <CreateDeploymentForm onClose={() => setCreating(false)} />
        ) : (
          <div className="toolbar-right">
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="new-deployment">
              New deployment
            </button>
          </div>
        )
      ) : null}
      {rows.length === 0 ? (
        <EmptyState title="Nothing is deployed yet" testId="deployments-empty">
          <p>A deployment moves a model version into production, and is what inference workers follow:</p>
          <ol>
            <li>
              Take a version through <code>staging</code> in <Link href="/models">Models</Link>, with its validation tests and latency benchmark passing.
            </li>
            <li>
              Start a deployment with <strong>New deployment</strong>: a <strong>canary</strong> (the candidate at 5% for 24 hours by default, optionally in steps
              such as 5 → 25 → 50 → 100), <strong>blue-green</strong> (all at once after the health check on every worker) or an <strong>A/B test</strong>{' '}
              (a fixed split until the verdict).
            </li>
            <li>
              A canary rolls back on its own when its error rate exceeds twice the stable version&apos;s (at least 1% with the 0.5% floor) after 200 requests, or
              its p99 latency breaks the SLA.
            </li>
          </ol>
          <p>
            Inference workers authenticate with an API token that has the <code>worker</code> scope; an admin creates one in <Link href="/settings">Settings</Link>.
          </p>
        </EmptyState>
      ) : (
        <section className="card">
          <div className="card-header">
            <div>
              <h2>Deployments</h2>
              <p>
                {active.length} active of {rows.length}. Live figures refresh every 10 seconds.
              </p>
            </div>
          </div>
          <div className="table-wrap">
            <table className="table table-hover" data-testid="deployments-table">
              <thead>
                <tr>
                  <th>Model</th>
                  <th>Strategy</th>
                  <th>Versions</th>
                  <th style={{ width: 260 }}>Traffic split</th>
                  <th>Status</th>
                  <th>Started</th>
                  <th>Figures</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.id} data-testid="deployment-row" data-status={d.status} data-model={d.modelName}>
                    <td>
                      <Link href={`/deployments/${d.id}`} className="strong-link" data-testid="deployment-link">
                        {d.modelName}
                      </Link>
                    </td>
                    <td>{STRATEGY_LABEL[d.strategy] ?? d.strategy}</td>
                    <td className="nowrap mono">
                      {d.stable ? `v${d.stable.version}` : <span className="muted">none</span>} → v{d.candidate?.version ?? '?'}
                    </td>
                    <td>
                      <SplitBar segments={splitOf(d)} compact />
                    </td>
                    <td>
                      <span className={`badge ${statusTone(d.status)}`} data-testid="deployment-status">
                        {STATUS_LABEL[d.status] ?? d.status}
                      </span>
                    </td>
                    <td className="nowrap" title={formatDateTime(d.createdAt)}>
                      {since(d.createdAt)}
                    </td>
                    <td className="nowrap">
                      <Figures d={d} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
