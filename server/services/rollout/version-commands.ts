import { z } from 'zod';
import { ZAliasName, ZModelName, ZVersionRef, type TModelStage, type TVersionRef } from '../../contracts/model-registry';
import { parseInput } from '../../domain/errors';
import type { ServiceContext } from '../service-context';
import { applyRolloutCommand } from './apply-rollout-command';

/*
 * Owner steps on a version's lifecycle other than approval - promote to staging, demote, archive,
 * roll production back - and aliases set by hand, as commands (rules: server/domain/rollout/).
 */

async function stageStep(ctx: ServiceContext, ref: TVersionRef, to: Exclude<TModelStage, 'production'>, reason?: string) {
  const input = parseInput(ZVersionRef, ref, 'version');
  const command = to === 'archived' ? { kind: 'archiveVersion' as const, version: input.version, reason: reason ?? null } : { kind: 'changeStage' as const, version: input.version, to };
  const { model } = await applyRolloutCommand(ctx, { modelName: input.modelName }, command);
  return ctx.db.modelVersion.findUniqueOrThrow({ where: { modelId_version: { modelId: model.id, version: input.version } } });
}

/** development -> staging; gates: complete, validation passed. */
export const promoteToStaging = (ctx: ServiceContext, ref: TVersionRef) => stageStep(ctx, ref, 'staging');

/** staging -> development; its aliases are dropped and its open requests go stale. */
export const demoteVersion = (ctx: ServiceContext, ref: TVersionRef) => stageStep(ctx, ref, 'development');

/** Archiving keeps the version and its artifacts for audit; its aliases are removed so no worker loads it. */
export const archiveVersion = (ctx: ServiceContext, ref: TVersionRef & { reason?: string }) => stageStep(ctx, ref, 'archived', ref.reason);

const ZRollback = z.object({ modelName: ZModelName, reason: z.string().trim().max(5000).default('') });

/** Production back to the version `previous` points to, in one step. */
export async function rollbackModel(ctx: ServiceContext, raw: z.input<typeof ZRollback>) {
  const input = parseInput(ZRollback, raw, 'rollback');
  const { effects } = await applyRolloutCommand(ctx, { modelName: input.modelName }, { kind: 'rollbackModel', reason: input.reason });
  const stepped = effects.find((e) => e.type === 'stageChanged' && e.cause === 'rollback');
  const restored = effects.find((e) => e.type === 'stageChanged' && e.cause === 'restore');
  return { from: stepped?.type === 'stageChanged' ? stepped.version : null, to: restored?.type === 'stageChanged' ? restored.version : null };
}

const ZSetAlias = z.object({ modelName: ZModelName, alias: ZAliasName, version: z.number().int().min(1) });
const ZDeleteAlias = z.object({ modelName: ZModelName, alias: ZAliasName });

export async function setModelAlias(ctx: ServiceContext, raw: z.input<typeof ZSetAlias>): Promise<void> {
  const input = parseInput(ZSetAlias, raw, 'alias');
  await applyRolloutCommand(ctx, { modelName: input.modelName }, { kind: 'setAlias', alias: input.alias, version: input.version });
}

export async function deleteModelAlias(ctx: ServiceContext, raw: z.input<typeof ZDeleteAlias>): Promise<void> {
  const input = parseInput(ZDeleteAlias, raw, 'alias');
  await applyRolloutCommand(ctx, { modelName: input.modelName }, { kind: 'removeAlias', alias: input.alias });
}
