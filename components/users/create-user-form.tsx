'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { ROLES, type TRole } from '@/server/auth/permissions';
import { ErrorAlert } from '../ui/error-alert';
import { useHydrated } from '../ui/use-hydrated';
import { useTRPC } from '../trpc';

// Uncontrolled fields read on submit: what someone types before hydration is kept.
export function CreateUserForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hydrated = useHydrated();
  const formRef = useRef<HTMLFormElement>(null);
  const [createdEmail, setCreatedEmail] = useState<string | null>(null);

  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async (user) => {
        setCreatedEmail(user.email);
        formRef.current?.reset();
        await Promise.all([queryClient.invalidateQueries(trpc.users.list.queryFilter()), queryClient.invalidateQueries(trpc.audit.list.pathFilter())]);
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setCreatedEmail(null);
    const data = new FormData(event.currentTarget);
    const field = (key: string) => String(data.get(key) ?? '');
    const name = field('name').trim();
    create.mutate({ email: field('email'), role: field('role') as TRole, password: field('password'), ...(name ? { name } : {}) });
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} data-testid="create-user-form" noValidate>
      <ErrorAlert error={create.error} testId="create-user-error" />
      {createdEmail ? (
        <div className="alert alert-info" role="status" data-testid="user-created">
          Created {createdEmail}. Give them their password through a private channel.
        </div>
      ) : null}
      <div className="form-grid">
        <label className="field">
          <span>Email</span>
          <input type="email" name="email" autoComplete="off" />
        </label>
        <label className="field">
          <span>
            Name <span className="hint">optional</span>
          </span>
          <input type="text" name="name" autoComplete="off" />
        </label>
        <label className="field">
          <span>Role</span>
          <select name="role" defaultValue="viewer">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>
            Password <span className="hint">12+ characters, not a common one</span>
          </span>
          <input type="password" name="password" autoComplete="new-password" />
        </label>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={!hydrated || create.isPending} data-testid="create-user-submit">
          {create.isPending ? 'Creating…' : 'Create user'}
        </button>
      </div>
    </form>
  );
}
