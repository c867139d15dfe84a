import { DomainError } from '../domain/errors';
import { loadExperiment } from './load-tracking-entity';
import { recordAuditEvent } from '../records/record-audit-event';
import type { ServiceContext } from './service-context';

export async function renameExperiment(ctx: ServiceContext, input: { experimentId: string; newName?: string }): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const experiment = await loadExperiment(tx, input.experimentId);
    if (!input.newName || input.newName === experiment.name) return;
    if (experiment.lifecycleStage !== 'active') throw new DomainError('BAD_REQUEST', `Cannot rename a non-active experiment (${experiment.id}).`);
    const clash = await tx.experiment.findUnique({ where: { name: input.newName } });
    if (clash) throw new DomainError('CONFLICT', `Experiment '${input.newName}' already exists.`);
    await tx.experiment.update({ where: { id: experiment.id }, data: { name: input.newName, updatedAt: new Date() } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'experiment.renamed',
      subjectType: 'experiment',
      subjectId: String(experiment.id),
      before: { name: experiment.name },
      after: { name: input.newName },
    });
  });
}

/** Soft delete and restore: the experiment's runs and artifacts stay, for lineage and audit. */
export async function setExperimentLifecycle(ctx: ServiceContext, experimentId: string, stage: 'active' | 'deleted'): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const experiment = await loadExperiment(tx, experimentId);
    if (stage === 'deleted' && experiment.id === 0) throw new DomainError('BAD_REQUEST', 'Cannot delete the default experiment (0): MLflow clients log there when none is set.');
    if (experiment.lifecycleStage === stage) {
      if (stage === 'active') throw new DomainError('BAD_REQUEST', `Cannot restore an active experiment (${experimentId}).`);
      return;
    }
    const now = new Date();
    await tx.experiment.update({ where: { id: experiment.id }, data: { lifecycleStage: stage, updatedAt: now } });
    await tx.run.updateMany({ where: { experimentId: experiment.id, lifecycleStage: experiment.lifecycleStage }, data: { lifecycleStage: stage } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: stage === 'deleted' ? 'experiment.deleted' : 'experiment.restored',
      subjectType: 'experiment',
      subjectId: String(experiment.id),
      before: { lifecycleStage: experiment.lifecycleStage },
      after: { lifecycleStage: stage },
    });
  });
}

export async function setExperimentTag(ctx: ServiceContext, input: { experimentId: string; key: string; value: string }): Promise<void> {
  const experiment = await loadExperiment(ctx.db, input.experimentId);
  if (experiment.lifecycleStage !== 'active') throw new DomainError('BAD_REQUEST', `The experiment ${experiment.id} must be in the 'active' state.`);
  await ctx.db.experimentTag.upsert({
    where: { experimentId_key: { experimentId: experiment.id, key: input.key } },
    create: { experimentId: experiment.id, key: input.key, value: input.value },
    update: { value: input.value },
  });
}
