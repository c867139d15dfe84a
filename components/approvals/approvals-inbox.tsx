'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useTRPC, useTRPCClient } from '../trpc';
import { describeCanary } from '../models/canary-choice';
import { ActionButton } from '../models/action-button';
import { EvidenceTables, GatesChecklist } from '../models/gate-evidence';
import { modelHref, slaLabel } from '../models/model-format';
import type { TInboxItem } from '../models/registry-types';

/** Open promotion requests on the models the viewer owns, each with its evidence and the decision buttons. */
export function ApprovalsInbox() {
  const trpc = useTRPC();
  const inbox = useQuery(trpc.promotions.inbox.queryOptions());
  if (inbox.isPending) return <div className="card loading">Loading requests…</div>;
  if (inbox.error) return <ErrorAlert error={inbox.error} />;
  if (!inbox.data.length) {
    return (
      <section className="card empty-state" data-testid="inbox-empty">
        <h2>Nothing waits for your decision</h2>
        <p>
          Promotion requests to production on the models you own appear here with their evidence: validation checks, the latency benchmark against the
          SLA, and who asked. Browse <Link href="/models">Models</Link> to see every version&apos;s gates.
        </p>
      </section>
    );
  }
  return (
    <div className="stack" data-testid="inbox">
      {inbox.data.map((item) => (
        <InboxItem key={item.id} item={item} />
      ))}
    </div>
  );
}

function InboxItem({ item }: { item: TInboxItem }) {
  const client = useTRPCClient();
  const allMet = item.gates.every((g) => g.met);
  return (
    <section className="card inbox-item" data-testid="inbox-item" data-model={item.model} data-version={item.version}>
      <div className="card-header">
        <div>
          <h2>
            <Link href={modelHref(item.model)}>{item.model}</Link> <span className="muted">·</span> version {item.version} <span className="muted">→</span> {item.canary ? 'canary, then production' : 'production'}
          </h2>
          <p>
            Requested by <strong>{item.requestedBy}</strong> on {formatDateTime(new Date(item.requestedAt))}
            {item.replacesVersion !== null ? ` · replaces version ${item.replacesVersion}` : ' · first production version'} · {slaLabel(item.slaClass)}
          </p>
        </div>
        <div className="header-actions">
          {item.canApprove ? (
            <ActionButton
              label="Approve"
              tone="primary"
              small={false}
              title={`Approve ${item.model} version ${item.version} for production?`}
              confirmLabel={item.canary ? 'Approve and start the canary' : 'Approve and promote'}
              testId="inbox-approve"
              text={{ label: 'Comment', hint: 'optional' }}
              run={(comment) => client.promotions.approve.mutate({ requestId: item.id, comment })}
            >
              {item.canary ? (
                <p>
                  A canary starts now: version {item.version} {describeCanary(item.canary)} against version {item.replacesVersion}. It goes to production when the canary ends healthy, and is
                  rolled back automatically on an error spike or a p99 over the SLA.
                </p>
              ) : (
                <p>
                  Version {item.version} goes to production now
                  {item.replacesVersion !== null ? `; version ${item.replacesVersion} steps down to staging and becomes @previous (one-click rollback)` : ''}.
                </p>
              )}
            </ActionButton>
          ) : null}
          <ActionButton
            label="Reject"
            tone="danger"
            small={false}
            title={`Reject ${item.model} version ${item.version}?`}
            confirmLabel="Reject"
            testId="inbox-reject"
            text={{ label: 'Why', placeholder: 'What the requester should fix', minLength: 1, hint: 'required' }}
            run={(comment) => client.promotions.reject.mutate({ requestId: item.id, comment })}
          />
        </div>
      </div>
      <div className="card-body">
        {item.canary ? (
          <p className="small" data-testid="inbox-canary">
            Rollout: on approval, version {item.version} {describeCanary(item.canary)}.
          </p>
        ) : null}
        {item.comment ? <div className="quote inbox-comment">“{item.comment}”</div> : null}
        {!item.canApprove ? (
          <div className="alert alert-warning" data-testid="four-eyes-note">
            You requested this promotion: another owner must approve it (four-eyes). You can still reject it.
          </div>
        ) : null}
        {!allMet ? <div className="alert alert-error">Some evidence gates no longer pass; approval will be refused until they do.</div> : null}
        <div className="inbox-grid">
          <GatesChecklist gates={item.gates} nextStage="production" title="Evidence gates (approval is yours to give)" />
          <EvidenceTables evidence={item.evidence} />
        </div>
      </div>
    </section>
  );
}
