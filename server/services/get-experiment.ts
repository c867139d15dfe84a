import type { TExperimentView } from '../contracts/tracking';
import type { DbOrTx } from '../db/client';
import { DomainError } from '../domain/errors';
import { toExperimentView } from './experiment-view';
import { loadExperiment } from './load-tracking-entity';

export async function getExperiment(db: DbOrTx, experimentId: string): Promise<TExperimentView> {
  const experiment = await loadExperiment(db, experimentId);
  const tags = await db.experimentTag.findMany({ where: { experimentId: experiment.id } });
  return toExperimentView({ ...experiment, tags });
}

export async function getExperimentByName(db: DbOrTx, name: string): Promise<TExperimentView> {
  const experiment = await db.experiment.findUnique({ where: { name }, include: { tags: true } });
  if (!experiment) throw new DomainError('NOT_FOUND', `Could not find experiment with name '${name}'`);
  return toExperimentView(experiment);
}
