import type { DbOrTx } from '../db/client';
import { Prisma } from '../db/generated/client';
import { loadExperiment } from './load-tracking-entity';

/** The metric, param and tag keys logged by an experiment's active runs: what the runs table's column chooser offers. */
export async function listRunKeys(db: DbOrTx, experimentId: string): Promise<{ metrics: string[]; params: string[]; tags: string[] }> {
  const experiment = await loadExperiment(db, experimentId);
  const keysOf = (table: 'latest_metrics' | 'run_params' | 'run_tags') =>
    db.$queryRaw<{ key: string }[]>(Prisma.sql`
      SELECT DISTINCT k.key FROM ${Prisma.raw(table)} k JOIN runs r ON r.id = k.run_id
      WHERE r.experiment_id = ${experiment.id} AND r.lifecycle_stage = 'active'::"LifecycleStage"
      ORDER BY k.key`);
  const [metrics, params, tags] = await Promise.all([keysOf('latest_metrics'), keysOf('run_params'), keysOf('run_tags')]);
  return { metrics: metrics.map((r) => r.key), params: params.map((r) => r.key), tags: tags.map((r) => r.key) };
}
