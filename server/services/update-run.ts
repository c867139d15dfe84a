import type { TRunView } from '../contracts/tracking';
import { DomainError } from '../domain/errors';
import { loadActiveRun, loadRun } from './load-tracking-entity';
import { readRunViews } from './read-run-views';
import { recordAuditEvent } from '../records/record-audit-event';
import type { ServiceContext } from './service-context';

const TERMINAL = new Set(['FINISHED', 'FAILED', 'KILLED']);

export async function updateRun(
  ctx: ServiceContext,
  input: { runId?: string; status?: TRunView['status']; endTime?: number; runName?: string },
): Promise<TRunView> {
  const run = await loadActiveRun(ctx.db, input.runId);
  // A run that ends without an end time ends now (MLflow clients always send one, curl users may not).
  const endTime = input.endTime ?? (input.status && TERMINAL.has(input.status) && run.endTime === null ? (ctx.now?.() ?? new Date()).getTime() : undefined);
  await ctx.db.$transaction(async (tx) => {
    await tx.run.update({
      where: { id: run.id },
      data: {
        ...(input.status ? { status: input.status } : {}),
        ...(endTime !== undefined ? { endTime: BigInt(endTime) } : {}),
        ...(input.runName ? { name: input.runName } : {}),
      },
    });
    if (input.runName) {
      await tx.runTag.upsert({
        where: { runId_key: { runId: run.id, key: 'mlflow.runName' } },
        create: { runId: run.id, key: 'mlflow.runName', value: input.runName },
        update: { value: input.runName },
      });
    }
  });
  return (await readRunViews(ctx.db, [run.id]))[0]!;
}

export async function setRunLifecycle(ctx: ServiceContext, runId: string | undefined, stage: 'active' | 'deleted'): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const run = await loadRun(tx, runId);
    if (run.lifecycleStage === stage) return;
    if (stage === 'active') {
      const experiment = await tx.experiment.findUniqueOrThrow({ where: { id: run.experimentId } });
      if (experiment.lifecycleStage !== 'active') throw new DomainError('BAD_REQUEST', `Cannot restore run ${runId}: its experiment ${experiment.id} is deleted.`);
    }
    await tx.run.update({ where: { id: run.id }, data: { lifecycleStage: stage } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: stage === 'deleted' ? 'run.deleted' : 'run.restored',
      subjectType: 'run',
      subjectId: runId ?? null,
      before: { lifecycleStage: run.lifecycleStage },
      after: { lifecycleStage: stage },
    });
  });
}
