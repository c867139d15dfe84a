'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useTRPC, useTRPCClient } from '../trpc';
import { WebhooksPanel } from '../webhooks/webhooks-panel';
import { ActionButton } from './action-button';
import { AliasHistory, ServedAtPicker } from './alias-history';
import { slaLabel } from './model-format';
import { PromotionHistory } from './promotion-history';
import { RenameModel } from './rename-model';
import type { TModelDetails } from './registry-types';
import { AliasChip } from './stage-badge';
import { VersionCard } from './version-card';

type TTab = 'versions' | 'aliases' | 'requests' | 'webhooks';

export function ModelView({ name }: { name: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.models.get.queryOptions({ name }));
  const [tab, setTab] = useState<TTab>('versions');
  if (query.isPending) return <div className="card loading">Loading model…</div>;
  if (query.error) return <ErrorAlert error={query.error} />;
  const model = query.data;
  const versions = [...model.versions].sort((a, b) => b.version - a.version);
  const openRequests = model.promotions.filter((p) => p.status === 'requested').length;
  const tabs: { id: TTab; label: string; count?: number }[] = [
    { id: 'versions', label: 'Versions', count: model.versions.length },
    { id: 'aliases', label: 'Alias history', count: model.aliasHistory.length },
    { id: 'requests', label: 'Promotion requests', count: model.promotions.length },
    { id: 'webhooks', label: 'Webhooks' },
  ];
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/models">Models</Link> <span aria-hidden="true">/</span> <span>{model.name}</span>
      </nav>
      <ModelHeader model={model} />
      {openRequests > 0 ? (
        <div className="alert alert-info" data-testid="open-requests-note">
          {openRequests === 1 ? 'A promotion request is' : `${openRequests} promotion requests are`} waiting for an owner&apos;s decision.
          {model.viewer.canManage ? (
            <>
              {' '}
              Decide below or in <Link href="/approvals">Approvals</Link>.
            </>
          ) : null}
        </div>
      ) : null}
      <nav className="tabs" aria-label="Model sections" role="tablist">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'tab active' : 'tab'} onClick={() => setTab(t.id)} data-testid={`tab-${t.id}`}>
            {t.label}
            {t.count !== undefined ? <span className="tab-count">{t.count}</span> : null}
          </button>
        ))}
      </nav>
      {tab === 'versions' ? (
        versions.length ? (
          <ol className="timeline" data-testid="versions-timeline">
            {versions.map((v) => (
              <VersionCard key={v.id} model={model} version={v} />
            ))}
          </ol>
        ) : (
          <section className="card empty-state">
            <h2>No versions yet</h2>
            <p>
              Register one from a training run: <code>mlflow.register_model(f&quot;runs:/{'{run_id}'}/model&quot;, &quot;{model.name}&quot;)</code>, or{' '}
              <code>models.createVersion</code> in the API.
            </p>
          </section>
        )
      ) : null}
      {tab === 'aliases' ? (
        <div className="stack">
          <section className="card">
            <div className="card-header">
              <div>
                <h2>What served when</h2>
                <p>Which version an alias pointed to at any moment, from the alias history.</p>
              </div>
            </div>
            <div className="card-body">
              <ServedAtPicker modelName={model.name} aliases={[...new Set(model.aliasHistory.map((m) => m.alias))]} />
            </div>
          </section>
          <section className="card">
            <div className="card-header">
              <div>
                <h2>Alias history</h2>
                <p>Every move of every alias, newest first.</p>
              </div>
            </div>
            <AliasHistory moves={model.aliasHistory} />
          </section>
        </div>
      ) : null}
      {tab === 'requests' ? (
        <section className="card">
          <div className="card-header">
            <div>
              <h2>Promotion requests</h2>
              <p>Requests to production and their decisions. A request goes stale when its evidence changes.</p>
            </div>
          </div>
          <PromotionHistory requests={model.promotions} />
        </section>
      ) : null}
      {tab === 'webhooks' ? <WebhooksPanel modelName={model.name} canManage={model.viewer.canManage} needsReason={model.viewer.adminReasonRequired} /> : null}
    </>
  );
}

function ModelHeader({ model }: { model: TModelDetails }) {
  const client = useTRPCClient();
  const previous = model.aliases.find((a) => a.alias === 'previous');
  const canRollback = model.viewer.canManage && model.productionVersion !== null && previous !== undefined;
  return (
    <div className="model-header card" data-testid="model-header">
      <div className="model-header-main">
        <div>
          <h1 className="model-title">
            {model.name}
            <span className="badge badge-accent" data-testid="sla-class">
              {slaLabel(model.slaClass)}
            </span>
            {model.viewer.isOwner ? <span className="badge">you own this model</span> : null}
          </h1>
          {model.description ? <p className="muted model-description">{model.description}</p> : null}
        </div>
        <div className="header-actions">
          {model.viewer.canManage ? <RenameModel name={model.name} needsReason={model.viewer.adminReasonRequired} /> : null}
          {canRollback ? (
            <ActionButton
              label={`Roll back to v${previous.version}`}
              tone="danger"
              small={false}
              title={`Roll production back to version ${previous.version}?`}
              confirmLabel="Roll back"
              testId="rollback"
              text={{ label: 'Reason', placeholder: 'What went wrong in production', hint: 'optional, kept in the audit log' }}
              run={(reason) => client.versions.rollback.mutate({ modelName: model.name, reason: reason || undefined })}
            >
              <p>
                Version {model.productionVersion} leaves production and returns to staging; version {previous.version} (@previous) serves production again, in one
                step.
              </p>
            </ActionButton>
          ) : null}
        </div>
      </div>
      <dl className="facts model-facts">
        <div className="fact">
          <dt>Owners</dt>
          <dd data-testid="model-owners">{model.owners.length ? model.owners.map((o) => o.email).join(', ') : <span className="muted">none</span>}</dd>
        </div>
        <div className="fact">
          <dt>Production</dt>
          <dd data-testid="production-version">{model.productionVersion !== null ? <strong>version {model.productionVersion}</strong> : <span className="muted">nothing serves yet</span>}</dd>
        </div>
        <div className="fact">
          <dt>Aliases</dt>
          <dd className="tag-list">
            {model.aliases.length ? (
              [...model.aliases]
                .sort((a, b) => a.alias.localeCompare(b.alias))
                .map((a) => (
                  <span key={a.alias} className="alias-pair">
                    <AliasChip alias={a.alias} /> v{a.version}
                  </span>
                ))
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
        </div>
        <div className="fact">
          <dt>Versions</dt>
          <dd>{model.versionCount}</dd>
        </div>
        <div className="fact">
          <dt>Updated</dt>
          <dd>{formatDateTime(new Date(model.updatedAt))}</dd>
        </div>
      </dl>
      {model.tags.length ? (
        <div className="tag-list model-tags">
          {model.tags.map((t) => (
            <span key={t.key} className="kv-chip">
              <span className="kv-key">{t.key}</span>
              <span className="kv-value">{t.value}</span>
            </span>
          ))}
        </div>
      ) : null}
    </div>
  );
}
