import { z } from 'zod';
import { RESERVED_ALIASES, ZAliasName, ZModelName } from '../contracts/model-registry';
import { DomainError, parseInput } from '../domain/errors';
import { loadVersion, lockModel, moveAlias, requireOwner } from './model-registry-core';
import type { ServiceContext } from './service-context';

/*
 * Aliases set by hand: user-defined ones by anyone who may write models, `canary` by owners only
 * (it routes live traffic). `production` and `previous` move only through promotion and rollback.
 */

const ZSetAlias = z.object({ modelName: ZModelName, alias: ZAliasName, version: z.number().int().min(1) });
const ZDeleteAlias = z.object({ modelName: ZModelName, alias: ZAliasName });

function refuseLifecycleAlias(alias: string) {
  if (alias === 'production' || alias === 'previous') {
    throw new DomainError('BAD_REQUEST', `the ${alias} alias moves only through promotion and rollback`);
  }
}

export async function setModelAlias(ctx: ServiceContext, raw: z.input<typeof ZSetAlias>): Promise<void> {
  const input = parseInput(ZSetAlias, raw, 'alias');
  refuseLifecycleAlias(input.alias);
  await ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    if ((RESERVED_ALIASES as readonly string[]).includes(input.alias)) await requireOwner(tx, model, ctx.actor, `move the ${input.alias} alias`);
    const version = await loadVersion(tx, model, input.version);
    if (version.stage === 'archived') throw new DomainError('CONFLICT', `version ${version.version} of ${model.name} is archived; an alias cannot point to it`, { mlflowErrorCode: 'INVALID_STATE' });
    await moveAlias(tx, ctx, model, input.alias, version, 'set');
  });
}

export async function deleteModelAlias(ctx: ServiceContext, raw: z.input<typeof ZDeleteAlias>): Promise<void> {
  const input = parseInput(ZDeleteAlias, raw, 'alias');
  refuseLifecycleAlias(input.alias);
  await ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    if ((RESERVED_ALIASES as readonly string[]).includes(input.alias)) await requireOwner(tx, model, ctx.actor, `remove the ${input.alias} alias`);
    const existing = await tx.modelAlias.findUnique({ where: { modelId_alias: { modelId: model.id, alias: input.alias } } });
    if (!existing) throw new DomainError('NOT_FOUND', `Registered model alias ${input.alias} not found.`);
    await moveAlias(tx, ctx, model, input.alias, null, 'deleted');
  });
}
