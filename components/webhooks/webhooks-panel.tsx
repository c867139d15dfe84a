'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ZWebhookEvent } from '@/server/contracts/model-registry';
import { CopyButton } from '../ui/copy-button';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useHydrated } from '../ui/use-hydrated';
import { useTRPC } from '../trpc';

const EVENTS = ZWebhookEvent.options;

const DELIVERY_CLASS: Record<string, string> = { succeeded: 'badge badge-success', pending: 'badge badge-warning', failed: 'badge badge-danger' };

/** A model's webhooks: the registered URLs, a form to add one (owners), and the delivery log. */
export function WebhooksPanel({ modelName, canManage }: { modelName: string; canManage: boolean }) {
  return (
    <div className="stack">
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Webhooks</h2>
            <p>Signed JSON events (HMAC-SHA256 in the signature header, with a timestamp) for this model, retried with backoff.</p>
          </div>
        </div>
        {canManage ? (
          <div className="card-body webhook-form-body">
            <CreateWebhookForm modelName={modelName} />
          </div>
        ) : null}
        <WebhookList modelName={modelName} canManage={canManage} />
      </section>
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Delivery log</h2>
            <p>The latest 100 deliveries, newest first.</p>
          </div>
        </div>
        <DeliveryLog modelName={modelName} />
      </section>
    </div>
  );
}

function CreateWebhookForm({ modelName }: { modelName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hydrated = useHydrated();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([...EVENTS]);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: async () => {
        setUrl('');
        await Promise.all([queryClient.invalidateQueries(trpc.webhooks.pathFilter()), queryClient.invalidateQueries(trpc.audit.pathFilter())]);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ modelName, url: url.trim(), events: events as (typeof EVENTS)[number][] });
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
            <input type="url" required placeholder="https://hooks.example.com/ballast" value={url} onChange={(e) => setUrl(e.target.value)} />
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

function WebhookList({ modelName, canManage }: { modelName: string; canManage: boolean }) {
  const trpc = useTRPC();
  const hooks = useQuery(trpc.webhooks.list.queryOptions({ modelName }));
  if (hooks.isPending) return <div className="loading">Loading webhooks…</div>;
  if (hooks.error) return <ErrorAlert error={hooks.error} />;
  if (!hooks.data.length) {
    return <p className="muted empty-inline-text">No webhooks for this model{canManage ? '' : '. Its owners can add one'}.</p>;
  }
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
          </tr>
        </thead>
        <tbody>
          {hooks.data.map((h) => (
            <tr key={h.id} data-testid="webhook-row">
              <td className="break-cell">
                <code>{h.url}</code>
              </td>
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
              <td>
                <code>{h.secretHint}</code>
              </td>
              <td>{h.active ? <span className="badge badge-success">active</span> : <span className="badge badge-muted">inactive</span>}</td>
              <td className="nowrap muted">{formatDateTime(new Date(h.createdAt))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DeliveryLog({ modelName }: { modelName: string }) {
  const trpc = useTRPC();
  const deliveries = useQuery({ ...trpc.webhooks.deliveries.queryOptions({ modelName, limit: 100 }), refetchInterval: 10_000 });
  if (deliveries.isPending) return <div className="loading">Loading deliveries…</div>;
  if (deliveries.error) return <ErrorAlert error={deliveries.error} />;
  if (!deliveries.data.length) return <p className="muted empty-inline-text">Nothing delivered yet. Events are queued when the model changes.</p>;
  return (
    <div className="table-wrap">
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
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
