'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import type { ReactNode } from 'react';
import { CodeBlock } from '../ui/code-block';
import { CopyButton } from '../ui/copy-button';
import { DownloadTextButton } from '../ui/download-text-button';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useTRPC } from '../trpc';
import type { TRunDetails } from '../tracking/router-types';
import { formatBytes, formatDuration, runDuration, runEngineer, shortHash } from '../tracking/run-format';
import { StatusBadge } from '../tracking/status-badge';
import { jsonEntries, jsonField, reproduceCommand } from './run-json';
import { RegisterVersionButton } from './register-version-button';
import { RunMetrics } from './run-metrics';

const TABS = [
  { id: 'metrics', label: 'Metrics' },
  { id: 'config', label: 'Config' },
  { id: 'params', label: 'Params' },
  { id: 'tags', label: 'Tags' },
  { id: 'artifacts', label: 'Artifacts' },
  { id: 'environment', label: 'Environment' },
  { id: 'datasets', label: 'Datasets' },
  { id: 'reproduce', label: 'Reproduce' },
] as const;
type TTab = (typeof TABS)[number]['id'];

const REQUIRED_TAG_HELP: Record<string, string> = {
  model: 'the architecture or model family, e.g. resnet50',
  dataset: 'the dataset the run trained on',
  engineer: 'who ran it (mlflow.user is read as the engineer)',
};

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function KeyValueTable({ rows, empty, testId, flag }: { rows: { key: string; value: string }[]; empty: string; testId: string; flag?: (key: string) => ReactNode }) {
  if (!rows.length) return <p className="muted card card-body">{empty}</p>;
  return (
    <div className="card">
      <table className="table kv-table" data-testid={testId}>
        <thead>
          <tr>
            <th>Key</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td className="kv-key-cell">
                <code>{r.key}</code> {flag?.(r.key)}
              </td>
              <td className="kv-value-cell">{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ConfigPanel({ details }: { details: TRunDetails }) {
  const { record } = details;
  if (!record.configYaml) {
    return (
      <section className="card empty-state" data-testid="config-missing">
        <h2>No TrainingConfig recorded</h2>
        <p>
          Log the config as the param <code>ballast.config</code> (YAML) or upload a <code>config.yaml</code> artifact, and this run can be reproduced from
          it.
        </p>
      </section>
    );
  }
  const per = jsonField(record.config, ['batch_size_per_device']);
  const devices = jsonField(record.config, ['device_count']);
  const accumulation = jsonField(record.config, ['gradient_accumulation_steps']);
  return (
    <div className="stack">
      <div className="card card-body">
        <dl className="facts">
          <Fact label="Effective batch">
            <span data-testid="effective-batch">
              <strong>{record.effectiveBatchSize ?? '—'}</strong>
              <span className="muted small">
                {' '}
                = {String(per)} per device × {String(devices)} device{devices === 1 ? '' : 's'} × {String(accumulation)} accumulation step
                {accumulation === 1 ? '' : 's'}
              </span>
            </span>
          </Fact>
          <Fact label="Seed">{record.seed ?? '—'}</Fact>
          <Fact label="Config hash">
            <code title={record.configHash ?? undefined}>{shortHash(record.configHash, 16)}</code>
          </Fact>
        </dl>
      </div>
      <div className="card">
        <div className="card-header">
          <div>
            <h2>config.yaml</h2>
            <p>Canonical form: keys sorted, numbers normalised. The hash identifies this exact config.</p>
          </div>
          <div className="header-actions">
            <CopyButton text={record.configYaml} label="Copy" testId="copy-config" />
            <DownloadTextButton text={record.configYaml} filename="config.yaml" mimeType="application/yaml" label="Download config.yaml" testId="download-config" />
          </div>
        </div>
        <pre className="yaml-block" data-testid="config-yaml">
          <code>{record.configYaml}</code>
        </pre>
      </div>
    </div>
  );
}

function EnvironmentPanel({ details }: { details: TRunDetails }) {
  const { record } = details;
  const { codeVersion, environment } = record;
  const libraries = jsonEntries(environment.libraries);
  const hardware = jsonEntries(record.hardware);
  return (
    <div className="panel-grid">
      <section className="card">
        <div className="card-header">
          <h2>Code version</h2>
        </div>
        <div className="card-body">
          <dl className="facts vertical">
            <Fact label="Repository">{codeVersion.gitRepo ? <code>{codeVersion.gitRepo}</code> : <span className="muted">not recorded</span>}</Fact>
            <Fact label="Commit">
              {codeVersion.gitCommit ? (
                <span className="inline-copy">
                  <code data-testid="git-commit">{codeVersion.gitCommit}</code>
                  <CopyButton text={codeVersion.gitCommit} />
                </span>
              ) : (
                <span className="muted">not recorded</span>
              )}
            </Fact>
            <Fact label="Working tree">
              {codeVersion.gitDirty === null ? (
                <span className="muted">unknown</span>
              ) : codeVersion.gitDirty ? (
                <span className="badge badge-warning" title="Uncommitted changes: the commit alone does not reproduce this run">
                  dirty
                </span>
              ) : (
                <span className="badge badge-success">clean</span>
              )}
            </Fact>
          </dl>
        </div>
      </section>
      <section className="card">
        <div className="card-header">
          <h2>Hardware</h2>
        </div>
        <div className="card-body">
          {hardware.length ? (
            <dl className="facts vertical">
              {hardware.map((h) => (
                <Fact key={h.key} label={h.key}>
                  {h.value}
                </Fact>
              ))}
            </dl>
          ) : (
            <p className="muted">Not recorded. Set the tag <code>ballast.hardware</code> to JSON such as {'{"device_type":"gpu","device_count":8}'}.</p>
          )}
        </div>
      </section>
      <section className="card">
        <div className="card-header">
          <h2>Runtime and libraries</h2>
        </div>
        <div className="card-body">
          <dl className="facts vertical">
            <Fact label="Runtime">{environment.runtime ?? <span className="muted">not recorded</span>}</Fact>
            {libraries.map((l) => (
              <Fact key={l.key} label={l.key}>
                <code>{l.value}</code>
              </Fact>
            ))}
          </dl>
        </div>
      </section>
      <section className="card">
        <div className="card-header">
          <h2>requirements.txt</h2>
          {environment.requirementsTxt ? <DownloadTextButton text={environment.requirementsTxt} filename="requirements.txt" label="Download" /> : null}
        </div>
        <div className="card-body">
          {environment.requirementsTxt ? <CodeBlock code={environment.requirementsTxt} /> : <p className="muted">Not recorded. Upload it as the artifact requirements.txt.</p>}
        </div>
      </section>
    </div>
  );
}

function ArtifactsPanel({ details }: { details: TRunDetails }) {
  const { run, artifacts } = details;
  if (!artifacts.length) return <p className="muted card card-body">No artifacts. Log files with mlflow.log_artifact; they are stored content-addressed by sha256.</p>;
  const href = (path: string) => `/api/2.0/mlflow-artifacts/artifacts/${run.experimentId}/${run.runId}/artifacts/${path.split('/').map(encodeURIComponent).join('/')}`;
  return (
    <div className="card">
      <table className="table" data-testid="artifact-table">
        <thead>
          <tr>
            <th>Path</th>
            <th className="num">Size</th>
            <th>sha256</th>
            <th>Logged</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {artifacts.map((a) => (
            <tr key={a.path} data-testid="artifact-row">
              <td>
                <code>{a.path}</code>
              </td>
              <td className="num nowrap">{formatBytes(a.size)}</td>
              <td>
                <span className="inline-copy">
                  <code title={a.sha256}>{shortHash(a.sha256, 12)}…</code>
                  <CopyButton text={a.sha256} />
                </span>
              </td>
              <td className="nowrap muted">{formatDateTime(new Date(a.createdAt))}</td>
              <td>
                <a className="btn btn-sm" href={href(a.path)} download={a.path.split('/').pop()}>
                  Download
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DatasetsPanel({ details }: { details: TRunDetails }) {
  const inputs = details.run.inputs;
  if (!inputs.length) return <p className="muted card card-body">This run recorded no input datasets. Name them in config.yaml (datasets) or log them with mlflow.log_input.</p>;
  return (
    <div className="card">
      <table className="table" data-testid="input-datasets">
        <thead>
          <tr>
            <th>Dataset</th>
            <th>Version</th>
            <th>Kind</th>
            <th>Fingerprint</th>
            <th>Context</th>
          </tr>
        </thead>
        <tbody>
          {inputs.map((d) => (
            <tr key={`${d.datasetName}@${d.version}`}>
              <td>
                <Link href={`/datasets/${encodeURIComponent(d.datasetName)}`} className="strong-link">
                  {d.datasetName}
                </Link>
              </td>
              <td>
                <code className="break">{d.version}</code>
              </td>
              <td>
                <span className="badge">{d.kind}</span>
              </td>
              <td>{d.fingerprint ? <code title={d.fingerprint}>{shortHash(d.fingerprint, 12)}…</code> : <span className="muted">—</span>}</td>
              <td className="muted">{d.tags.map((t) => `${t.key.replace(/^(mlflow\.data\.|ballast\.)/, '')}: ${t.value}`).join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReproducePanel({ details }: { details: TRunDetails }) {
  const { record, run } = details;
  const command = reproduceCommand({
    gitRepo: record.codeVersion.gitRepo,
    gitCommit: record.codeVersion.gitCommit,
    hasRequirements: record.environment.requirementsTxt !== null,
    datasets: run.inputs,
  });
  const gaps = [
    !record.configYaml && 'no TrainingConfig was recorded',
    !record.codeVersion.gitCommit && 'no git commit was recorded',
    record.codeVersion.gitDirty && 'the working tree was dirty: uncommitted changes are not in the commit',
    !run.inputs.length && 'no dataset versions were recorded',
  ].filter(Boolean) as string[];
  return (
    <div className="stack" data-testid="reproduce-panel">
      {gaps.length ? (
        <div className="alert alert-warning" role="status">
          This run may not reproduce exactly: {gaps.join('; ')}.
        </div>
      ) : (
        <div className="alert alert-success" role="status">
          Config, code version and immutable data versions are all recorded: this run can be trained again.
        </div>
      )}
      <section className="card">
        <div className="card-header">
          <div>
            <h2>1. Code and data</h2>
            <p>
              {record.codeVersion.gitCommit ? (
                <>
                  Commit <code>{record.codeVersion.gitCommit.slice(0, 12)}</code>
                  {record.codeVersion.gitRepo ? (
                    <>
                      {' '}
                      of <code>{record.codeVersion.gitRepo}</code>
                    </>
                  ) : null}
                </>
              ) : (
                'No commit recorded'
              )}
              {run.inputs.length ? ` · ${run.inputs.length} dataset version${run.inputs.length === 1 ? '' : 's'}` : ''}
            </p>
          </div>
        </div>
        {run.inputs.length ? (
          <ul className="plain-list">
            {run.inputs.map((d) => (
              <li key={`${d.datasetName}@${d.version}`}>
                <Link href={`/datasets/${encodeURIComponent(d.datasetName)}`}>{d.datasetName}</Link> <code className="break">{d.version}</code>
                {d.fingerprint ? <span className="muted small"> · {shortHash(d.fingerprint, 12)}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section className="card">
        <div className="card-header">
          <div>
            <h2>2. config.yaml</h2>
            <p>The exact config the run trained with{record.configHash ? `, hash ${shortHash(record.configHash, 16)}` : ''}.</p>
          </div>
          {record.configYaml ? (
            <div className="header-actions">
              <CopyButton text={record.configYaml} />
              <DownloadTextButton text={record.configYaml} filename="config.yaml" mimeType="application/yaml" label="Download config.yaml" testId="reproduce-download-config" />
            </div>
          ) : null}
        </div>
        {record.configYaml ? (
          <pre className="yaml-block compact">
            <code>{record.configYaml}</code>
          </pre>
        ) : (
          <p className="card-body muted">No config recorded.</p>
        )}
      </section>
      <section className="card">
        <div className="card-header">
          <div>
            <h2>3. Run it again</h2>
            <p>
              Seed {record.seed ?? '—'} is in the config{record.effectiveBatchSize ? `; effective batch ${record.effectiveBatchSize}` : ''}.
            </p>
          </div>
        </div>
        <div className="card-body">
          <CodeBlock code={command} />
        </div>
      </section>
    </div>
  );
}

export function RunView({ runId, canRegister }: { runId: string; canRegister: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const requested = searchParams.get('tab');
  const tab: TTab = TABS.some((t) => t.id === requested) ? (requested as TTab) : 'metrics';
  const query = useQuery(trpc.runs.get.queryOptions({ runId }));
  const experimentId = query.data?.run.experimentId;
  const experiment = useQuery({ ...trpc.experiments.get.queryOptions({ experimentId: experimentId ?? '' }), enabled: experimentId !== undefined });

  if (query.isPending) return <div className="card loading">Loading run…</div>;
  if (query.error) return <ErrorAlert error={query.error} />;
  const details = query.data;
  const { run, record } = details;
  const missing = record.missingRequiredTags;
  const experimentName = experiment.data?.name ?? `Experiment ${run.experimentId}`;

  function selectTab(id: TTab) {
    router.replace(id === 'metrics' ? pathname : `${pathname}?tab=${id}`, { scroll: false });
  }

  const visibleParams = run.params.filter((p) => p.key !== 'ballast.config');
  const requiredRows = (['model', 'dataset', 'engineer'] as const).map((key) => {
    const value = run.tags.find((t) => t.key === key)?.value ?? (key === 'engineer' && run.userId ? run.userId : undefined);
    return { key, value };
  });

  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/experiments">Experiments</Link> <span aria-hidden="true">/</span> <Link href={`/experiments/${run.experimentId}`}>{experimentName}</Link>{' '}
        <span aria-hidden="true">/</span> <span>{run.runName}</span>
      </nav>
      <div className="page-header run-header">
        <div>
          <h1 data-testid="run-name">
            {run.runName} <StatusBadge status={run.status} />
          </h1>
          <dl className="facts header-facts">
            <Fact label="Experiment">
              <Link href={`/experiments/${run.experimentId}`}>{experimentName}</Link>
            </Fact>
            <Fact label="Engineer">{runEngineer(run)}</Fact>
            <Fact label="Started">{formatDateTime(new Date(run.startTime))}</Fact>
            <Fact label="Duration">{formatDuration(runDuration(run))}</Fact>
            <Fact label="Run ID">
              <code title={run.runId}>{run.runId.slice(0, 12)}</code>
            </Fact>
            {record.configHash ? (
              <Fact label="Config">
                <code title={record.configHash}>{shortHash(record.configHash)}</code>
              </Fact>
            ) : null}
          </dl>
        </div>
        {canRegister ? (
          <div className="header-actions">
            <RegisterVersionButton runId={run.runId} onnxPath={details.artifacts.find((a) => a.path.endsWith('.onnx'))?.path ?? null} />
          </div>
        ) : null}
      </div>
      {missing.length ? (
        <div className="alert alert-warning" role="status" data-testid="missing-tags">
          Missing required tag{missing.length === 1 ? '' : 's'}: {missing.map((k) => <code key={k}>{k}</code>).reduce<ReactNode[]>((acc, el, i) => (i ? [...acc, ', ', el] : [el]), [])}. Set{' '}
          {missing.length === 1 ? 'it' : 'them'} with mlflow.set_tag so the run can be found and audited.
        </div>
      ) : null}
      <div className="tabs" role="tablist" aria-label="Run sections">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={`tab${tab === t.id ? ' active' : ''}`}
            onClick={() => selectTab(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
            {t.id === 'tags' && missing.length ? <span className="tab-flag" aria-label="missing tags" /> : null}
            {t.id === 'artifacts' && details.artifacts.length ? <span className="tab-count">{details.artifacts.length}</span> : null}
            {t.id === 'metrics' && run.metrics.length ? <span className="tab-count">{run.metrics.length}</span> : null}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'metrics' ? <RunMetrics runId={run.runId} metrics={run.metrics} /> : null}
        {tab === 'config' ? <ConfigPanel details={details} /> : null}
        {tab === 'params' ? (
          <>
            <KeyValueTable rows={visibleParams} empty="No params logged." testId="params-table" />
            {run.params.length !== visibleParams.length ? <p className="muted small note">The ballast.config param is shown under Config.</p> : null}
          </>
        ) : null}
        {tab === 'tags' ? (
          <div className="stack">
            <div className="card">
              <div className="card-header">
                <h2>Required tags</h2>
              </div>
              <table className="table" data-testid="required-tags">
                <tbody>
                  {requiredRows.map((r) => (
                    <tr key={r.key} data-missing={r.value === undefined ? 'true' : undefined}>
                      <td className="kv-key-cell">
                        <code>{r.key}</code>
                      </td>
                      <td>
                        {r.value !== undefined ? (
                          r.value
                        ) : (
                          <>
                            <span className="badge badge-danger">missing</span> <span className="muted small">{REQUIRED_TAG_HELP[r.key]}</span>
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <KeyValueTable rows={run.tags} empty="No tags." testId="tags-table" />
          </div>
        ) : null}
        {tab === 'artifacts' ? <ArtifactsPanel details={details} /> : null}
        {tab === 'environment' ? <EnvironmentPanel details={details} /> : null}
        {tab === 'datasets' ? <DatasetsPanel details={details} /> : null}
        {tab === 'reproduce' ? <ReproducePanel details={details} /> : null}
      </div>
    </>
  );
}
