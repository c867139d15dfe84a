import { z } from 'zod';
import { ZModelName, ZRegistryTagKey, ZRegistryTagValue, ZSlaClass } from '../contracts/model-registry';
import { zSafeText } from '../contracts/safe-text';
import { DomainError, parseInput } from '../domain/errors';
import { isAdminPrincipal as isAdmin } from './rollout/rollout-actor';
import { lockModel } from './registry/model-lookup';
import { nowOf } from './service-context';
import { refuseRenameWhileServed, requireModelAdministration, requireOwner } from './registry/model-ownership';
import { recordAuditEvent } from '../records/record-audit-event';
import type { ServiceContext } from './service-context';

/*
 * Edits of a registered model: description and SLA class, name, tags, owners, and deletion
 * (only of a model none of whose versions ever left development: anything that reached staging
 * is kept for audit and archived instead).
 */

const ZReason = zSafeText({ max: 5000, kind: 'text' }).optional();
const ZUpdateModel = z.object({ name: ZModelName, description: zSafeText({ max: 5000, kind: 'text' }).optional(), slaClass: ZSlaClass.optional(), reason: ZReason });

/** Description and SLA class: owner actions (the SLA class decides the benchmark gate). */
export async function updateRegisteredModel(ctx: ServiceContext, raw: z.input<typeof ZUpdateModel>) {
  const input = parseInput(ZUpdateModel, raw, 'registered model');
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.name);
    const as = await requireModelAdministration(tx, model, ctx.actor, 'edit the model', input.reason);
    const updated = await tx.registeredModel.update({
      where: { id: model.id },
      data: { description: input.description ?? model.description, slaClass: input.slaClass ?? model.slaClass, updatedAt: nowOf(ctx) },
    });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model.updated',
      subjectType: 'registered_model',
      subjectId: model.id,
      before: { model: model.name, description: model.description, slaClass: model.slaClass },
      after: { model: model.name, description: updated.description, slaClass: updated.slaClass, as: as.as },
      reason: as.reason,
    });
    return updated;
  });
}

const ZRename = z.object({ name: ZModelName, newName: ZModelName, reason: ZReason });

/**
 * Renames a model: an owner action, refused (409) while the model is served - workers and the
 * prediction log refer to models by name (domain/model-administration.ts, decideRename).
 */
export async function renameRegisteredModel(ctx: ServiceContext, raw: z.input<typeof ZRename>) {
  const input = parseInput(ZRename, raw, 'rename');
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.name);
    const as = await requireModelAdministration(tx, model, ctx.actor, 'rename the model', input.reason);
    if (input.newName === model.name) return model;
    await refuseRenameWhileServed(tx, model, nowOf(ctx));
    if (await tx.registeredModel.findUnique({ where: { name: input.newName } })) throw new DomainError('CONFLICT', `Registered Model (name=${input.newName}) already exists.`);
    const updated = await tx.registeredModel.update({ where: { id: model.id }, data: { name: input.newName, updatedAt: nowOf(ctx) } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model.renamed',
      subjectType: 'registered_model',
      subjectId: model.id,
      before: { name: model.name },
      after: { name: input.newName, as: as.as },
      reason: as.reason,
    });
    return updated;
  });
}

export async function deleteRegisteredModel(ctx: ServiceContext, name: string, reason?: string | null): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, name);
    const as = await requireModelAdministration(tx, model, ctx.actor, 'delete the model', reason);
    const kept = await tx.modelVersion.count({ where: { modelId: model.id, OR: [{ stage: { not: 'development' } }, { enteredProductionAt: { not: null } }, { promotions: { some: {} } }] } });
    if (kept) {
      throw new DomainError('CONFLICT', `model ${name} has ${kept} version(s) that left development; they are kept for audit - archive them instead of deleting the model`, { mlflowErrorCode: 'INVALID_STATE' });
    }
    await tx.registeredModel.delete({ where: { id: model.id } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, { action: 'model.deleted', subjectType: 'registered_model', subjectId: model.id, before: { name: model.name }, after: { as: as.as }, reason: as.reason });
  });
}

const ZSetModelTag = z.object({ name: ZModelName, key: ZRegistryTagKey, value: ZRegistryTagValue.default(''), reason: ZReason });

/** Tags describe the model to everyone who serves or audits it: owner actions, audited with the old value. */
export async function setRegisteredModelTag(ctx: ServiceContext, raw: z.input<typeof ZSetModelTag>): Promise<void> {
  const input = parseInput(ZSetModelTag, raw, 'registered model tag');
  await ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.name);
    const as = await requireModelAdministration(tx, model, ctx.actor, 'change the model\'s tags', input.reason);
    const before = await tx.registeredModelTag.findUnique({ where: { modelId_key: { modelId: model.id, key: input.key } } });
    await tx.registeredModelTag.upsert({ where: { modelId_key: { modelId: model.id, key: input.key } }, create: { modelId: model.id, key: input.key, value: input.value }, update: { value: input.value } });
    await tx.registeredModel.update({ where: { id: model.id }, data: { updatedAt: nowOf(ctx) } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model.tag_set',
      subjectType: 'registered_model',
      subjectId: model.id,
      before: { model: model.name, key: input.key, value: before?.value ?? null },
      after: { model: model.name, key: input.key, value: input.value, as: as.as },
      reason: as.reason,
    });
  });
}

const ZDeleteModelTag = z.object({ name: ZModelName, key: ZRegistryTagKey, reason: ZReason });

export async function deleteRegisteredModelTag(ctx: ServiceContext, raw: z.input<typeof ZDeleteModelTag>): Promise<void> {
  const input = parseInput(ZDeleteModelTag, raw, 'registered model tag');
  await ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.name);
    const as = await requireModelAdministration(tx, model, ctx.actor, 'change the model\'s tags', input.reason);
    const before = await tx.registeredModelTag.findUnique({ where: { modelId_key: { modelId: model.id, key: input.key } } });
    if (!before) throw new DomainError('NOT_FOUND', `No tag with key=${input.key} on registered model ${input.name}`);
    await tx.registeredModelTag.delete({ where: { modelId_key: { modelId: model.id, key: input.key } } });
    await tx.registeredModel.update({ where: { id: model.id }, data: { updatedAt: nowOf(ctx) } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model.tag_deleted',
      subjectType: 'registered_model',
      subjectId: model.id,
      before: { model: model.name, key: input.key, value: before.value },
      after: { model: model.name, key: input.key, value: null, as: as.as },
      reason: as.reason,
    });
  });
}

const ZSetOwners = z.object({ name: ZModelName, ownerEmails: z.array(z.string().email()).min(1, 'a model needs at least one owner').max(50) });

/** Replaces the owner list. Owners (and admins) decide who else owns; audited with before and after. */
export async function setModelOwners(ctx: ServiceContext, raw: z.input<typeof ZSetOwners>) {
  const input = parseInput(ZSetOwners, raw, 'owners');
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.name);
    await requireOwner(tx, model, ctx.actor, 'change the owners');
    const emails = [...new Set(input.ownerEmails.map((e) => e.toLowerCase()))];
    const users = await tx.user.findMany({ where: { email: { in: emails }, disabledAt: null }, select: { id: true, email: true } });
    const unknown = emails.filter((e) => !users.some((u) => u.email === e));
    if (unknown.length) throw new DomainError('BAD_REQUEST', `no active user with email ${unknown.join(', ')} (owners must be users)`);
    const before = await tx.modelOwner.findMany({ where: { modelId: model.id }, select: { userId: true } });
    await tx.modelOwner.deleteMany({ where: { modelId: model.id } });
    await tx.modelOwner.createMany({ data: users.map((u) => ({ modelId: model.id, userId: u.id })) });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model.owners_changed',
      subjectType: 'registered_model',
      subjectId: model.id,
      before: { owners: before.map((o) => o.userId) },
      after: { owners: users.map((u) => u.id), byAdmin: isAdmin(ctx.actor) },
    });
    return users.map((u) => u.email);
  });
}
