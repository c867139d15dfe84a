import Link from 'next/link';
import { formatDateTime } from '../ui/format';
import { EvidenceTables, GatesChecklist } from './gate-evidence';
import { formatMs, formatNumber, shortSha } from './model-format';
import type { TModelDetails, TVersionEntry } from './registry-types';
import { AliasChip, CompletenessBadge, StageBadge } from './stage-badge';
import { OpenRequest, VersionActions } from './version-actions';

type TDatasetRef = { id?: string; name: string; version: string; kind?: string; fingerprint?: string | null };
type TSignature = { inputs: { name: string; elemType: string; shape: (number | string | null)[] | null }[]; outputs: { name: string; elemType: string; shape: (number | string | null)[] | null }[] };

const datasetsOf = (raw: unknown): TDatasetRef[] => (Array.isArray(raw) ? (raw as TDatasetRef[]).filter((d) => d && typeof d.name === 'string') : []);
const shapeText = (shape: (number | string | null)[] | null) => (shape ? `[${shape.map((d) => (d === null ? '?' : d)).join(', ')}]` : 'unknown rank');

/** One version on the timeline: stage, aliases, completeness, lineage, the gates of its next step with their evidence, and its actions. */
export function VersionCard({ model, version }: { model: TModelDetails; version: TVersionEntry }) {
  const openRequest = model.promotions.find((p) => p.id === version.openRequestId);
  const datasets = datasetsOf(version.lineage.datasets);
  const signature = version.signature as TSignature | null;
  const metrics = (version.metrics ?? {}) as Record<string, number>;
  const archived = version.stage === 'archived';
  return (
    <li className={`timeline-item timeline-${version.stage}`} data-testid="version-card" data-version={version.version} data-stage={version.stage}>
      <span className="timeline-dot" aria-hidden="true" />
      <section className="card version-card" id={`v${version.version}`}>
        <div className="version-head">
          <div className="version-title">
            <h3>Version {version.version}</h3>
            <StageBadge stage={version.stage} />
            {version.aliases.map((a) => (
              <AliasChip key={a} alias={a} />
            ))}
            <CompletenessBadge complete={version.complete} missing={version.missing} />
          </div>
          <VersionActions model={model} version={version} openRequest={openRequest} />
        </div>
        <div className="version-sub muted small">
          Registered by {version.createdBy} · {formatDateTime(new Date(version.createdAt))} · in {version.stage} since {formatDateTime(new Date(version.stageChangedAt))}
          {version.description ? <> · {version.description}</> : null}
        </div>
        {!version.complete ? (
          <div className="alert alert-warning version-alert">
            Incomplete: missing {version.missing.map((m, i) => <span key={m}>{i ? ', ' : ''}<code>{m}</code></span>)}. It cannot leave development.
          </div>
        ) : null}
        {openRequest ? <OpenRequest model={model} version={version} request={openRequest} /> : null}

        <div className="version-body">
          <div className="lineage" data-testid="lineage">
            <div className="eyebrow">Lineage</div>
            <ol className="lineage-flow">
              <li>
                <span className="lineage-label">Data</span>
                {datasets.length ? (
                  datasets.map((d) => (
                    <Link key={`${d.name}@${d.version}`} href={`/datasets/${encodeURIComponent(d.name)}`} className="lineage-node" title={d.fingerprint ?? undefined}>
                      {d.name}
                      <span className="muted">@{d.version}</span>
                    </Link>
                  ))
                ) : (
                  <span className="muted">no dataset versions recorded</span>
                )}
              </li>
              <li>
                <span className="lineage-label">Run</span>
                {version.lineage.run ? (
                  <Link href={`/runs/${version.lineage.run.runId}`} className="lineage-node" data-testid="lineage-run">
                    {version.lineage.run.name || shortSha(version.lineage.run.runId, 8)}
                    <span className="muted mono"> {shortSha(version.lineage.run.runId, 8)}</span>
                  </Link>
                ) : (
                  <span className="muted">not from a run</span>
                )}
              </li>
              <li>
                <span className="lineage-label">Version</span>
                <span className="lineage-node lineage-self">
                  {model.name} v{version.version}
                </span>
              </li>
            </ol>
            <dl className="facts version-facts">
              <div className="fact">
                <dt>ONNX</dt>
                <dd>{version.onnxSha256 ? <code title={version.onnxSha256}>{shortSha(version.onnxSha256)}</code> : '—'}{version.onnxSize ? <span className="muted small"> · {formatBytes(version.onnxSize)}</span> : null}</dd>
              </div>
              <div className="fact">
                <dt>Config</dt>
                <dd>{version.configHash ? <code title={version.configHash}>{shortSha(version.configHash)}</code> : '—'}</dd>
              </div>
              <div className="fact">
                <dt>Data fingerprint</dt>
                <dd>{version.dataFingerprint ? <code title={version.dataFingerprint}>{shortSha(version.dataFingerprint)}</code> : '—'}</dd>
              </div>
            </dl>
            {Object.keys(metrics).length ? (
              <div className="metric-chips">
                {Object.entries(metrics)
                  .slice(0, 8)
                  .map(([k, val]) => (
                    <span key={k} className="kv-chip">
                      <span className="kv-key">{k}</span>
                      <span className="kv-value">{typeof val === 'number' ? formatNumber(val) : String(val)}</span>
                    </span>
                  ))}
              </div>
            ) : null}
            {signature ? (
              <details className="signature">
                <summary>Signature</summary>
                <table className="table table-compact">
                  <tbody>
                    {[...signature.inputs.map((t) => ({ ...t, dir: 'input' })), ...signature.outputs.map((t) => ({ ...t, dir: 'output' }))].map((t) => (
                      <tr key={`${t.dir}:${t.name}`}>
                        <td className="muted">{t.dir}</td>
                        <td>
                          <code>{t.name}</code>
                        </td>
                        <td>{t.elemType}</td>
                        <td className="mono">{shapeText(t.shape)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            ) : null}
          </div>
          <div className="version-gates">
            {archived ? (
              <p className="muted small">Archived {formatDateTime(version.archivedAt ? new Date(version.archivedAt) : null)}: kept with its artifacts for audit, never loaded by workers.</p>
            ) : version.stage === 'production' ? (
              <div className="gates">
                <div className="gates-head">
                  <span className="eyebrow">Serving production</span>
                </div>
                <p className="muted small">
                  Since {formatDateTime(version.enteredProductionAt ? new Date(version.enteredProductionAt) : null)}
                  {version.evidence.benchmark ? ` · p99 ${formatMs(version.evidence.benchmark.p99Ms)} on ${version.evidence.benchmark.hardware}` : ''}
                </p>
              </div>
            ) : (
              <GatesChecklist gates={version.gates} nextStage={version.nextStage} />
            )}
            <EvidenceTables evidence={version.evidence} />
          </div>
        </div>
      </section>
    </li>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
