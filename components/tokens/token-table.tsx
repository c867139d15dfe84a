'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorAlert } from '../ui/error-alert';
import { formatDate, formatDateTime } from '../ui/format';
import { useTRPC } from '../trpc';

function statusOf(token: { revokedAt: Date | null; expiresAt: Date | null }, now: number): 'revoked' | 'expired' | 'active' {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && token.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

const STATUS_BADGE = { active: 'badge badge-success', revoked: 'badge badge-danger', expired: 'badge badge-muted' } as const;

export function TokenTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const [confirming, setConfirming] = useState<{ id: string; name: string } | null>(null);

  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        setConfirming(null);
        await Promise.all([queryClient.invalidateQueries(trpc.tokens.list.queryFilter()), queryClient.invalidateQueries(trpc.audit.list.pathFilter())]);
      },
    }),
  );

  if (tokens.isPending) return <div className="loading">Loading tokens…</div>;
  if (tokens.isError) return <ErrorAlert error={tokens.error} />;
  if (!tokens.data.length) {
    return (
      <p className="muted" style={{ padding: 18, margin: 0 }} data-testid="tokens-empty">
        No API tokens yet. Create one above for a training script (<code>ingest</code>) or an inference worker (<code>worker</code>).
      </p>
    );
  }

  const now = Date.now();
  return (
    <>
      {revoke.error && !confirming ? <ErrorAlert error={revoke.error} /> : null}
      <div className="table-wrap">
        <table className="table" data-testid="token-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Token</th>
              <th>Scopes</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>Status</th>
              <th>Created by</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => {
              const status = statusOf(token, now);
              return (
                <tr key={token.id} data-testid="token-row" data-token-name={token.name} data-status={status}>
                  <td>
                    <strong>{token.name}</strong>
                  </td>
                  <td className="nowrap">
                    <code>{token.prefix}…</code>
                  </td>
                  <td>
                    {token.scopes.map((scope) => (
                      <span key={scope} className="badge">
                        {scope}
                      </span>
                    ))}
                  </td>
                  <td className="nowrap">{formatDateTime(token.createdAt)}</td>
                  <td className="nowrap">{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : <span className="muted">never</span>}</td>
                  <td className="nowrap">{token.expiresAt ? formatDate(token.expiresAt) : <span className="muted">never</span>}</td>
                  <td>
                    <span className={STATUS_BADGE[status]} data-testid="token-status">
                      {status}
                    </span>
                  </td>
                  <td className="muted">{token.createdBy}</td>
                  <td>
                    {status !== 'revoked' ? (
                      <button type="button" className="btn btn-sm btn-danger" onClick={() => setConfirming({ id: token.id, name: token.name })} data-testid="revoke-token">
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={confirming !== null}
        title={`Revoke token “${confirming?.name ?? ''}”?`}
        confirmLabel="Revoke token"
        pending={revoke.isPending}
        onConfirm={() => confirming && revoke.mutate({ id: confirming.id })}
        onCancel={() => {
          setConfirming(null);
          revoke.reset();
        }}
      >
        <p>Scripts and workers using it stop working at once. This cannot be undone.</p>
        {revoke.error ? <ErrorAlert error={revoke.error} /> : null}
      </ConfirmDialog>
    </>
  );
}
