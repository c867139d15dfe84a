import type { TJsonValue } from '../contracts/training-config';
import type { TKeyValue, TMetricPointView, TRunInputView, TRunView } from '../contracts/tracking';
import type { DbOrTx } from '../db/client';
import { Prisma } from '../db/generated/client';
import { uuidToRunId } from '../domain/run-id';

type TLatestRow = { run_id: string; key: string; value: string; timestamp: bigint; step: bigint };

/**
 * Whole runs (info, params, tags, latest metrics, inputs) for a page of ids, in four queries
 * whatever the page size. Metric values are read as text: float8 NaN and ±Infinity survive that
 * way, where a JSON round trip inside the driver would turn them into null.
 */
export async function readRunViews(db: DbOrTx, uuids: readonly string[]): Promise<TRunView[]> {
  if (uuids.length === 0) return [];
  const ids = [...uuids];
  const [runs, params, tags, latest, inputs] = await Promise.all([
    db.run.findMany({ where: { id: { in: ids } } }),
    db.runParam.findMany({ where: { runId: { in: ids } }, orderBy: { key: 'asc' } }),
    db.runTag.findMany({ where: { runId: { in: ids } }, orderBy: { key: 'asc' } }),
    db.$queryRaw<TLatestRow[]>(Prisma.sql`
      SELECT run_id::text AS run_id, key, value::text AS value, timestamp, step
      FROM latest_metrics WHERE run_id = ANY(${ids}::uuid[]) ORDER BY key`),
    db.runInput.findMany({ where: { runId: { in: ids } }, include: { datasetVersion: { include: { dataset: true } } }, orderBy: { createdAt: 'asc' } }),
  ]);
  const group = <T extends { runId?: string; run_id?: string }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const row of rows) {
      const id = (row.runId ?? row.run_id)!;
      map.set(id, [...(map.get(id) ?? []), row]);
    }
    return map;
  };
  const paramsBy = group(params);
  const tagsBy = group(tags);
  const latestBy = group(latest);
  const inputsBy = group(inputs);
  const byId = new Map(runs.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const run = byId.get(id);
    if (!run) return [];
    const kv = (rows: { key: string; value: string }[] | undefined): TKeyValue[] => (rows ?? []).map((r) => ({ key: r.key, value: r.value }));
    const metrics: TMetricPointView[] = (latestBy.get(id) ?? []).map((m) => ({ key: m.key, value: Number(m.value), timestamp: Number(m.timestamp), step: Number(m.step) }));
    const runInputs: TRunInputView[] = (inputsBy.get(id) ?? []).map((i) => ({
      datasetName: i.datasetVersion.dataset.name,
      version: i.datasetVersion.version,
      kind: i.datasetVersion.kind,
      fingerprint: i.datasetVersion.fingerprint,
      source: (i.datasetVersion.source as TJsonValue | null) ?? null,
      schema: (i.datasetVersion.schema as TJsonValue | null) ?? null,
      tags: (i.tags as TKeyValue[] | null) ?? [],
    }));
    return [
      {
        runId: uuidToRunId(run.id),
        experimentId: String(run.experimentId),
        runName: run.name,
        status: run.status,
        startTime: Number(run.startTime),
        endTime: run.endTime === null ? null : Number(run.endTime),
        lifecycleStage: run.lifecycleStage,
        userId: run.engineer ?? '',
        artifactUri: run.artifactUri,
        params: kv(paramsBy.get(id)),
        tags: kv(tagsBy.get(id)),
        metrics,
        inputs: runInputs,
      },
    ];
  });
}
