import { ZCreateDeploymentInput, ZDeploymentAction, type TCreateDeploymentInput, type TDeploymentActionInput } from '../../contracts/deployments';
import { parseInput } from '../../domain/errors';
import type { TRolloutCommand } from '../../domain/rollout';
import type { ServiceContext } from '../service-context';
import { applyRolloutCommand } from './apply-rollout-command';

/*
 * Deployments as commands: an owner starts one (blue-green, canary, A/B), owners promote, pause,
 * resume or roll it back. One active deployment per model: the model's row lock serialises two
 * starts, and the unique activeModelId backs it up. Rules: server/domain/rollout/deployments.ts.
 */

export async function createDeployment(ctx: ServiceContext, raw: TCreateDeploymentInput) {
  const input = parseInput(ZCreateDeploymentInput, raw, 'deployment');
  const applied = await applyRolloutCommand(ctx, { modelName: input.modelName }, {
    kind: 'startDeployment',
    version: input.version,
    strategy: input.strategy,
    ...(input.canary ? { canary: input.canary } : {}),
    ...(input.split ? { split: input.split } : {}),
    ...(input.outcomeKind ? { outcomeKind: input.outcomeKind } : {}),
    comment: input.comment,
  });
  return ctx.db.deployment.findUniqueOrThrow({ where: { id: applied.created.deploymentId! } });
}

type TOwnerAction = Extract<TRolloutCommand['kind'], 'promoteDeployment' | 'pauseDeployment' | 'resumeDeployment' | 'rollbackDeployment'>;

async function ownerAction(ctx: ServiceContext, raw: TDeploymentActionInput, kind: TOwnerAction, verb: string) {
  const input = parseInput(ZDeploymentAction, raw, verb);
  await applyRolloutCommand(ctx, { deploymentId: input.deploymentId }, { kind, deploymentId: input.deploymentId, reason: input.reason });
  return ctx.db.deployment.findUniqueOrThrow({ where: { id: input.deploymentId } });
}

export const promoteDeployment = (ctx: ServiceContext, raw: TDeploymentActionInput) => ownerAction(ctx, raw, 'promoteDeployment', 'promote');
export const pauseDeployment = (ctx: ServiceContext, raw: TDeploymentActionInput) => ownerAction(ctx, raw, 'pauseDeployment', 'pause');
/** Resuming restarts the current step's window: the time paused does not count toward its duration. */
export const resumeDeployment = (ctx: ServiceContext, raw: TDeploymentActionInput) => ownerAction(ctx, raw, 'resumeDeployment', 'resume');
export const rollbackDeployment = (ctx: ServiceContext, raw: TDeploymentActionInput) => ownerAction(ctx, raw, 'rollbackDeployment', 'roll back');
