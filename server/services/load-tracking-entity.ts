import type { DbOrTx } from '../db/client';
import { DomainError } from '../domain/errors';
import { runIdToUuid } from '../domain/run-id';

/*
 * The lookups every tracking use-case starts with, with MLflow's wording for a miss, so an
 * unknown run or experiment reads the same from every endpoint.
 */

export async function loadExperiment(db: DbOrTx, experimentId: string | number) {
  const id = typeof experimentId === 'number' ? experimentId : /^\d{1,9}$/.test(experimentId) ? Number(experimentId) : null;
  const experiment = id === null ? null : await db.experiment.findUnique({ where: { id } });
  if (!experiment) throw new DomainError('NOT_FOUND', `No Experiment with id=${experimentId} exists`);
  return experiment;
}

export async function loadRun(db: DbOrTx, runId: string | undefined) {
  if (!runId) throw new DomainError('BAD_REQUEST', "Missing value for required parameter 'run_id'");
  const uuid = runIdToUuid(runId);
  const run = uuid ? await db.run.findUnique({ where: { id: uuid } }) : null;
  if (!run) throw new DomainError('NOT_FOUND', `Run with id=${runId} not found`);
  return run;
}

/** Writes go to active runs only (MLflow answers INVALID_PARAMETER_VALUE for a deleted one). */
export async function loadActiveRun(db: DbOrTx, runId: string | undefined) {
  const run = await loadRun(db, runId);
  if (run.lifecycleStage !== 'active') {
    throw new DomainError('BAD_REQUEST', `The run ${runId} must be in the 'active' state. Current state is deleted.`);
  }
  return run;
}
