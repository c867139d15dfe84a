import { z } from 'zod';
import { ZModelName, ZSlaClass } from '../contracts/model-registry';
import { DomainError, parseInput } from '../domain/errors';
import { isAdmin, loadModel, lockModel, nowOf, requireOwner } from './model-registry-core';
import { recordAuditEvent } from './record-audit-event';
import type { ServiceContext } from './service-context';

/*
 * Edits of a registered model: description and SLA class, name, tags, owners, and deletion
 * (only of a model none of whose versions ever left development: anything that reached staging
 * is kept for audit and archived instead).
 */

const ZUpdateModel = z.object({ name: ZModelName, description: z.string().max(5000).optional(), slaClass: ZSlaClass.optional() });

export async function updateRegisteredModel(ctx: ServiceContext, raw: z.input<typeof ZUpdateModel>) {
  const input = parseInput(ZUpdateModel, raw, 'registered model');
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.name);
    // The SLA class decides the benchmark gate: only owners change it.
    if (input.slaClass && input.slaClass !== model.slaClass) await requireOwner(tx, model, ctx.actor, 'change the SLA class');
    const updated = await tx.registeredModel.update({
      where: { id: model.id },
      data: { description: input.description ?? model.description, slaClass: input.slaClass ?? model.slaClass, updatedAt: nowOf(ctx) },
    });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model.updated',
      subjectType: 'registered_model',
      subjectId: model.id,
      before: { description: model.description, slaClass: model.slaClass },
      after: { description: updated.description, slaClass: updated.slaClass },
    });
    return updated;
  });
}

export async function renameRegisteredModel(ctx: ServiceContext, raw: { name: string; newName: string }) {
  const input = parseInput(z.object({ name: ZModelName, newName: ZModelName }), raw, 'rename');
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.name);
    if (input.newName === model.name) return model;
    if (await tx.registeredModel.findUnique({ where: { name: input.newName } })) throw new DomainError('CONFLICT', `Registered Model (name=${input.newName}) already exists.`);
    const updated = await tx.registeredModel.update({ where: { id: model.id }, data: { name: input.newName, updatedAt: nowOf(ctx) } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, { action: 'model.renamed', subjectType: 'registered_model', subjectId: model.id, before: { name: model.name }, after: { name: input.newName } });
    return updated;
  });
}

export async function deleteRegisteredModel(ctx: ServiceContext, name: string): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, name);
    await requireOwner(tx, model, ctx.actor, 'delete the model');
    const kept = await tx.modelVersion.count({ where: { modelId: model.id, OR: [{ stage: { not: 'development' } }, { enteredProductionAt: { not: null } }, { promotions: { some: {} } }] } });
    if (kept) {
      throw new DomainError('CONFLICT', `model ${name} has ${kept} version(s) that left development; they are kept for audit - archive them instead of deleting the model`, { mlflowErrorCode: 'INVALID_STATE' });
    }
    await tx.registeredModel.delete({ where: { id: model.id } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, { action: 'model.deleted', subjectType: 'registered_model', subjectId: model.id, before: { name: model.name } });
  });
}

export async function setRegisteredModelTag(ctx: ServiceContext, input: { name: string; key: string; value: string }): Promise<void> {
  const model = await loadModel(ctx.db, input.name);
  await ctx.db.$transaction(async (tx) => {
    await tx.registeredModelTag.upsert({ where: { modelId_key: { modelId: model.id, key: input.key } }, create: { modelId: model.id, key: input.key, value: input.value }, update: { value: input.value } });
    await tx.registeredModel.update({ where: { id: model.id }, data: { updatedAt: nowOf(ctx) } });
  });
}

export async function deleteRegisteredModelTag(ctx: ServiceContext, input: { name: string; key: string }): Promise<void> {
  const model = await loadModel(ctx.db, input.name);
  const deleted = await ctx.db.registeredModelTag.deleteMany({ where: { modelId: model.id, key: input.key } });
  if (!deleted.count) throw new DomainError('NOT_FOUND', `No tag with key=${input.key} on registered model ${input.name}`);
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
