'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { useHydrated } from '../ui/use-hydrated';
import { useTRPC } from '../trpc';
import { ActionError } from './action-error';

type TTone = 'primary' | 'danger' | 'default';

export type TActionText = {
  label: string;
  placeholder?: string;
  /** The confirm button stays disabled until the text has at least this many characters. */
  minLength?: number;
  hint?: string;
};

/** Everything a registry change can affect: the model pages, the inbox, webhooks and the audit log. */
export function useRefreshRegistry() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.models.pathFilter()),
      queryClient.invalidateQueries(trpc.promotions.pathFilter()),
      queryClient.invalidateQueries(trpc.webhooks.pathFilter()),
      queryClient.invalidateQueries(trpc.audit.pathFilter()),
    ]);
}

const BUTTON_CLASS: Record<TTone, string> = { primary: 'btn btn-primary', danger: 'btn btn-danger', default: 'btn' };
const CONFIRM_CLASS: Record<TTone, string> = { primary: 'btn btn-primary', danger: 'btn btn-danger-solid', default: 'btn btn-primary' };

/**
 * A registry action: a button that opens a confirm dialog (optionally asking for a comment or
 * reason), runs the change, and shows the server's refusal inside the dialog where it was made.
 */
export function ActionButton(props: {
  label: string;
  title: string;
  confirmLabel: string;
  children?: ReactNode;
  tone?: TTone;
  small?: boolean;
  text?: TActionText;
  testId: string;
  run: (text: string) => Promise<unknown>;
}) {
  const tone = props.tone ?? 'default';
  const hydrated = useHydrated();
  const refresh = useRefreshRegistry();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const textId = useId();
  const mutation = useMutation({
    mutationFn: (value: string) => props.run(value.trim()),
    onSuccess: async () => {
      setOpen(false);
      setText('');
      await refresh();
    },
  });

  const cancel = () => {
    if (mutation.isPending) return;
    setOpen(false);
    mutation.reset();
  };
  const minLength = props.text?.minLength ?? 0;
  const ready = text.trim().length >= minLength;

  return (
    <>
      <button
        type="button"
        className={`${BUTTON_CLASS[tone]}${props.small === false ? '' : ' btn-sm'}`}
        onClick={() => setOpen(true)}
        disabled={!hydrated}
        data-testid={props.testId}
      >
        {props.label}
      </button>
      <ConfirmDialog
        open={open}
        title={props.title}
        className="action-dialog"
        confirmLabel={props.confirmLabel}
        confirmClass={CONFIRM_CLASS[tone]}
        pending={mutation.isPending}
        confirmDisabled={!ready}
        onCancel={cancel}
        onConfirm={() => mutation.mutate(text)}
      >
        {props.children}
        {props.text ? (
          <label className="field dialog-field" htmlFor={textId}>
            <span>
              {props.text.label}
              {props.text.hint ? <span className="hint"> · {props.text.hint}</span> : null}
            </span>
            <textarea id={textId} rows={3} value={text} placeholder={props.text.placeholder} onChange={(e) => setText(e.target.value)} data-testid="action-text" />
          </label>
        ) : null}
        <ActionError error={mutation.error} />
      </ConfirmDialog>
    </>
  );
}
