'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { TRole } from '@/server/auth/permissions';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorAlert } from '../ui/error-alert';
import { useTRPC } from '../trpc';

export type TUserChange =
  | { kind: 'role'; userId: string; email: string; from: TRole; to: TRole }
  | { kind: 'disable' | 'enable'; userId: string; email: string }
  | { kind: 'password'; userId: string; email: string };

const ROLE_EFFECT: Record<TRole, string> = {
  viewer: 'read everything and nothing more',
  engineer: 'log runs, register models, deploy and create tokens, but not manage users',
  admin: 'do everything, including managing users',
};

/** One confirmation for every change to a person: says what it does before it is done. */
export function UserChangeDialog({ change, onDone }: { change: TUserChange | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [reason, setReason] = useState('');
  const refresh = async () => {
    setPassword('');
    setReason('');
    onDone();
    await Promise.all([queryClient.invalidateQueries(trpc.users.list.queryFilter()), queryClient.invalidateQueries(trpc.audit.list.pathFilter())]);
  };
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: refresh }));
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSuccess: refresh }));
  const pending = update.isPending || reset.isPending;
  const error = update.error ?? reset.error;

  const cancel = () => {
    if (pending) return;
    update.reset();
    reset.reset();
    setPassword('');
    setReason('');
    onDone();
  };

  const confirm = () => {
    if (!change) return;
    const why = reason.trim() ? { reason: reason.trim() } : {};
    if (change.kind === 'role') update.mutate({ userId: change.userId, role: change.to, ...why });
    else if (change.kind === 'disable' || change.kind === 'enable') update.mutate({ userId: change.userId, disabled: change.kind === 'disable', ...why });
    else reset.mutate({ userId: change.userId, password });
  };

  const title = !change
    ? ''
    : change.kind === 'role'
      ? `Make ${change.email} ${change.to === 'viewer' ? 'a' : 'an'} ${change.to}?`
      : change.kind === 'disable'
        ? `Disable ${change.email}?`
        : change.kind === 'enable'
          ? `Re-enable ${change.email}?`
          : `Set a new password for ${change.email}?`;
  const label = !change ? '' : change.kind === 'role' ? 'Change role' : change.kind === 'disable' ? 'Disable user' : change.kind === 'enable' ? 'Re-enable user' : 'Set password';

  return (
    <ConfirmDialog
      open={change !== null}
      title={title}
      confirmLabel={label}
      confirmClass={change?.kind === 'enable' ? 'btn btn-primary' : undefined}
      confirmDisabled={change?.kind === 'password' && password.length === 0}
      pending={pending}
      onConfirm={confirm}
      onCancel={cancel}
    >
      <ErrorAlert error={error} testId="user-change-error" />
      {change?.kind === 'role' ? (
        <p>
          They can then {ROLE_EFFECT[change.to]}. Their session and every API token they created follow the new role at once (a token never holds more than its
          creator&apos;s role).
        </p>
      ) : null}
      {change?.kind === 'disable' ? <p>They cannot sign in; their open sessions and their API tokens stop working at once. You can re-enable them later.</p> : null}
      {change?.kind === 'enable' ? <p>They can sign in again, and their unrevoked API tokens work again.</p> : null}
      {change?.kind === 'password' ? (
        <>
          <p>Their current password stops working and their open sessions end. Give them the new one through a private channel. API tokens are not affected.</p>
          <label className="field">
            <span>
              New password <span className="hint">12+ characters, not a common one</span>
            </span>
            <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="reset-password-input" />
          </label>
        </>
      ) : null}
      {change && change.kind !== 'password' ? (
        <label className="field">
          <span>
            Reason <span className="hint">optional, kept in the audit log</span>
          </span>
          <input type="text" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} data-testid="user-change-reason" />
        </label>
      ) : null}
    </ConfirmDialog>
  );
}
