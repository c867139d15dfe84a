import type { TRunView } from '@/server/contracts/tracking';

const STATUS_CLASS: Record<TRunView['status'], string> = {
  RUNNING: 'badge-accent',
  SCHEDULED: 'badge-muted',
  FINISHED: 'badge-success',
  FAILED: 'badge-danger',
  KILLED: 'badge-warning',
};

export function StatusBadge({ status }: { status: TRunView['status'] }) {
  return (
    <span className={`badge status-badge ${STATUS_CLASS[status]}`} data-testid="run-status" data-status={status}>
      {status === 'RUNNING' ? <span className="pulse-dot" aria-hidden="true" /> : null}
      {status.toLowerCase()}
    </span>
  );
}
