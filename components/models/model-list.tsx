'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useTRPC } from '../trpc';
import { modelHref, slaLabel } from './model-format';
import { StageBadge } from './stage-badge';

export function ModelList({ empty }: { empty: ReactNode }) {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  if (models.isPending) return <div className="card loading">Loading models…</div>;
  if (models.error) return <ErrorAlert error={models.error} />;
  if (!models.data.length) return <>{empty}</>;
  const rows = [...models.data].sort((a, b) => new Date(b.updatedAt).getTime() - new Date(a.updatedAt).getTime());
  return (
    <section className="card">
      <div className="table-wrap">
        <table className="table table-hover" data-testid="model-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Owners</th>
              <th>Production</th>
              <th>Latest version</th>
              <th className="num">Versions</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => {
              const latest = m.latestVersions.reduce<(typeof m.latestVersions)[number] | null>((best, v) => (!best || v.version > best.version ? v : best), null);
              return (
                <tr key={m.id} data-testid="model-row" data-model={m.name}>
                  <td>
                    <Link href={modelHref(m.name)} className="strong-link">
                      {m.name}
                    </Link>
                    <div className="muted small">{m.description || slaLabel(m.slaClass)}</div>
                  </td>
                  <td className="owners-cell">{m.owners.map((o) => o.email).join(', ') || <span className="muted">—</span>}</td>
                  <td data-testid="model-production">
                    {m.productionVersion !== null ? <span className="badge badge-success">v{m.productionVersion}</span> : <span className="muted">—</span>}
                  </td>
                  <td>
                    {latest ? (
                      <span className="nowrap">
                        v{latest.version} <StageBadge stage={latest.stage} />
                      </span>
                    ) : (
                      <span className="muted">no versions</span>
                    )}
                  </td>
                  <td className="num">{m.versionCount}</td>
                  <td className="nowrap muted">{formatDateTime(new Date(m.updatedAt))}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
