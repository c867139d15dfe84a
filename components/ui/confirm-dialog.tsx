'use client';

import { useEffect, useRef, type ReactNode } from 'react';

/** A modal confirmation on the native <dialog>: focus trapping and Escape come with it. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** The confirm button's classes (default: the red of a destructive action). */
  confirmClass?: string;
  confirmDisabled?: boolean;
  /** Extra classes on the dialog. */
  className?: string;
  pending?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);

  return (
    <dialog
      ref={ref}
      className={props.className ? `confirm ${props.className}` : 'confirm'}
      onCancel={(e) => {
        // Escape asks; the owner of `open` decides (a dialog whose change is running stays).
        e.preventDefault();
        props.onCancel();
      }}
      onClose={props.onCancel}
      data-testid="confirm-dialog"
    >
      <div className="dialog-body">
        <h2>{props.title}</h2>
        {props.children}
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={props.onCancel} disabled={props.pending}>
          Cancel
        </button>
        <button type="button" className={props.confirmClass ?? 'btn btn-danger-solid'} onClick={props.onConfirm} disabled={props.pending || props.confirmDisabled} data-testid="confirm-button">
          {props.pending ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
