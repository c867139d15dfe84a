import { ZDeploymentAction, type TDeploymentActionInput } from '../contracts/deployments';
import type { Tx } from '../db/client';
import type { Deployment, RegisteredModel } from '../db/generated/client';
import { DomainError, parseInput } from '../domain/errors';
import { deploymentApproval, lockDeployment, promoteDeploymentIn, requireActive, rollbackDeploymentIn, updateDeploymentIn } from './deployment-core';
import { nowOf, requireOwner } from './model-registry-core';
import type { ServiceContext } from './service-context';

/*
 * Owner actions on a running deployment: promote now, pause, resume, roll back. Each is one
 * transaction under the model's lock with its audit event and webhook; a refused one changes nothing.
 */

async function ownerAction<T>(ctx: ServiceContext, raw: TDeploymentActionInput, verb: string, fn: (tx: Tx, model: RegisteredModel, d: Deployment, reason: string) => Promise<T>): Promise<T> {
  const input = parseInput(ZDeploymentAction, raw, verb);
  return ctx.db.$transaction(async (tx) => {
    const { deployment, model } = await lockDeployment(tx, input.deploymentId);
    await requireOwner(tx, model, ctx.actor, `${verb} a deployment`);
    requireActive(deployment, verb);
    return fn(tx, model, deployment, input.reason);
  });
}

export function promoteDeployment(ctx: ServiceContext, raw: TDeploymentActionInput) {
  return ownerAction(ctx, raw, 'promote', async (tx, model, d, reason) => {
    const approval = await deploymentApproval(tx, model, d, ctx.actor, reason);
    if (!approval) throw new DomainError('FORBIDDEN', 'promoting a deployment needs a person acting');
    return promoteDeploymentIn(tx, ctx, model, d, { reason: reason || 'promoted by an owner', approval });
  });
}

export function pauseDeployment(ctx: ServiceContext, raw: TDeploymentActionInput) {
  return ownerAction(ctx, raw, 'pause', (tx, model, d, reason) => {
    if (d.status === 'paused') throw new DomainError('CONFLICT', 'the deployment is already paused');
    return updateDeploymentIn(tx, ctx, model, d, 'paused', { status: 'paused' }, reason);
  });
}

/** Resuming restarts the current step's window: the time paused does not count toward its duration. */
export function resumeDeployment(ctx: ServiceContext, raw: TDeploymentActionInput) {
  return ownerAction(ctx, raw, 'resume', (tx, model, d, reason) => {
    if (d.status !== 'paused') throw new DomainError('CONFLICT', 'the deployment is not paused');
    return updateDeploymentIn(tx, ctx, model, d, 'resumed', { status: 'running', stepStartedAt: nowOf(ctx) }, reason);
  });
}

export function rollbackDeployment(ctx: ServiceContext, raw: TDeploymentActionInput) {
  return ownerAction(ctx, raw, 'roll back', (tx, model, d, reason) => rollbackDeploymentIn(tx, ctx, model, d, { reason: reason || 'rolled back by an owner', automated: false }));
}
