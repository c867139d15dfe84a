'use client';

import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useTRPC } from '../trpc';

export function UserTable() {
  const trpc = useTRPC();
  const users = useQuery(trpc.users.list.queryOptions());
  if (users.isPending) return <div className="loading">Loading users…</div>;
  if (users.isError) return <ErrorAlert error={users.error} />;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="user-table">
        <thead>
          <tr>
            <th>Email</th>
            <th>Name</th>
            <th>Role</th>
            <th>Created</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {users.data.map((user) => (
            <tr key={user.id} data-testid="user-row" data-email={user.email}>
              <td>{user.email}</td>
              <td>{user.name ?? <span className="muted">—</span>}</td>
              <td>
                <span className={user.role === 'admin' ? 'badge badge-accent' : 'badge'}>{user.role}</span>
              </td>
              <td className="nowrap">{formatDateTime(user.createdAt)}</td>
              <td>{user.disabledAt ? <span className="badge badge-danger">disabled</span> : <span className="badge badge-success">active</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
