import { principalLabel, principalUserId } from '../../auth/principal';
import type { Tx } from '../../db/client';
import { Prisma, type RegisteredModel } from '../../db/generated/client';
import type { TRolloutEffect } from '../../domain/rollout';
import { enqueueWebhookEvent } from '../../records/enqueue-webhook-event';
import { raiseAlert } from '../../records/raise-alert';
import { recordAuditEvent } from '../../records/record-audit-event';
import type { ServiceContext } from '../service-context';

/*
 * Writes what `decide` answered, effect by effect in its order, inside the command's transaction.
 * No rules here: each effect says exactly which rows change, with its own audit event and
 * webhook; this file only knows the tables.
 */

const json = (v: unknown): Prisma.InputJsonValue | undefined => (v === undefined || v === null ? undefined : (JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue));

export async function writeRolloutEffects(tx: Tx, ctx: ServiceContext, model: RegisteredModel, effects: readonly TRolloutEffect[]): Promise<void> {
  for (const e of effects) await writeEffect(tx, ctx, model, e);
}

async function writeEffect(tx: Tx, ctx: ServiceContext, model: RegisteredModel, e: TRolloutEffect): Promise<void> {
  switch (e.type) {
    case 'stageChanged':
      await tx.modelVersion.update({
        where: { id: e.versionId },
        data: {
          stage: e.to,
          stageChangedAt: e.at,
          updatedAt: e.at,
          ...(e.to === 'production' ? { enteredProductionAt: e.at } : {}),
          ...(e.from === 'production' ? { leftProductionAt: e.at } : {}),
          ...(e.to === 'archived' ? { archivedAt: e.at } : {}),
        },
      });
      return;
    case 'aliasMoved':
      if (e.toVersionId) {
        await tx.modelAlias.upsert({
          where: { modelId_alias: { modelId: model.id, alias: e.alias } },
          create: { modelId: model.id, alias: e.alias, versionId: e.toVersionId, updatedAt: e.at },
          update: { versionId: e.toVersionId, updatedAt: e.at },
        });
      } else {
        await tx.modelAlias.delete({ where: { modelId_alias: { modelId: model.id, alias: e.alias } } });
      }
      await tx.modelAliasHistory.create({
        data: {
          modelId: model.id,
          alias: e.alias,
          fromVersionId: e.fromVersionId,
          toVersionId: e.toVersionId,
          fromVersion: e.fromVersion,
          toVersion: e.toVersion,
          at: e.at,
          actorId: principalUserId(ctx.actor),
          actorLabel: principalLabel(ctx.actor),
          cause: e.cause,
        },
      });
      return;
    case 'requestCreated':
      await tx.promotionRequest.create({
        data: {
          id: e.requestId,
          modelId: model.id,
          versionId: e.versionId,
          requestedById: e.requestedById,
          requestedByLabel: e.requestedByLabel,
          requestedAt: e.requestedAt,
          comment: e.comment,
          evidence: e.evidence,
          replacesVersionId: e.replacesVersionId,
          canary: e.canary ?? Prisma.DbNull,
        },
      });
      return;
    case 'requestDecided':
      await tx.promotionRequest.update({
        where: { id: e.requestId },
        data: { status: e.status, decidedById: e.decidedById, decidedByLabel: e.decidedByLabel, decidedAt: e.decidedAt, decisionComment: e.comment, overrideReason: e.overrideReason },
      });
      return;
    case 'requestsStaled':
      await tx.promotionRequest.updateMany({ where: { id: { in: e.requestIds }, status: 'requested' }, data: { status: 'stale', staleReason: e.reason } });
      return;
    case 'deploymentCreated':
      await tx.deployment.create({
        data: {
          id: e.deploymentId,
          modelId: model.id,
          activeModelId: model.id,
          strategy: e.strategy,
          status: 'running',
          stableVersionId: e.stableVersionId,
          candidateVersionId: e.candidateVersionId,
          candidateWeight: e.candidateWeight,
          steps: e.steps,
          stepIndex: 0,
          stepDurationS: e.stepDurationS,
          stepStartedAt: e.at,
          autoPromote: e.autoPromote,
          outcomeKind: e.outcomeKind,
          reason: e.reason,
          createdById: e.createdById,
          promotionRequestId: e.promotionRequestId,
          createdAt: e.at,
          updatedAt: e.at,
        },
      });
      return;
    case 'deploymentUpdated':
      await tx.deployment.update({ where: { id: e.deploymentId }, data: { ...e.set, figures: json(e.set.figures), updatedAt: e.at } });
      return;
    case 'deploymentEnded':
      await tx.deployment.update({
        where: { id: e.deploymentId },
        data: { status: e.status, activeModelId: null, candidateWeight: e.candidateWeight, endedAt: e.at, updatedAt: e.at, reason: e.reason, figures: json(e.figures) },
      });
      return;
    case 'deploymentFiguresRecorded':
      await tx.deployment.update({ where: { id: e.deploymentId }, data: { figures: json(e.figures), reason: e.reason, updatedAt: e.at } });
      return;
    case 'audit':
      await recordAuditEvent(tx, ctx.actor, ctx.requestId, { action: e.action, subjectType: e.subjectType, subjectId: e.subjectId, before: e.before, after: e.after, reason: e.reason });
      return;
    case 'webhook':
      await enqueueWebhookEvent(tx, e.at, model, e.event, e.data);
      return;
    case 'alert':
      await raiseAlert(tx, e.at, {
        kind: e.kind,
        severity: e.severity,
        model,
        modelVersionId: e.modelVersionId,
        deploymentId: e.deploymentId,
        title: e.title,
        message: e.message,
        figures: e.figures,
        dedupeKey: e.dedupeKey,
      });
      return;
  }
}
