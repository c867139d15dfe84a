import { z } from 'zod';
import { ZModelName, ZVersionRef, type TVersionRef } from '../contracts/model-registry';
import type { Tx } from '../db/client';
import type { ModelVersion, RegisteredModel } from '../db/generated/client';
import { DomainError, parseInput } from '../domain/errors';
import type { TTransitionCause } from '../domain/model-lifecycle';
import { aliasTarget, changeStage, enqueueWebhookEvent, loadVersion, lockModel, moveAlias, nowOf, requireOwner, staleOpenRequests } from './model-registry-core';
import { recordAuditEvent } from './record-audit-event';
import type { ServiceContext } from './service-context';

/*
 * Owner actions on the lifecycle other than approval: promote to staging, demote to
 * development, archive, and roll back production to `previous` in one step.
 */

async function ownerStep<T>(ctx: ServiceContext, ref: TVersionRef, action: string, fn: (tx: Tx, model: RegisteredModel, version: ModelVersion) => Promise<T>): Promise<T> {
  const input = parseInput(ZVersionRef, ref, 'version');
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    const version = await loadVersion(tx, model, input.version);
    await requireOwner(tx, model, ctx.actor, action);
    return fn(tx, model, version);
  });
}

/** development -> staging; gates: complete, validation passed. */
export function promoteToStaging(ctx: ServiceContext, ref: TVersionRef) {
  return ownerStep(ctx, ref, 'promote a version', (tx, model, version) => changeStage(tx, ctx, model, version, 'staging', 'promote'));
}

/** staging -> development. A version `previous` points to cannot be restored from development, so the alias is dropped. */
export function demoteVersion(ctx: ServiceContext, ref: TVersionRef) {
  return ownerStep(ctx, ref, 'demote a version', async (tx, model, version) => {
    const updated = await changeStage(tx, ctx, model, version, 'development', 'demote');
    await dropAliasesOf(tx, ctx, model, version, 'demoted');
    await staleOpenRequests(tx, { versionId: version.id }, 'the version was demoted');
    return updated;
  });
}

/** Archiving keeps the version and its artifacts for audit; its aliases are removed so no worker loads it. */
export async function archiveVersionIn(tx: Tx, ctx: ServiceContext, model: RegisteredModel, version: ModelVersion, cause: Extract<TTransitionCause, 'archive' | 'auto-archive'>, reason?: string) {
  const updated = await changeStage(tx, ctx, model, version, 'archived', cause, { reason });
  await dropAliasesOf(tx, ctx, model, version, cause === 'archive' ? 'archived' : 'auto-archived');
  await staleOpenRequests(tx, { versionId: version.id }, 'the version was archived');
  return updated;
}

export function archiveVersion(ctx: ServiceContext, ref: TVersionRef & { reason?: string }) {
  return ownerStep(ctx, ref, 'archive a version', (tx, model, version) => archiveVersionIn(tx, ctx, model, version, 'archive', ref.reason));
}

async function dropAliasesOf(tx: Tx, ctx: ServiceContext, model: RegisteredModel, version: ModelVersion, cause: string) {
  const aliases = await tx.modelAlias.findMany({ where: { modelId: model.id, versionId: version.id } });
  for (const a of aliases) await moveAlias(tx, ctx, model, a.alias, null, cause);
}

const ZRollback = z.object({ modelName: ZModelName, reason: z.string().trim().max(5000).default('') });

/**
 * Production goes back to the version `previous` points to, in one transaction: the current
 * production version returns to staging, the previous one is restored without re-running gates
 * (it passed them when first promoted), `production` moves back and `previous` is cleared.
 */
export async function rollbackModel(ctx: ServiceContext, raw: z.input<typeof ZRollback>) {
  const input = parseInput(ZRollback, raw, 'rollback');
  const now = nowOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    await requireOwner(tx, model, ctx.actor, 'roll back');
    const current = await aliasTarget(tx, model.id, 'production');
    const previous = await aliasTarget(tx, model.id, 'previous');
    if (!current) throw new DomainError('CONFLICT', `model ${model.name} has no production version to roll back`, { mlflowErrorCode: 'INVALID_STATE' });
    if (!previous) throw new DomainError('CONFLICT', `model ${model.name} has no previous version to roll back to`, { mlflowErrorCode: 'INVALID_STATE' });
    if (previous.enteredProductionAt === null) throw new DomainError('CONFLICT', `version ${previous.version} never served production; it cannot be restored by a rollback`);
    await changeStage(tx, ctx, model, current, 'staging', 'rollback', { reason: input.reason || null });
    const restored = await changeStage(tx, ctx, model, previous, 'production', 'restore', { reason: input.reason || null });
    await moveAlias(tx, ctx, model, 'production', restored, 'rollback');
    await moveAlias(tx, ctx, model, 'previous', null, 'rollback');
    await staleOpenRequests(tx, { modelId: model.id }, 'production was rolled back');
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model.rolled_back',
      subjectType: 'registered_model',
      subjectId: model.id,
      before: { production: current.version },
      after: { production: restored.version },
      reason: input.reason || null,
    });
    await enqueueWebhookEvent(tx, now, model, 'rollback', { fromVersion: current.version, toVersion: restored.version, reason: input.reason });
    return { from: current.version, to: restored.version };
  });
}
