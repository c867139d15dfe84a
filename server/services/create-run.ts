import { type z } from 'zod';
import { ZCreateRun } from '../contracts/mlflow';
import type { TRunView } from '../contracts/tracking';
import { DomainError, parseInput } from '../domain/errors';
import { newRunId, runIdToUuid } from '../domain/run-id';
import { runPatchFromTags } from '../domain/run-record-mapping';
import { principalUserId } from '../auth/principal';
import { experimentArtifactLocation } from './experiment-view';
import { loadExperiment } from './load-tracking-entity';
import { readRunViews } from './read-run-views';
import type { ServiceContext } from './service-context';

const RUN_NAME_TAG = 'mlflow.runName';
const USER_TAG = 'mlflow.user';

export async function createRun(ctx: ServiceContext, raw: z.input<typeof ZCreateRun>): Promise<TRunView> {
  const input = parseInput(ZCreateRun, raw, 'request');
  const experiment = await loadExperiment(ctx.db, input.experiment_id);
  if (experiment.lifecycleStage !== 'active') {
    throw new DomainError('BAD_REQUEST', `The experiment ${experiment.id} must be in the 'active' state. Current state is deleted.`);
  }
  const runId = newRunId();
  const uuid = runIdToUuid(runId)!;
  const tags = new Map(input.tags.map((t) => [t.key, t.value]));
  // MLflow keeps the name both as run_name and as the mlflow.runName tag; either may be given.
  const name = input.run_name || tags.get(RUN_NAME_TAG) || `run-${runId.slice(0, 8)}`;
  tags.set(RUN_NAME_TAG, name);
  if (input.user_id && !tags.has(USER_TAG)) tags.set(USER_TAG, input.user_id);
  const tagList = [...tags].map(([key, value]) => ({ key, value }));
  const patch = runPatchFromTags(tagList);
  await ctx.db.run.create({
    data: {
      id: uuid,
      experimentId: experiment.id,
      name,
      status: 'RUNNING',
      startTime: BigInt(input.start_time ?? (ctx.now?.() ?? new Date()).getTime()),
      engineer: patch.engineer ?? input.user_id ?? null,
      createdById: principalUserId(ctx.actor),
      artifactUri: `${experimentArtifactLocation(experiment)}/${runId}/artifacts`,
      gitCommit: patch.gitCommit,
      gitRepo: patch.gitRepo,
      gitDirty: patch.gitDirty,
      runtime: patch.runtime,
      libraries: patch.libraries ?? undefined,
      hardware: patch.hardware ?? undefined,
      tags: { create: tagList },
    },
  });
  return (await readRunViews(ctx.db, [uuid]))[0]!;
}
