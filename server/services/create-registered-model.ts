import { principalUserId } from '../auth/principal';
import { ZCreateModelInput, type TCreateModelInput } from '../contracts/model-registry';
import { DomainError, parseInput } from '../domain/errors';
import { nowOf } from './service-context';
import { recordAuditEvent } from '../records/record-audit-event';
import type { ServiceContext } from './service-context';

/** Registers a model; its creator (and any further owners named by email) may approve its promotions. */
export async function createRegisteredModel(ctx: ServiceContext, raw: TCreateModelInput) {
  const input = parseInput(ZCreateModelInput, raw, 'registered model');
  const creatorId = principalUserId(ctx.actor);
  const now = nowOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    if (await tx.registeredModel.findUnique({ where: { name: input.name } })) {
      throw new DomainError('CONFLICT', `Registered Model (name=${input.name}) already exists.`);
    }
    const emails = [...new Set(input.ownerEmails.map((e) => e.toLowerCase()))];
    const users = emails.length ? await tx.user.findMany({ where: { email: { in: emails }, disabledAt: null }, select: { id: true, email: true } }) : [];
    const unknown = emails.filter((e) => !users.some((u) => u.email === e));
    if (unknown.length) throw new DomainError('BAD_REQUEST', `no active user with email ${unknown.join(', ')} (owners must be users)`);
    const ownerIds = [...new Set([...(creatorId ? [creatorId] : []), ...users.map((u) => u.id)])];
    const model = await tx.registeredModel.create({
      data: {
        name: input.name,
        description: input.description,
        slaClass: input.slaClass,
        createdById: creatorId,
        createdAt: now,
        updatedAt: now,
        tags: { create: dedupeTags(input.tags) },
        owners: { create: ownerIds.map((userId) => ({ userId })) },
      },
    });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model.created',
      subjectType: 'registered_model',
      subjectId: model.id,
      after: { name: model.name, slaClass: model.slaClass, owners: ownerIds },
    });
    return model;
  });
}

export function dedupeTags(tags: readonly { key: string; value: string }[]): { key: string; value: string }[] {
  return [...new Map(tags.map((t) => [t.key, t])).values()];
}
