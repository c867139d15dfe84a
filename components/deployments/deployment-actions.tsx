'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorAlert } from '../ui/error-alert';
import type { TDeploymentDetails } from './deployment-types';

type TAction = 'promote' | 'pause' | 'resume' | 'rollback';

const COPY: Record<TAction, { label: string; title: (d: TDeploymentDetails) => string; body: (d: TDeploymentDetails) => string; tone: string }> = {
  promote: {
    label: 'Promote',
    title: (d) => `Promote v${d.candidate?.version} to production?`,
    body: (d) => `All traffic of ${d.modelName} moves to v${d.candidate?.version} now${d.stable ? `; v${d.stable.version} becomes the previous version` : ''}.`,
    tone: 'btn-primary',
  },
  pause: {
    label: 'Pause',
    title: () => 'Pause this deployment?',
    body: () => 'The split stays where it is and the canary stops advancing or promoting itself. Automated rollback keeps watching.',
    tone: '',
  },
  resume: {
    label: 'Resume',
    title: () => 'Resume this deployment?',
    body: () => 'The current step restarts its clock from now.',
    tone: '',
  },
  rollback: {
    label: 'Roll back',
    title: (d) => `Roll back v${d.candidate?.version}?`,
    body: (d) => `The candidate gets no more traffic${d.stable ? `; v${d.stable.version} serves everything` : ''}. Production is not changed.`,
    tone: 'btn-danger',
  },
};

/** Promote / Pause / Resume / Roll back, each behind a confirmation with an optional reason for the audit log. */
export function DeploymentActions({ deployment }: { deployment: TDeploymentDetails }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<TAction | null>(null);
  const [reason, setReason] = useState('');
  const onSuccess = async () => {
    setOpen(null);
    setReason('');
    await queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
  };
  const mutations = {
    promote: useMutation(trpc.deployments.promote.mutationOptions({ onSuccess })),
    pause: useMutation(trpc.deployments.pause.mutationOptions({ onSuccess })),
    resume: useMutation(trpc.deployments.resume.mutationOptions({ onSuccess })),
    rollback: useMutation(trpc.deployments.rollback.mutationOptions({ onSuccess })),
  };
  const available: TAction[] = deployment.status === 'paused' ? ['promote', 'resume', 'rollback'] : ['promote', 'pause', 'rollback'];
  const current = open ? mutations[open] : null;
  const selfPromotion = !deployment.approval && deployment.viewerStartedIt;
  return (
    <div className="header-actions" data-testid="deployment-actions">
      {available.map((a) => (
        <button
          key={a}
          type="button"
          className={`btn ${COPY[a].tone}`}
          // Four-eyes: whoever started a deployment without an approved request cannot also promote it.
          disabled={a === 'promote' && selfPromotion}
          title={a === 'promote' && selfPromotion ? 'You started this deployment: another owner of the model promotes it (four-eyes)' : undefined}
          onClick={() => {
            Object.values(mutations).forEach((m) => m.reset());
            setOpen(a);
          }}
          data-testid={`action-${a}`}
        >
          {COPY[a].label}
        </button>
      ))}
      <ConfirmDialog
        open={open !== null}
        title={open ? COPY[open].title(deployment) : ''}
        confirmLabel={open ? COPY[open].label : ''}
        pending={current?.isPending}
        onCancel={() => setOpen(null)}
        onConfirm={() => open && mutations[open].mutate({ deploymentId: deployment.id, reason })}
      >
        {open ? <p>{COPY[open].body(deployment)}</p> : null}
        <label className="field">
          <span>Reason (recorded in the audit log)</span>
          <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="action-reason" />
        </label>
        <ErrorAlert error={current?.error} testId="action-error" />
      </ConfirmDialog>
    </div>
  );
}
