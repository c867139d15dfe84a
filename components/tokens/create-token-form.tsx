'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, type FormEvent } from 'react';
import { canGrantToken, TOKEN_SCOPES, type TRole, type TTokenScope } from '@/server/auth/permissions';
import { ErrorAlert } from '../ui/error-alert';
import { useHydrated } from '../ui/use-hydrated';
import { useTRPC } from '../trpc';

const SCOPE_HELP: Record<TTokenScope, string> = {
  ingest: 'log runs, datasets and models from training scripts',
  worker: 'run an inference worker',
  metrics: 'read-only: let Prometheus scrape /api/metrics',
  admin: 'everything, including users',
};

// Uncontrolled fields read on submit: what someone types before hydration is kept.
export function CreateTokenForm({ role, onCreated }: { role: TRole | null; onCreated: (token: { name: string; secret: string }) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hydrated = useHydrated();
  const formRef = useRef<HTMLFormElement>(null);

  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: async (token) => {
        onCreated({ name: token.name, secret: token.secret });
        formRef.current?.reset();
        await Promise.all([queryClient.invalidateQueries(trpc.tokens.list.queryFilter()), queryClient.invalidateQueries(trpc.audit.list.pathFilter())]);
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const scopes = data.getAll('scopes').filter((s): s is TTokenScope => (TOKEN_SCOPES as readonly string[]).includes(String(s)));
    const days = String(data.get('expiresInDays') ?? '').trim();
    create.mutate({ name: String(data.get('name') ?? ''), scopes, ...(days ? { expiresInDays: Number(days) } : {}) });
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} data-testid="create-token-form" noValidate>
      <ErrorAlert error={create.error} testId="create-token-error" />
      <div className="form-grid">
        <label className="field">
          <span>Name</span>
          <input type="text" name="name" placeholder="training-ci" maxLength={100} />
        </label>
        <label className="field">
          <span>Expires in days</span>
          <input type="number" name="expiresInDays" min={1} max={3650} placeholder="never (optional)" />
        </label>
      </div>
      <fieldset className="field" style={{ marginTop: 14 }}>
        <legend>Scopes</legend>
        <div className="checkbox-row">
          {TOKEN_SCOPES.map((scope) => (
            <label key={scope} title={SCOPE_HELP[scope]}>
              <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === 'ingest'} />
              <code>{scope}</code>
              <span className="hint muted">
                {SCOPE_HELP[scope]}
                {role && !canGrantToken(role, scope) ? ' (needs the admin role)' : ''}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={!hydrated || create.isPending} data-testid="create-token-submit">
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}
