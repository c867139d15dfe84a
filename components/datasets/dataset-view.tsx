'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { PageHeader } from '../ui/page-header';
import { useTRPC } from '../trpc';
import { shortHash } from '../tracking/run-format';
import { StatusBadge } from '../tracking/status-badge';

const KIND_LABEL: Record<string, string> = { 'dvc-md5': 'DVC md5', 's3-version': 'S3 version', semver: 'registry semver' };

/** Anchors on the page: one per version, so a run page can link straight to the version it read. */
export function versionAnchor(versionId: string): string {
  return `v-${versionId}`;
}

export function DatasetView({ name }: { name: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.datasets.get.queryOptions({ name }));
  if (query.isPending) return <div className="card loading">Loading dataset…</div>;
  if (query.error) return <ErrorAlert error={query.error} />;
  const d = query.data;
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/datasets">Datasets</Link> <span aria-hidden="true">/</span> <span>{d.name}</span>
      </nav>
      <PageHeader
        title={d.name}
        description={`${d.description ? `${d.description} · ` : ''}${d.versions.length} immutable version${d.versions.length === 1 ? '' : 's'} · first registered ${formatDateTime(new Date(d.createdAt))}`}
      />
      <div className="stack">
        <section className="card">
          <div className="card-header">
            <h2>Versions</h2>
          </div>
          <div className="table-wrap">
            <table className="table table-hover" data-testid="version-table">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Kind</th>
                  <th>Fingerprint</th>
                  <th className="num">Rows</th>
                  <th className="num">Runs</th>
                  <th>Registered</th>
                </tr>
              </thead>
              <tbody>
                {d.versions.map((v) => (
                  <tr key={v.id} data-testid="version-row">
                    <td>
                      <a href={`#${versionAnchor(v.id)}`}>
                        <code className="break">{v.version}</code>
                      </a>
                    </td>
                    <td>
                      <span className="badge">{KIND_LABEL[v.kind] ?? v.kind}</span>
                    </td>
                    <td>{v.fingerprint ? <code title={v.fingerprint}>{shortHash(v.fingerprint, 12)}…</code> : <span className="muted">—</span>}</td>
                    <td className="num">{v.rowCount === null ? <span className="muted">—</span> : v.rowCount.toLocaleString('en-US')}</td>
                    <td className="num">{v.runs.length}</td>
                    <td className="nowrap muted">{formatDateTime(new Date(v.createdAt))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <h2 className="section-title">Lineage</h2>
        {d.versions.map((v) => (
          <section key={v.id} id={versionAnchor(v.id)} className="card lineage-card" data-testid="version-lineage">
            <div className="card-header">
              <div>
                <h3>
                  <code className="break">{v.version}</code>
                </h3>
                <p>
                  {KIND_LABEL[v.kind] ?? v.kind}
                  {v.fingerprint ? ` · ${v.fingerprint.slice(0, 19)}…` : ''}
                  {v.rowCount !== null ? ` · ${v.rowCount.toLocaleString('en-US')} rows` : ''}
                </p>
              </div>
              <span className="badge">
                {v.runs.length} run{v.runs.length === 1 ? '' : 's'}
              </span>
            </div>
            {v.runs.length === 0 ? (
              <p className="card-body muted">No run has read this version yet.</p>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>Run that read it</th>
                    <th>Status</th>
                    <th>Experiment</th>
                    <th>Started</th>
                  </tr>
                </thead>
                <tbody>
                  {v.runs.map((r) => (
                    <tr key={r.runId} data-testid="lineage-run" data-run-id={r.runId}>
                      <td>
                        <Link href={`/runs/${r.runId}`} className="strong-link">
                          {r.runName || r.runId.slice(0, 8)}
                        </Link>
                      </td>
                      <td>
                        <StatusBadge status={r.status} />
                      </td>
                      <td>
                        <Link href={`/experiments/${r.experimentId}`}>Experiment {r.experimentId}</Link>
                      </td>
                      <td className="nowrap muted">{formatDateTime(new Date(r.startTime))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        ))}
      </div>
    </>
  );
}
