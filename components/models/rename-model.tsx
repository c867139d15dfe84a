'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { useHydrated } from '../ui/use-hydrated';
import { useTRPC } from '../trpc';
import { useRefreshRegistry } from './action-button';
import { ActionError } from './action-error';

/**
 * Renames the model (owners; an admin who does not own it writes a reason). The server refuses
 * while the model is served - workers and the prediction log know it by name - and the dialog
 * shows that refusal with what serves it.
 */
export function RenameModel({ name, needsReason }: { name: string; needsReason: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const hydrated = useHydrated();
  const refresh = useRefreshRegistry();
  const [open, setOpen] = useState(false);
  const [newName, setNewName] = useState(name);
  const [reason, setReason] = useState('');
  const rename = useMutation(
    trpc.models.rename.mutationOptions({
      onSuccess: async (model) => {
        setOpen(false);
        await refresh();
        router.replace(`/models/${encodeURIComponent(model.name)}`);
      },
    }),
  );
  const ready = newName.trim() !== '' && newName.trim() !== name && (!needsReason || reason.trim().length >= 10);
  return (
    <>
      <button type="button" className="btn" disabled={!hydrated} onClick={() => setOpen(true)} data-testid="rename-model">
        Rename
      </button>
      <ConfirmDialog
        open={open}
        title={`Rename ${name}`}
        confirmLabel="Rename"
        confirmClass="btn btn-primary"
        confirmDisabled={!ready}
        pending={rename.isPending}
        onConfirm={() => rename.mutate({ name, newName: newName.trim(), reason: needsReason ? reason.trim() : undefined })}
        onCancel={() => {
          setOpen(false);
          rename.reset();
        }}
      >
        <p>Workers and the prediction log refer to the model by name: a model that serves (production, a deployment, or recent traffic) cannot be renamed.</p>
        <label className="field">
          <span>New name</span>
          <input value={newName} maxLength={128} onChange={(e) => setNewName(e.target.value)} data-testid="rename-model-input" />
        </label>
        {needsReason ? (
          <label className="field">
            <span>Reason (you are an admin, not an owner: at least 10 characters, kept in the audit log)</span>
            <input value={reason} maxLength={5000} onChange={(e) => setReason(e.target.value)} />
          </label>
        ) : null}
        <ActionError error={rename.error} />
      </ConfirmDialog>
    </>
  );
}
