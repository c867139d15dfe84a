import { DomainError } from '../domain/errors';
import { loadModel, loadVersion, lockModel, moveAlias, nowOf, requireOwner } from './model-registry-core';
import { recordAuditEvent } from './record-audit-event';
import type { ServiceContext } from './service-context';

/* Edits of a version that do not touch its lifecycle: description, tags, and deleting a draft. */

export async function updateModelVersionDescription(ctx: ServiceContext, input: { modelName: string; version: number; description: string }) {
  const model = await loadModel(ctx.db, input.modelName);
  const version = await loadVersion(ctx.db, model, input.version);
  return ctx.db.modelVersion.update({ where: { id: version.id }, data: { description: input.description, updatedAt: nowOf(ctx) } });
}

export async function setModelVersionTag(ctx: ServiceContext, input: { modelName: string; version: number; key: string; value: string }): Promise<void> {
  const model = await loadModel(ctx.db, input.modelName);
  const version = await loadVersion(ctx.db, model, input.version);
  await ctx.db.modelVersionTag.upsert({ where: { versionId_key: { versionId: version.id, key: input.key } }, create: { versionId: version.id, key: input.key, value: input.value }, update: { value: input.value } });
}

export async function deleteModelVersionTag(ctx: ServiceContext, input: { modelName: string; version: number; key: string }): Promise<void> {
  const model = await loadModel(ctx.db, input.modelName);
  const version = await loadVersion(ctx.db, model, input.version);
  const deleted = await ctx.db.modelVersionTag.deleteMany({ where: { versionId: version.id, key: input.key } });
  if (!deleted.count) throw new DomainError('NOT_FOUND', `No tag with key=${input.key} on version ${input.version} of ${input.modelName}`);
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
    for (const a of await tx.modelAlias.findMany({ where: { modelId: model.id, versionId: version.id } })) await moveAlias(tx, ctx, model, a.alias, null, 'version deleted');
    await tx.modelVersion.delete({ where: { id: version.id } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, { action: 'model_version.deleted', subjectType: 'model_version', subjectId: version.id, before: { model: model.name, version: version.version } });
  });
}
