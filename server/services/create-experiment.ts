import { type z } from 'zod';
import { ZCreateExperiment } from '../contracts/mlflow';
import { DomainError, parseInput } from '../domain/errors';
import { recordAuditEvent } from '../records/record-audit-event';
import type { ServiceContext } from './service-context';

export async function createExperiment(ctx: ServiceContext, raw: z.input<typeof ZCreateExperiment>): Promise<{ experimentId: string }> {
  const input = parseInput(ZCreateExperiment, raw);
  return ctx.db.$transaction(async (tx) => {
    // Deleted experiments keep their name (MLflow semantics): restore it or pick another name.
    const existing = await tx.experiment.findUnique({ where: { name: input.name } });
    if (existing) {
      const state = existing.lifecycleStage === 'deleted' ? ' (deleted: restore it, or choose another name)' : '';
      throw new DomainError('CONFLICT', `Experiment '${input.name}' already exists${state}.`);
    }
    const experiment = await tx.experiment.create({
      data: {
        name: input.name,
        artifactLocation: input.artifact_location || null,
        tags: { create: dedupeTags(input.tags) },
      },
    });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'experiment.created',
      subjectType: 'experiment',
      subjectId: String(experiment.id),
      after: { name: experiment.name },
    });
    return { experimentId: String(experiment.id) };
  });
}

function dedupeTags(tags: { key: string; value: string }[]) {
  return [...new Map(tags.map((t) => [t.key, t])).values()];
}
