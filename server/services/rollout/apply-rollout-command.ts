import type { Tx } from '../../db/client';
import type { RegisteredModel } from '../../db/generated/client';
import { DomainError } from '../../domain/errors';
import { decide, isRefusal, type TEvaluationOutcome, type TRolloutCommand, type TRolloutEffect, type TRolloutRefusal } from '../../domain/rollout';
import type { ServiceContext } from '../service-context';
import { loadRolloutSnapshot, type TLiveFiguresLoader } from './load-rollout-snapshot';
import { rolloutActor } from './rollout-actor';
import { writeRolloutEffects } from './write-rollout-effects';

/*
 * The one way a rollout changes: lock the model, load its snapshot once, let the domain decide,
 * and write the effects - rows, audit events, webhook outbox - in the same transaction. tRPC,
 * REST (MLflow's registry endpoints included), the CLI and the jobs all come through here, so a
 * rule is checked in one place and a refused command writes nothing.
 */

/** How the caller names the model: by name, or through the request or deployment the command acts on. */
export type TRolloutTarget = { modelName: string } | { requestId: string } | { deploymentId: string };

export type TAppliedCommand = {
  model: RegisteredModel;
  effects: TRolloutEffect[];
  outcome?: TEvaluationOutcome;
  /** Ids of the rows the command created. */
  created: { requestId: string | null; deploymentId: string | null };
};

export function applyRolloutCommand(ctx: ServiceContext, target: TRolloutTarget, command: TRolloutCommand, opts: { live?: TLiveFiguresLoader } = {}): Promise<TAppliedCommand> {
  return ctx.db.$transaction(async (tx) => applyRolloutCommandIn(tx, ctx, await lockTarget(tx, target), command, opts));
}

/**
 * The same inside a caller's transaction that already holds the model's lock (a registry change
 * with rollout consequences: deleting a version drops its aliases).
 */
export async function applyRolloutCommandIn(tx: Tx, ctx: ServiceContext, model: RegisteredModel, command: TRolloutCommand, opts: { live?: TLiveFiguresLoader } = {}): Promise<TAppliedCommand> {
  const now = ctx.now?.() ?? new Date();
  const snapshot = await loadRolloutSnapshot(tx, model, now, { ...namedRows(command), live: opts.live });
  const decision = decide(snapshot, command, rolloutActor(ctx.actor));
  if (isRefusal(decision)) throw refusalError(decision.refusal);
  await writeRolloutEffects(tx, ctx, model, decision.effects);
  return {
    model,
    effects: decision.effects,
    ...(decision.outcome ? { outcome: decision.outcome } : {}),
    created: {
      requestId: decision.effects.some((e) => e.type === 'requestCreated') ? snapshot.newIds.request : null,
      deploymentId: decision.effects.some((e) => e.type === 'deploymentCreated') ? snapshot.newIds.deployment : null,
    },
  };
}

/** A refusal as the one error type the transports map (ERROR_TABLE): its code names the rule. */
export function refusalError(r: TRolloutRefusal): DomainError {
  return new DomainError(r.code, r.message, r.details as Record<string, unknown>);
}

function namedRows(c: TRolloutCommand): { requestId?: string; deploymentId?: string } {
  if ('requestId' in c) return { requestId: c.requestId };
  if ('deploymentId' in c) return { deploymentId: c.deploymentId };
  return {};
}

/**
 * Locks the model's row for the rest of the transaction: commands on one model run one at a
 * time, so two concurrent approvals cannot both see "no other production version".
 */
async function lockTarget(tx: Tx, target: TRolloutTarget): Promise<RegisteredModel> {
  const modelId = await modelIdOf(tx, target);
  const rows = modelId ? await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM registered_models WHERE id = ${modelId}::uuid FOR UPDATE` : [];
  if (!rows[0]) throw notFound(target);
  return tx.registeredModel.findUniqueOrThrow({ where: { id: rows[0].id } });
}

async function modelIdOf(tx: Tx, target: TRolloutTarget): Promise<string | null> {
  if ('modelName' in target) return (await tx.registeredModel.findUnique({ where: { name: target.modelName }, select: { id: true } }))?.id ?? null;
  if ('requestId' in target) return (await tx.promotionRequest.findUnique({ where: { id: target.requestId }, select: { modelId: true } }))?.modelId ?? null;
  return (await tx.deployment.findUnique({ where: { id: target.deploymentId }, select: { modelId: true } }))?.modelId ?? null;
}

function notFound(target: TRolloutTarget): DomainError {
  if ('modelName' in target) return new DomainError('NOT_FOUND', `Registered Model with name=${target.modelName} not found`);
  if ('requestId' in target) return new DomainError('NOT_FOUND', `no promotion request ${target.requestId}`);
  return new DomainError('NOT_FOUND', `no deployment ${target.deploymentId}`);
}
