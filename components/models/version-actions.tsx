'use client';

import Link from 'next/link';
import { useState } from 'react';
import { formatDateTime } from '../ui/format';
import { useTRPCClient } from '../trpc';
import { ActionButton } from './action-button';
import { CANARY_DURATIONS, CANARY_PERCENTS, describeCanary } from './canary-choice';
import type { TModelDetails, TPromotionEntry, TVersionEntry } from './registry-types';

/** The lifecycle buttons of one version, each shown only to those the registry would let through. */
export function VersionActions({ model, version, openRequest }: { model: TModelDetails; version: TVersionEntry; openRequest: TPromotionEntry | undefined }) {
  const client = useTRPCClient();
  const ref = { modelName: model.name, version: version.version };
  const { canRequest, canManage } = model.viewer;
  const v = `version ${version.version}`;
  // While a deployment runs it decides production: no new requests until it ends.
  const inRollout = model.versions.some((x) => x.aliases.includes('canary'));
  const mayRequest = version.stage === 'staging' && canRequest && !openRequest && !inRollout;
  return (
    <div className="version-actions">
      {version.aliases.includes('canary') ? (
        <Link href="/deployments" className="btn btn-sm" data-testid="in-rollout">
          In a rollout: see the deployment
        </Link>
      ) : null}
      {mayRequest && model.productionVersion ? <RequestCanaryButton model={model} version={version} /> : null}
      {mayRequest ? (
        <ActionButton
          // With a version in production, a canary is the recommended way in (above); direct promotion stays possible.
          label={model.productionVersion ? 'Request direct promotion' : 'Request promotion'}
          tone={model.productionVersion ? 'default' : 'primary'}
          title={`Request production for ${v}?`}
          confirmLabel="Request promotion"
          testId="request-promotion"
          text={{ label: 'Comment for the approver', placeholder: 'What changed, and why it is ready', hint: 'optional' }}
          run={(comment) => client.promotions.request.mutate({ ...ref, comment })}
        >
          <p>
            An owner of <strong>{model.name}</strong> other than you must approve it.
            {model.productionVersion ? ` On approval, ${v} replaces version ${model.productionVersion} in production, which becomes @previous.` : ''}
          </p>
        </ActionButton>
      ) : null}
      {version.stage === 'development' && canManage ? (
        <ActionButton
          label="Promote to staging"
          tone="primary"
          title={`Promote ${v} to staging?`}
          confirmLabel="Promote to staging"
          testId="promote-staging"
          run={() => client.versions.promote.mutate(ref)}
        >
          <p>Staging needs a complete artifact set and passing validation checks.</p>
        </ActionButton>
      ) : null}
      {version.stage === 'staging' && canManage ? (
        <ActionButton label="Demote" title={`Demote ${v} to development?`} confirmLabel="Demote" testId="demote" run={() => client.versions.demote.mutate(ref)}>
          <p>Its aliases are removed and any open promotion request on it goes stale.</p>
        </ActionButton>
      ) : null}
      {version.stage !== 'archived' && canManage ? (
        <ActionButton
          label="Archive"
          tone="danger"
          title={`Archive ${v}?`}
          confirmLabel="Archive"
          testId="archive"
          text={{ label: 'Reason', placeholder: 'Why it is retired', hint: 'optional, kept in the audit log' }}
          run={(reason) => client.versions.archive.mutate({ ...ref, reason: reason || undefined })}
        >
          <p>
            {version.stage === 'production'
              ? `This takes ${v} out of production: no version will serve until another is promoted.`
              : 'Archived versions are kept with their artifacts for audit and never loaded by workers.'}{' '}
            It cannot be undone.
          </p>
        </ActionButton>
      ) : null}
    </div>
  );
}

/** An open promotion request: who asked and why, and Approve / Reject / Withdraw for those who may. */
export function OpenRequest({ model, version, request }: { model: TModelDetails; version: TVersionEntry; request: TPromotionEntry }) {
  const client = useTRPCClient();
  const requestedAt = new Date(request.requestedAt);
  return (
    <div className="open-request" data-testid="open-request">
      <div className="open-request-text">
        <strong>{request.canary ? 'Canary rollout requested' : 'Promotion to production requested'}</strong> by {request.requestedBy} on <time dateTime={requestedAt.toISOString()}>{formatDateTime(requestedAt)}</time>
        {request.canary ? <div className="small">On approval, version {version.version} {describeCanary(request.canary)}.</div> : null}
        {request.comment ? <div className="quote">“{request.comment}”</div> : null}
        {request.isRequester && !request.canApproveWithOverride ? <div className="muted small">Another owner must approve it (four-eyes).</div> : null}
      </div>
      <div className="version-actions">
        {request.canApprove ? (
          <ActionButton
            label="Approve"
            tone="primary"
            title={`Approve version ${version.version} for production?`}
            confirmLabel={request.canary ? 'Approve and start the canary' : 'Approve and promote'}
            testId="approve"
            text={{ label: 'Comment', hint: 'optional' }}
            run={(comment) => client.promotions.approve.mutate({ requestId: request.id, comment })}
          >
            {request.canary ? (
              <p>
                A canary starts now: version {version.version} {describeCanary(request.canary)}. It goes to production when the canary ends healthy, and is rolled back automatically on an error
                spike or a p99 over the SLA.
              </p>
            ) : (
              <p>Version {version.version} goes to production now{model.productionVersion ? `; version ${model.productionVersion} steps down to staging as @previous` : ''}.</p>
            )}
          </ActionButton>
        ) : null}
        {request.canApproveWithOverride ? (
          <ActionButton
            label="Approve (override)"
            tone="danger"
            title={`Override four-eyes for version ${version.version}?`}
            confirmLabel="Approve with override"
            testId="approve-override"
            text={{ label: 'Override reason', placeholder: 'Why this cannot wait for an owner', minLength: 10, hint: 'at least 10 characters, audited' }}
            run={(reason) => client.promotions.approve.mutate({ requestId: request.id, overrideReason: reason })}
          >
            <p>{request.isRequester ? 'You requested this promotion.' : 'You do not own this model.'} As an admin you may approve anyway; the reason is recorded in the audit log.</p>
          </ActionButton>
        ) : null}
        {request.canReject ? (
          <ActionButton
            label="Reject"
            tone="danger"
            title={`Reject the promotion of version ${version.version}?`}
            confirmLabel="Reject"
            testId="reject"
            text={{ label: 'Why', placeholder: 'What the requester should fix', minLength: 1, hint: 'required' }}
            run={(comment) => client.promotions.reject.mutate({ requestId: request.id, comment })}
          />
        ) : null}
        {request.isRequester ? (
          <ActionButton label="Withdraw" title="Withdraw your promotion request?" confirmLabel="Withdraw" testId="withdraw" run={() => client.promotions.withdraw.mutate({ requestId: request.id })} />
        ) : null}
      </div>
    </div>
  );
}

/** Asks for production through a canary: the approval starts it, healthy traffic finishes it. */
function RequestCanaryButton({ model, version }: { model: TModelDetails; version: TVersionEntry }) {
  const client = useTRPCClient();
  const [percent, setPercent] = useState(10);
  const [durationS, setDurationS] = useState(3_600);
  return (
    <ActionButton
      label="Request canary rollout"
      tone="primary"
      title={`Request a canary rollout of version ${version.version}?`}
      confirmLabel="Request canary rollout"
      testId="request-canary"
      text={{ label: 'Comment for the approver', placeholder: 'What changed, and why it is ready', hint: 'optional' }}
      run={(comment) => client.promotions.request.mutate({ modelName: model.name, version: version.version, comment, canary: { percent, durationS } })}
    >
      <p>
        An owner other than you approves; the approval starts the canary against version {model.productionVersion}, and version {version.version} reaches production when it ends healthy.
      </p>
      <div className="dialog-row">
        <label className="field dialog-field">
          <span>Canary traffic</span>
          <select value={percent} onChange={(e) => setPercent(Number(e.target.value))} data-testid="canary-percent">
            {CANARY_PERCENTS.map((p) => (
              <option key={p} value={p}>
                {p}%
              </option>
            ))}
          </select>
        </label>
        <label className="field dialog-field">
          <span>For</span>
          <select value={durationS} onChange={(e) => setDurationS(Number(e.target.value))} data-testid="canary-duration">
            {CANARY_DURATIONS.map((d) => (
              <option key={d.seconds} value={d.seconds}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
      </div>
    </ActionButton>
  );
}
