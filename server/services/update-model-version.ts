import { z } from 'zod';
import { ZModelName, ZRegistryTagKey, ZRegistryTagValue } from '../contracts/model-registry';
import { zSafeText } from '../contracts/safe-text';
import { DomainError, parseInput } from '../domain/errors';
import { loadVersion, lockModel } from './registry/model-lookup';
import { requireOwner } from './registry/model-ownership';
import { applyRolloutCommandIn } from './rollout/apply-rollout-command';
import { nowOf } from './service-context';
import { recordAuditEvent } from '../records/record-audit-event';
import type { ServiceContext } from './service-context';

/*
 * Edits of a version that do not touch its lifecycle: description, tags, and deleting a draft.
 * Description and tags stay open to model:write (CI pipelines annotate the versions they
 * register); every change is audited with the old and new value in the same transaction.
 */

const ZVersionKey = { modelName: ZModelName, version: z.number().int().min(1).max(2_147_483_647) };
const ZDescription = z.object({ ...ZVersionKey, description: zSafeText({ max: 5000, kind: 'text' }) });
const ZSetTag = z.object({ ...ZVersionKey, key: ZRegistryTagKey, value: ZRegistryTagValue.default('') });
const ZDeleteTag = z.object({ ...ZVersionKey, key: ZRegistryTagKey });

export async function updateModelVersionDescription(ctx: ServiceContext, raw: z.input<typeof ZDescription>) {
  const input = parseInput(ZDescription, raw, 'model version');
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    const version = await loadVersion(tx, model, input.version);
    const updated = await tx.modelVersion.update({ where: { id: version.id }, data: { description: input.description, updatedAt: nowOf(ctx) } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model_version.updated',
      subjectType: 'model_version',
      subjectId: version.id,
      before: { model: model.name, version: version.version, description: version.description },
      after: { model: model.name, version: version.version, description: input.description },
    });
    return updated;
  });
}

export async function setModelVersionTag(ctx: ServiceContext, raw: z.input<typeof ZSetTag>): Promise<void> {
  const input = parseInput(ZSetTag, raw, 'model version tag');
  await ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    const version = await loadVersion(tx, model, input.version);
    const where = { versionId_key: { versionId: version.id, key: input.key } };
    const before = await tx.modelVersionTag.findUnique({ where });
    await tx.modelVersionTag.upsert({ where, create: { versionId: version.id, key: input.key, value: input.value }, update: { value: input.value } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model_version.tag_set',
      subjectType: 'model_version',
      subjectId: version.id,
      before: { model: model.name, version: version.version, key: input.key, value: before?.value ?? null },
      after: { model: model.name, version: version.version, key: input.key, value: input.value },
    });
  });
}

export async function deleteModelVersionTag(ctx: ServiceContext, raw: z.input<typeof ZDeleteTag>): Promise<void> {
  const input = parseInput(ZDeleteTag, raw, 'model version tag');
  await ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    const version = await loadVersion(tx, model, input.version);
    const where = { versionId_key: { versionId: version.id, key: input.key } };
    const before = await tx.modelVersionTag.findUnique({ where });
    if (!before) throw new DomainError('NOT_FOUND', `No tag with key=${input.key} on version ${input.version} of ${input.modelName}`);
    await tx.modelVersionTag.delete({ where });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model_version.tag_deleted',
      subjectType: 'model_version',
      subjectId: version.id,
      before: { model: model.name, version: version.version, key: input.key, value: before.value },
      after: { model: model.name, version: version.version, key: input.key, value: null },
    });
  });
}

/**
 * Deletes a version that never left development and was never requested for promotion; any
 * other version is evidence of a decision and is kept (archive it instead).
 */
export async function deleteModelVersion(ctx: ServiceContext, input: { modelName: string; version: number }): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    const version = await loadVersion(tx, model, input.version);
    await requireOwner(tx, model, ctx.actor, 'delete a version');
    const decisions = await tx.promotionRequest.count({ where: { versionId: version.id } });
    if (version.stage !== 'development' || version.enteredProductionAt || decisions) {
      throw new DomainError('CONFLICT', `version ${version.version} of ${model.name} left development or was requested for promotion; it is kept for audit - archive it instead`, { mlflowErrorCode: 'INVALID_STATE' });
    }
    // A development version's aliases are user-set ones (or canary): removed as the rollout rules remove them.
    for (const a of await tx.modelAlias.findMany({ where: { modelId: model.id, versionId: version.id } })) await applyRolloutCommandIn(tx, ctx, model, { kind: 'removeAlias', alias: a.alias });
    await tx.modelVersion.delete({ where: { id: version.id } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, { action: 'model_version.deleted', subjectType: 'model_version', subjectId: version.id, before: { model: model.name, version: version.version } });
  });
}
