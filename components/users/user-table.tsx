'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ROLES, type TRole } from '@/server/auth/permissions';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useTRPC } from '../trpc';
import { UserChangeDialog, type TUserChange } from './user-change-dialog';

export function UserTable() {
  const trpc = useTRPC();
  const users = useQuery(trpc.users.list.queryOptions());
  const [change, setChange] = useState<TUserChange | null>(null);
  if (users.isPending) return <div className="loading">Loading users…</div>;
  if (users.isError) return <ErrorAlert error={users.error} />;
  return (
    <>
      <div className="table-wrap">
        <table className="table" data-testid="user-table">
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Created</th>
              <th>Status</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {users.data.map((user) => {
              // The server says which changes it would refuse, and why (the last active admin).
              const demoteRefused = user.actions.demote;
              const disableRefused = user.actions.disable;
              return (
                <tr key={user.id} data-testid="user-row" data-email={user.email}>
                  <td>{user.email}</td>
                  <td>{user.name ?? <span className="muted">—</span>}</td>
                  <td>
                    <select
                      aria-label={`Role of ${user.email}`}
                      value={user.role}
                      onChange={(e) => setChange({ kind: 'role', userId: user.id, email: user.email, from: user.role, to: e.target.value as TRole })}
                      title={demoteRefused ?? undefined}
                      data-testid="user-role-select"
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role} disabled={role !== 'admin' && user.role === 'admin' && demoteRefused !== null}>
                          {role}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="nowrap">{formatDateTime(user.createdAt)}</td>
                  <td>{user.disabledAt ? <span className="badge badge-danger">disabled</span> : <span className="badge badge-success">active</span>}</td>
                  <td className="nowrap">
                    {user.disabledAt ? (
                      <button type="button" className="btn btn-sm" onClick={() => setChange({ kind: 'enable', userId: user.id, email: user.email })} data-testid="enable-user">
                        Re-enable
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-sm btn-danger"
                        disabled={disableRefused !== null}
                        title={disableRefused ?? undefined}
                        onClick={() => setChange({ kind: 'disable', userId: user.id, email: user.email })}
                        data-testid="disable-user"
                      >
                        Disable
                      </button>
                    )}{' '}
                    <button type="button" className="btn btn-sm" onClick={() => setChange({ kind: 'password', userId: user.id, email: user.email })} data-testid="reset-password">
                      Reset password
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {users.data.some((u) => u.actions.demote !== null) ? (
        <p className="muted" style={{ padding: '0 18px 12px' }}>
          The last active admin cannot be demoted or disabled: make someone else admin first.
        </p>
      ) : null}
      <UserChangeDialog change={change} onDone={() => setChange(null)} />
    </>
  );
}
