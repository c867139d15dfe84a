'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useTRPC } from '../trpc';
import { auditQueryInput, hasAuditFilters, type TAuditFilters } from './audit-filters';
import { ChangeDetails } from './change-details';

export function AuditLog({ filters }: { filters: TAuditFilters }) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(auditQueryInput(filters), {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
  );

  const { data, error } = query;
  if (query.isPending) return <div className="card loading">Loading audit events…</div>;
  // A failed "load more" keeps the pages already shown; only a failed first page replaces them.
  if (!data) return <ErrorAlert error={error} />;

  const events = data.pages.flatMap((page) => page.events);
  if (!events.length) {
    return hasAuditFilters(filters) ? (
      <section className="card empty-state" data-testid="audit-empty">
        <h2>No events match these filters</h2>
        <p>
          Widen the dates or clear a filter. An action filter matches the start of the action name, so <code>token.</code> finds every token event.
        </p>
        <Link href="/audit" className="btn">
          Clear filters
        </Link>
      </section>
    ) : (
      <section className="card empty-state" data-testid="audit-empty">
        <h2>No audit events yet</h2>
        <p>Every change that matters is recorded here with who made it, when and why: API tokens, users, and later promotions and deployments.</p>
        <p>
          Create an API token in <Link href="/settings">Settings</Link> to see the first event appear.
        </p>
      </section>
    );
  }

  return (
    <div className="card">
      <div className="table-wrap">
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Subject</th>
              <th>Change</th>
              <th>Request</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id} data-testid="audit-row" data-action={event.action}>
                <td className="nowrap">
                  <time dateTime={event.at.toISOString()}>{formatDateTime(event.at)}</time>
                </td>
                <td>
                  {event.actorLabel}
                  {event.actorType !== 'user' ? <span className="badge badge-muted"> {event.actorType}</span> : null}
                </td>
                <td>
                  <code>{event.action}</code>
                  {event.reason ? <div className="muted">“{event.reason}”</div> : null}
                </td>
                <td>
                  <span className="badge">{event.subjectType}</span>
                  {event.subjectId ? (
                    <div className="muted" title={event.subjectId}>
                      <code>{event.subjectId.length > 12 ? `${event.subjectId.slice(0, 8)}…` : event.subjectId}</code>
                    </div>
                  ) : null}
                </td>
                <td className="change-cell">
                  <ChangeDetails before={event.before} after={event.after} />
                </td>
                <td className="muted" title={event.requestId ?? undefined}>
                  {event.requestId ? <code>{event.requestId.slice(0, 8)}</code> : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-foot">
        <span data-testid="audit-count">
          {events.length} event{events.length === 1 ? '' : 's'} shown{query.hasNextPage ? '' : ' (all)'}
        </span>
        {query.hasNextPage ? (
          <button type="button" className="btn btn-sm" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage} data-testid="audit-load-more">
            {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        ) : null}
      </div>
      {query.isFetchNextPageError ? <ErrorAlert error={error} /> : null}
    </div>
  );
}
