'use client';

import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useTRPC } from '../trpc';

/** "2 s", "1 min", "1 h": how often a job runs. */
function formatEvery(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function JobTable() {
  const trpc = useTRPC();
  // Refreshed every 10 s: the fastest job runs every 2 s, a page left open should not go stale.
  const jobs = useQuery({ ...trpc.jobs.list.queryOptions(), refetchInterval: 10_000 });
  if (jobs.isPending) return <div className="loading">Loading jobs…</div>;
  if (jobs.isError) return <ErrorAlert error={jobs.error} />;
  if (!jobs.data.length) {
    return (
      <div className="card-body">
        <p className="muted" data-testid="jobs-empty">
          No job has run against this database yet: every control plane here runs with BALLAST_JOBS=off, or none has started.
        </p>
      </div>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table" data-testid="job-table">
        <thead>
          <tr>
            <th>Job</th>
            <th>Every</th>
            <th>Last run</th>
            <th>Duration</th>
            <th>Outcome</th>
            <th>Last success</th>
            <th>Runs</th>
            <th>Failures</th>
          </tr>
        </thead>
        <tbody>
          {jobs.data.map((job) => (
            <tr key={job.name} data-testid="job-row" data-job={job.name}>
              <td>
                <code>{job.name}</code>
              </td>
              <td className="nowrap">{formatEvery(job.everyMs)}</td>
              <td className="nowrap" title={job.lastRunner ? `by ${job.lastRunner}` : undefined}>
                {formatDateTime(job.lastStartedAt)}
              </td>
              <td className="nowrap">{formatDuration(job.lastDurationMs)}</td>
              <td>
                {job.running ? (
                  <span className="badge" title={job.runningBy ? `on ${job.runningBy}` : undefined}>
                    running
                  </span>
                ) : !job.lastFinishedAt ? (
                  <span className="muted">never ran</span>
                ) : job.lastError === null ? (
                  <span className="badge badge-success">ok</span>
                ) : (
                  <>
                    <span className="badge badge-danger">failed</span> <span className="muted" data-testid="job-error">{job.lastError}</span>
                  </>
                )}
              </td>
              <td className="nowrap">{formatDateTime(job.lastSuccessAt)}</td>
              <td>{job.runs}</td>
              <td>{job.failures}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
