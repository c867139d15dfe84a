import type { TPrincipal } from '../../auth/principal';
import type { TRolloutActionsView, TRolloutActionView } from '../../contracts/rollout-actions';
import type { DbOrTx } from '../../db/client';
import type { RegisteredModel } from '../../db/generated/client';
import { allowedActions, rolloutRevision, type TRolloutAction, type TRolloutSnapshot } from '../../domain/rollout';
import { loadRolloutSnapshot } from './load-rollout-snapshot';
import { rolloutActor } from './rollout-actor';

/*
 * What the viewer may do on a model, for screens to draw every rollout button from: the domain's
 * allowedActions on a snapshot read without the lock (the command decides again, under it).
 */

export async function readRolloutActions(db: DbOrTx, model: RegisteredModel, viewer: TPrincipal, now = new Date()): Promise<TRolloutActionsView & { snapshot: TRolloutSnapshot }> {
  const snapshot = await loadRolloutSnapshot(db, model, now);
  return { snapshot, ...rolloutActionsOf(snapshot, viewer) };
}

export function rolloutActionsOf(snapshot: TRolloutSnapshot, viewer: TPrincipal): TRolloutActionsView {
  return { revision: rolloutRevision(snapshot), actions: allowedActions(snapshot, rolloutActor(viewer)).map(actionView) };
}

function actionView(a: TRolloutAction): TRolloutActionView {
  const c = a.command as Record<string, unknown>;
  return {
    key: a.key,
    kind: a.command.kind,
    version: typeof c.version === 'number' ? c.version : null,
    requestId: typeof c.requestId === 'string' ? c.requestId : null,
    deploymentId: typeof c.deploymentId === 'string' ? c.deploymentId : null,
    allowed: a.allowed,
    allowedWithReason: a.allowedWithReason ?? false,
    refusal: a.refusal ? { code: a.refusal.code, message: a.refusal.message, details: a.refusal.details } : null,
  };
}
