'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useTRPC } from '../trpc';

export function DatasetList({ empty }: { empty: ReactNode }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.datasets.list.queryOptions());
  if (query.isPending) return <div className="card loading">Loading datasets…</div>;
  if (query.error) return <ErrorAlert error={query.error} />;
  if (query.data.length === 0) return <>{empty}</>;
  return (
    <div className="card">
      <div className="table-wrap">
        <table className="table table-hover" data-testid="dataset-table">
          <thead>
            <tr>
              <th>Name</th>
              <th className="num">Versions</th>
              <th>Latest version</th>
              <th>Latest registered</th>
            </tr>
          </thead>
          <tbody>
            {query.data.map((d) => (
              <tr key={d.id} data-testid="dataset-row" data-dataset-name={d.name}>
                <td>
                  <Link href={`/datasets/${encodeURIComponent(d.name)}`} className="strong-link">
                    {d.name}
                  </Link>
                  {d.description ? <div className="muted small">{d.description}</div> : null}
                </td>
                <td className="num">{d.versionCount}</td>
                <td>{d.latestVersion ? <code className="break">{d.latestVersion.version}</code> : <span className="muted">—</span>}</td>
                <td className="nowrap muted">{d.latestVersion ? formatDateTime(new Date(d.latestVersion.createdAt)) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-foot">
        <span>
          {query.data.length} dataset{query.data.length === 1 ? '' : 's'}
        </span>
      </div>
    </div>
  );
}
