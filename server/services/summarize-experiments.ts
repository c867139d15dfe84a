import type { TExperimentView } from '../contracts/tracking';
import type { DbOrTx } from '../db/client';
import { Prisma } from '../db/generated/client';
import { toExperimentView } from './experiment-view';

export type TExperimentSummary = TExperimentView & {
  runCount: number;
  /** Epoch ms of the latest run start or end; null when the experiment has no runs. */
  lastActivity: number | null;
};

type TRunStatsRow = { experiment_id: number; run_count: bigint; last_activity: bigint | null };

/** The experiments list: every active experiment with its active runs counted and its latest run activity. */
export async function summarizeExperiments(db: DbOrTx): Promise<TExperimentSummary[]> {
  const [experiments, stats] = await Promise.all([
    db.experiment.findMany({ where: { lifecycleStage: 'active' }, include: { tags: true }, orderBy: [{ name: 'asc' }] }),
    db.$queryRaw<TRunStatsRow[]>(Prisma.sql`
      SELECT experiment_id, COUNT(*) AS run_count, MAX(GREATEST(start_time, COALESCE(end_time, start_time))) AS last_activity
      FROM runs WHERE lifecycle_stage = 'active'::"LifecycleStage" GROUP BY experiment_id`),
  ]);
  const byId = new Map(stats.map((s) => [s.experiment_id, s]));
  return experiments
    .map((experiment) => {
      const s = byId.get(experiment.id);
      return {
        ...toExperimentView(experiment),
        runCount: s ? Number(s.run_count) : 0,
        lastActivity: s?.last_activity != null ? Number(s.last_activity) : null,
      };
    })
    .sort((a, b) => (b.lastActivity ?? b.lastUpdateTime) - (a.lastActivity ?? a.lastUpdateTime));
}
