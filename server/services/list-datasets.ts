import type { DbOrTx } from '../db/client';
import { DomainError } from '../domain/errors';
import { uuidToRunId } from '../domain/run-id';

export async function listDatasets(db: DbOrTx) {
  const rows = await db.dataset.findMany({
    orderBy: { name: 'asc' },
    include: { versions: { orderBy: { createdAt: 'desc' }, take: 1 }, _count: { select: { versions: true } } },
  });
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    description: d.description,
    createdAt: d.createdAt,
    versionCount: d._count.versions,
    latestVersion: d.versions[0] ? { version: d.versions[0].version, createdAt: d.versions[0].createdAt } : null,
  }));
}

/** A dataset with its versions and, per version, the runs that read it (lineage). */
export async function getDataset(db: DbOrTx, name: string) {
  const dataset = await db.dataset.findUnique({
    where: { name },
    include: {
      versions: {
        orderBy: { createdAt: 'desc' },
        include: { inputs: { include: { run: { select: { id: true, name: true, experimentId: true, status: true, startTime: true } } } } },
      },
    },
  });
  if (!dataset) throw new DomainError('NOT_FOUND', `no dataset named "${name}"`);
  return {
    id: dataset.id,
    name: dataset.name,
    description: dataset.description,
    createdAt: dataset.createdAt,
    versions: dataset.versions.map((v) => ({
      id: v.id,
      version: v.version,
      kind: v.kind,
      fingerprint: v.fingerprint,
      schema: v.schema,
      rowCount: v.rowCount === null ? null : Number(v.rowCount),
      columnStats: v.columnStats,
      source: v.source,
      createdAt: v.createdAt,
      runs: v.inputs.map((i) => ({
        runId: uuidToRunId(i.run.id),
        runName: i.run.name,
        experimentId: String(i.run.experimentId),
        status: i.run.status,
        startTime: Number(i.run.startTime),
        context: i.tags,
      })),
    })),
  };
}
