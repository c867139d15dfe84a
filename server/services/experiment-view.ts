import type { TExperimentView } from '../contracts/tracking';
import type { Experiment, ExperimentTag } from '../db/generated/client';

/** Experiments without an explicit location keep artifacts behind the server's artifact proxy. */
export function experimentArtifactLocation(experiment: Pick<Experiment, 'id' | 'artifactLocation'>): string {
  return experiment.artifactLocation ?? `mlflow-artifacts:/${experiment.id}`;
}

export function toExperimentView(experiment: Experiment & { tags: ExperimentTag[] }): TExperimentView {
  return {
    experimentId: String(experiment.id),
    name: experiment.name,
    artifactLocation: experimentArtifactLocation(experiment),
    lifecycleStage: experiment.lifecycleStage,
    creationTime: experiment.createdAt.getTime(),
    lastUpdateTime: experiment.updatedAt.getTime(),
    tags: experiment.tags.map((t) => ({ key: t.key, value: t.value })).sort((a, b) => (a.key < b.key ? -1 : 1)),
  };
}
