'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useTRPC } from '../trpc';
import { formatAgo } from '../tracking/run-format';

// MLflow's "Default" experiment always exists; until someone logs to it, it is noise, not content.
const DEFAULT_EXPERIMENT_ID = '0';

/** The experiments table; `empty` (the how-to) is shown when nothing has been logged yet. */
export function ExperimentList({ empty }: { empty: ReactNode }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.experiments.summaries.queryOptions());
  if (query.isPending) return <div className="card loading">Loading experiments…</div>;
  if (query.error) return <ErrorAlert error={query.error} />;
  const experiments = query.data.filter((e) => !(e.experimentId === DEFAULT_EXPERIMENT_ID && e.runCount === 0));
  if (experiments.length === 0) return <>{empty}</>;

  return (
    <div className="card">
      <div className="table-wrap">
        <table className="table table-hover" data-testid="experiment-table">
          <thead>
            <tr>
              <th>Name</th>
              <th className="num">Runs</th>
              <th>Last activity</th>
              <th>Tags</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {experiments.map((e) => (
              <tr key={e.experimentId} data-testid="experiment-row" data-experiment-name={e.name}>
                <td>
                  <Link href={`/experiments/${e.experimentId}`} className="strong-link">
                    {e.name}
                  </Link>
                  <div className="muted small">id {e.experimentId}</div>
                </td>
                <td className="num">{e.runCount.toLocaleString('en-US')}</td>
                <td className="nowrap" title={e.lastActivity ? formatDateTime(new Date(e.lastActivity)) : undefined}>
                  {e.lastActivity ? formatAgo(e.lastActivity) : <span className="muted">no runs yet</span>}
                </td>
                <td>
                  {e.tags.length ? (
                    <div className="tag-list">
                      {e.tags
                        .filter((t) => !t.key.startsWith('mlflow.'))
                        .map((t) => (
                          <span key={t.key} className="kv-chip">
                            <span className="kv-key">{t.key}</span>
                            <span className="kv-value">{t.value}</span>
                          </span>
                        ))}
                    </div>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="nowrap muted">{formatDateTime(new Date(e.creationTime))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-foot">
        <span>
          {experiments.length} experiment{experiments.length === 1 ? '' : 's'}
        </span>
      </div>
    </div>
  );
}
