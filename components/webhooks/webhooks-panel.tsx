'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { WEBHOOK_URL_MAX_LENGTH, ZWebhookEvent } from '@/server/contracts/model-registry';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { CopyButton } from '../ui/copy-button';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useHydrated } from '../ui/use-hydrated';
import { useTRPC } from '../trpc';

const EVENTS = ZWebhookEvent.options;

const DELIVERY_CLASS: Record<string, string> = { succeeded: 'badge badge-success', pending: 'badge badge-warning', failed: 'badge badge-danger' };

/**
 * A model's webhooks: the registered URLs, a form to add one, per webhook disable/enable, test
 * and delete, and the delivery log with redelivery of failed deliveries - for its owners (and
 * admins, who give a reason when they do not own the model). Others see that webhooks exist,
 * with URLs hidden (they often carry the receiver's credentials).
 */
export function WebhooksPanel({ modelName, canManage, needsReason }: { modelName: string; canManage: boolean; needsReason: boolean }) {
  const [reason, setReason] = useState('');
  const admin = { needsReason, reason: needsReason ? reason.trim() : undefined };
  return (
    <div className="stack">
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Webhooks</h2>
            <p>Signed JSON events (HMAC-SHA256 in the signature header, with a timestamp) for this model, retried with backoff. Destinations must be public https:// addresses.</p>
          </div>
        </div>
        {canManage && needsReason ? (
          <div className="card-body">
            <label className="field">
              <span>Reason (you are an admin, not an owner of this model: changes need a written reason of 10+ characters)</span>
              <input value={reason} maxLength={5000} onChange={(e) => setReason(e.target.value)} data-testid="webhook-admin-reason" />
            </label>
          </div>
        ) : null}
        {canManage ? (
          <div className="card-body webhook-form-body">
            <CreateWebhookForm modelName={modelName} admin={admin} />
          </div>
        ) : null}
        <WebhookList modelName={modelName} canManage={canManage} admin={admin} />
      </section>
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Delivery log</h2>
            <p>The latest 100 deliveries, newest first. A failed delivery can be sent again.</p>
          </div>
        </div>
        {canManage ? <DeliveryLog modelName={modelName} admin={admin} /> : <p className="muted empty-inline-text">The delivery log is shown to the model&apos;s owners and admins.</p>}
      </section>
    </div>
  );
}

type TAdmin = { needsReason: boolean; reason: string | undefined };

/** Refreshes what a webhook change touches: the list, the log, the audit trail. */
function useInvalidate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries(trpc.webhooks.pathFilter()), queryClient.invalidateQueries(trpc.audit.pathFilter())]);
}

function CreateWebhookForm({ modelName, admin }: { modelName: string; admin: TAdmin }) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const hydrated = useHydrated();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([...EVENTS]);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: async () => {
        setUrl('');
        await invalidate();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ modelName, url: url.trim(), events: events as (typeof EVENTS)[number][], reason: admin.reason });
  };
  const toggle = (event: string) => setEvents((prev) => (prev.includes(event) ? prev.filter((x) => x !== event) : [...prev, event]));
  return (
    <>
      {create.data ? (
        <div className="secret-box" data-testid="webhook-secret">
          <h3>Webhook added. Copy its signing secret now</h3>
          <p>It will not be shown again. Verify each delivery&apos;s signature with it.</p>
          <div className="secret-row">
            <code>{create.data.secret}</code>
            <CopyButton text={create.data.secret} />
          </div>
        </div>
      ) : null}
      <form onSubmit={submit} data-testid="webhook-form">
        <ErrorAlert error={create.error} />
        <div className="webhook-form-row">
          <label className="field grow">
            <span>Receiver URL</span>
            <input type="url" required maxLength={WEBHOOK_URL_MAX_LENGTH} placeholder="https://hooks.example.com/ballast" value={url} onChange={(e) => setUrl(e.target.value)} />
          </label>
          <button type="submit" className="btn btn-primary" disabled={!hydrated || create.isPending || !url.trim() || events.length === 0}>
            {create.isPending ? 'Adding…' : 'Add webhook'}
          </button>
        </div>
        <fieldset className="field">
          <legend>Events</legend>
          <div className="checkbox-row">
            {EVENTS.map((event) => (
              <label key={event}>
                <input type="checkbox" checked={events.includes(event)} onChange={() => toggle(event)} />
                <code>{event}</code>
              </label>
            ))}
          </div>
        </fieldset>
      </form>
    </>
  );
}

function WebhookList({ modelName, canManage, admin }: { modelName: string; canManage: boolean; admin: TAdmin }) {
  const trpc = useTRPC();
  const hooks = useQuery(trpc.webhooks.list.queryOptions({ modelName }));
  if (hooks.isPending) return <div className="loading">Loading webhooks…</div>;
  if (hooks.error) return <ErrorAlert error={hooks.error} />;
  if (!hooks.data.length) {
    return <p className="muted empty-inline-text">No webhooks for this model{canManage ? '' : '. Its owners can add one'}.</p>;
  }
  const anyManaged = hooks.data.some((h) => h.canManage);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="webhook-table">
        <thead>
          <tr>
            <th>URL</th>
            <th>Events</th>
            <th>Secret</th>
            <th>Status</th>
            <th>Added</th>
            {anyManaged ? <th>Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {hooks.data.map((h) => (
            <tr key={h.id} data-testid="webhook-row" data-active={h.active}>
              <td className="break-cell">{h.url ? <code>{h.url}</code> : <span className="muted">hidden (shown to the model&apos;s owners and admins)</span>}</td>
              <td>
                <div className="tag-list">
                  {h.events.length === EVENTS.length ? (
                    <span className="badge">all events</span>
                  ) : (
                    h.events.map((e) => (
                      <span key={e} className="badge">
                        {e}
                      </span>
                    ))
                  )}
                </div>
              </td>
              <td>{h.secretHint ? <code>{h.secretHint}</code> : <span className="muted">—</span>}</td>
              <td>{h.active ? <span className="badge badge-success">active</span> : <span className="badge badge-muted">disabled</span>}</td>
              <td className="nowrap muted">{formatDateTime(new Date(h.createdAt))}</td>
              {anyManaged ? <td className="nowrap">{h.canManage ? <WebhookActions id={h.id} active={h.active} admin={admin} /> : null}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WebhookActions({ id, active, admin }: { id: string; active: boolean; admin: TAdmin }) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const hydrated = useHydrated();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const options = { onSuccess: () => invalidate() };
  const setActive = useMutation(trpc.webhooks.setActive.mutationOptions(options));
  const test = useMutation(trpc.webhooks.sendTest.mutationOptions(options));
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: async () => {
        setConfirmDelete(false);
        await invalidate();
      },
    }),
  );
  const blocked = !hydrated || (admin.needsReason && (admin.reason?.length ?? 0) < 10);
  const reason = admin.reason;
  return (
    <div className="webhook-actions-cell">
      <div className="webhook-actions">
        <button type="button" className="btn btn-sm" disabled={blocked || setActive.isPending} onClick={() => setActive.mutate({ id, active: !active, reason })} data-testid="webhook-toggle">
          {active ? 'Disable' : 'Enable'}
        </button>
        <button type="button" className="btn btn-sm" disabled={blocked || !active || test.isPending} title={active ? undefined : 'Enable the webhook to send a test event'} onClick={() => test.mutate({ id, reason })} data-testid="webhook-test">
          {test.isPending ? 'Queuing…' : 'Send test event'}
        </button>
        <button type="button" className="btn btn-sm btn-danger" disabled={blocked} onClick={() => setConfirmDelete(true)} data-testid="webhook-delete">
          Delete
        </button>
      </div>
      {test.data ? <span className="muted small">test queued as delivery {test.data.deliveryId}</span> : null}
      <ErrorAlert error={setActive.error ?? test.error ?? null} />
      <ConfirmDialog
        open={confirmDelete}
        title="Delete this webhook?"
        confirmLabel="Delete webhook"
        pending={remove.isPending}
        onConfirm={() => remove.mutate({ id, reason })}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>Its delivery log is deleted with it; the audit trail keeps a record. Events stop going to this receiver at once.</p>
        <ErrorAlert error={remove.error} />
      </ConfirmDialog>
    </div>
  );
}

function DeliveryLog({ modelName, admin }: { modelName: string; admin: TAdmin }) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const hydrated = useHydrated();
  const redeliver = useMutation(trpc.webhooks.redeliver.mutationOptions({ onSuccess: () => invalidate() }));
  const blocked = !hydrated || redeliver.isPending || (admin.needsReason && (admin.reason?.length ?? 0) < 10);
  const deliveries = useQuery({ ...trpc.webhooks.deliveries.queryOptions({ modelName, limit: 100 }), refetchInterval: 10_000 });
  if (deliveries.isPending) return <div className="loading">Loading deliveries…</div>;
  if (deliveries.error) return <ErrorAlert error={deliveries.error} />;
  if (!deliveries.data.length) return <p className="muted empty-inline-text">Nothing delivered yet. Events are queued when the model changes.</p>;
  return (
    <div className="table-wrap">
      <ErrorAlert error={redeliver.error} />
      <table className="table" data-testid="delivery-log">
        <thead>
          <tr>
            <th>Queued</th>
            <th>Event</th>
            <th>Receiver</th>
            <th>Status</th>
            <th className="num">Attempts</th>
            <th className="num">Response</th>
            <th>Last error</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {deliveries.data.map((d) => (
            <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
              <td className="nowrap">{formatDateTime(new Date(d.createdAt))}</td>
              <td>
                <code>{d.event}</code>
              </td>
              <td className="break-cell muted">{d.url}</td>
              <td className="nowrap">
                <span className={DELIVERY_CLASS[d.status] ?? 'badge'}>{d.status}</span>
                {d.nextAttemptAt ? <div className="muted small">next try {formatDateTime(new Date(d.nextAttemptAt))}</div> : null}
                {d.deliveredAt ? <div className="muted small">{formatDateTime(new Date(d.deliveredAt))}</div> : null}
              </td>
              <td className="num">{d.attempts}</td>
              <td className="num">{d.responseCode ?? <span className="muted">—</span>}</td>
              <td className="error-cell">{d.lastError ? <span className="muted small">{d.lastError}</span> : <span className="muted">—</span>}</td>
              <td className="nowrap">
                {d.status === 'failed' ? (
                  <button type="button" className="btn btn-sm" disabled={blocked} onClick={() => redeliver.mutate({ deliveryId: d.id, reason: admin.reason })} data-testid="delivery-redeliver">
                    Redeliver
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
