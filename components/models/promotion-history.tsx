import Link from 'next/link';
import { formatDateTime } from '../ui/format';
import type { TPromotionEntry } from './registry-types';

const STATUS_CLASS: Record<string, string> = {
  requested: 'badge badge-accent',
  approved: 'badge badge-success',
  rejected: 'badge badge-danger',
  stale: 'badge badge-warning',
  withdrawn: 'badge badge-muted',
};

/** Every promotion request on the model, newest first, with the decision and its comment. */
export function PromotionHistory({ requests }: { requests: readonly TPromotionEntry[] }) {
  if (!requests.length) return <p className="muted empty-inline-text">No promotion requests yet. An engineer requests production for a staging version whose evidence gates pass.</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="promotion-history">
        <thead>
          <tr>
            <th>Version</th>
            <th>Status</th>
            <th>Requested</th>
            <th>Decided</th>
            <th>Comments</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => (
            <tr key={r.id} data-testid="promotion-row" data-status={r.status}>
              <td>
                <strong>v{r.version ?? '?'}</strong>
              </td>
              <td>
                <span className={STATUS_CLASS[r.status] ?? 'badge'}>{r.status}</span>
                {r.overrideReason ? <span className="badge badge-warning">override</span> : null}
                {r.canary ? (
                  <div className="muted small">
                    canary {r.canary.percent}%
                    {r.deployment ? (
                      <>
                        {' · '}
                        <Link href={`/deployments/${r.deployment.id}`} data-testid="promotion-deployment">
                          {r.deployment.status.replace('_', ' ')}
                        </Link>
                      </>
                    ) : null}
                  </div>
                ) : null}
              </td>
              <td className="nowrap">
                {r.requestedBy}
                <div className="muted small">{formatDateTime(new Date(r.requestedAt))}</div>
              </td>
              <td className="nowrap">
                {r.decidedBy ?? <span className="muted">—</span>}
                {r.decidedAt ? <div className="muted small">{formatDateTime(new Date(r.decidedAt))}</div> : null}
              </td>
              <td className="comment-cell">
                {r.comment ? <div>“{r.comment}”</div> : null}
                {r.decisionComment ? <div className="muted">Decision: “{r.decisionComment}”</div> : null}
                {r.overrideReason ? <div className="muted">Override: “{r.overrideReason}”</div> : null}
                {r.staleReason ? <div className="muted">Stale: {r.staleReason}</div> : null}
                {!r.comment && !r.decisionComment && !r.overrideReason && !r.staleReason ? <span className="muted">—</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
