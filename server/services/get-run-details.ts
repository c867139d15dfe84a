import type { TJsonValue } from '../contracts/training-config';
import type { TRunRecordView, TRunView } from '../contracts/tracking';
import type { DbOrTx } from '../db/client';
import { diffConfigs } from '../domain/config-diff';
import { DomainError } from '../domain/errors';
import { REQUIRED_RUN_TAGS } from '../domain/run-record-mapping';
import { loadRun } from './load-tracking-entity';
import { readRunViews } from './read-run-views';

/** MLflow's runs/get. */
export async function getRun(db: DbOrTx, runId: string | undefined): Promise<TRunView> {
  const run = await loadRun(db, runId);
  return (await readRunViews(db, [run.id]))[0]!;
}

/** The run page: the MLflow view plus the reproducibility record and the artifacts. */
export async function getRunDetails(db: DbOrTx, runId: string) {
  const run = await loadRun(db, runId);
  const [view] = await readRunViews(db, [run.id]);
  const artifacts = await db.artifact.findMany({ where: { runId: run.id }, orderBy: { path: 'asc' } });
  const tagKeys = new Set(view!.tags.map((t) => t.key));
  const record: TRunRecordView = {
    config: (run.config as TJsonValue | null) ?? null,
    configYaml: run.configYaml,
    configHash: run.configHash,
    effectiveBatchSize: run.effectiveBatchSize,
    seed: run.seed === null ? null : Number(run.seed),
    codeVersion: { gitCommit: run.gitCommit, gitDirty: run.gitDirty, gitRepo: run.gitRepo },
    environment: { runtime: run.runtime, libraries: (run.libraries as TJsonValue | null) ?? null, requirementsTxt: run.requirementsTxt },
    hardware: (run.hardware as TJsonValue | null) ?? null,
    missingRequiredTags: REQUIRED_RUN_TAGS.filter((k) => !tagKeys.has(k) && !(k === 'engineer' && run.engineer)),
  };
  return {
    run: view!,
    record,
    artifacts: artifacts.map((a) => ({ path: a.path, size: Number(a.size), sha256: a.sha256, createdAt: a.createdAt })),
  };
}

/** Compare 2-10 runs: the config diff and one params/metrics table. */
export async function compareRuns(db: DbOrTx, runIds: readonly string[]) {
  if (runIds.length < 2 || runIds.length > 10) throw new DomainError('BAD_REQUEST', 'runIds: compare 2 to 10 runs');
  const runs = await Promise.all(runIds.map((id) => loadRun(db, id)));
  const views = await readRunViews(db, runs.map((r) => r.id));
  const configDiff = diffConfigs(runs.map((r) => (r.config as TJsonValue | null) ?? null));
  const paramKeys = [...new Set(views.flatMap((v) => v.params.map((p) => p.key)))].sort();
  const metricKeys = [...new Set(views.flatMap((v) => v.metrics.map((m) => m.key)))].sort();
  const params = paramKeys.map((key) => {
    const values = views.map((v) => v.params.find((p) => p.key === key)?.value ?? null);
    return { key, values, changed: new Set(values).size > 1 };
  });
  const metrics = metricKeys.map((key) => ({ key, values: views.map((v) => v.metrics.find((m) => m.key === key)?.value ?? null) }));
  return {
    runs: views.map((v, i) => ({ runId: v.runId, runName: v.runName, status: v.status, experimentId: v.experimentId, configHash: runs[i]!.configHash })),
    configDiff,
    params,
    metrics,
  };
}
