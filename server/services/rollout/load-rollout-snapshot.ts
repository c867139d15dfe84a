import { randomUUID } from 'node:crypto';
import { ZCanaryOptions, type TCanaryOptions } from '../../contracts/canary-options';
import type { DbOrTx } from '../../db/client';
import type { Deployment, RegisteredModel } from '../../db/generated/client';
import type { TDeploymentFacts, TEvidenceMarker, TLiveFigures, TRequestFacts, TRolloutSnapshot, TVersionFacts } from '../../domain/rollout';

/*
 * Reads everything the rollout rules need about one model into a TRolloutSnapshot, in a fixed
 * number of queries whatever the number of versions (evidence by DISTINCT ON). Called under the
 * model's row lock by the command service, and without it by screens asking what is allowed.
 */

export type TLiveFiguresLoader = (db: DbOrTx, d: Deployment, model: RegisteredModel, now: Date) => Promise<TLiveFigures | null>;

export type TSnapshotNeeds = {
  /** A request the command names, loaded whatever its status (open ones always are). */
  requestId?: string;
  /** A deployment the command names, loaded whatever its status (the active one always is). */
  deploymentId?: string;
  /** Reads the active deployment's live figures (traffic windows, worker readiness): the evaluator passes loadLiveFigures. */
  live?: TLiveFiguresLoader;
};

type TValidationRow = { id: bigint; version_id: string; name: string; metric: string; comparator: string; threshold: number; observed: number; passed: boolean };
type TBenchmarkRow = { id: bigint; version_id: string; hardware: string; batch_size: number; p50_ms: number; p99_ms: number; throughput: number; measured_at: Date };

export async function loadRolloutSnapshot(db: DbOrTx, model: RegisteredModel, now: Date, needs: TSnapshotNeeds = {}): Promise<TRolloutSnapshot> {
  const [owners, versions, validations, benchmarks, aliases, deployments] = await Promise.all([
    db.modelOwner.findMany({ where: { modelId: model.id }, select: { userId: true }, orderBy: { userId: 'asc' } }),
    db.modelVersion.findMany({
      where: { modelId: model.id },
      orderBy: { version: 'asc' },
      select: { id: true, version: true, stage: true, complete: true, missing: true, enteredProductionAt: true, leftProductionAt: true, lastServedAt: true },
    }),
    // The latest check of each name, per version (the index on (version_id, name, id) serves it).
    db.$queryRaw<TValidationRow[]>`
      SELECT DISTINCT ON (c.version_id, c.name) c.id, c.version_id::text AS version_id, c.name, c.metric, c.comparator, c.threshold, c.observed, c.passed
      FROM validation_checks c JOIN model_versions v ON v.id = c.version_id
      WHERE v.model_id = ${model.id}::uuid
      ORDER BY c.version_id, c.name, c.id DESC`,
    db.$queryRaw<TBenchmarkRow[]>`
      SELECT DISTINCT ON (b.version_id) b.id, b.version_id::text AS version_id, b.hardware, b.batch_size, b.p50_ms, b.p99_ms, b.throughput, b.measured_at
      FROM latency_benchmarks b JOIN model_versions v ON v.id = b.version_id
      WHERE v.model_id = ${model.id}::uuid
      ORDER BY b.version_id, b.id DESC`,
    db.modelAlias.findMany({ where: { modelId: model.id }, select: { alias: true, versionId: true }, orderBy: { alias: 'asc' } }),
    db.deployment.findMany({
      where: { modelId: model.id, OR: [{ activeModelId: model.id }, ...(needs.deploymentId ? [{ id: needs.deploymentId }] : [])] },
      include: { promotionRequest: { select: { id: true, status: true, requestedById: true, decidedByLabel: true, overrideReason: true } } },
    }),
  ]);
  const requestIds = [needs.requestId, ...deployments.map((d) => d.promotionRequestId)].filter((id): id is string => !!id);
  const requests = await db.promotionRequest.findMany({
    where: { modelId: model.id, OR: [{ status: 'requested' }, ...(requestIds.length ? [{ id: { in: requestIds } }] : [])] },
    orderBy: { requestedAt: 'asc' },
  });

  const checksOf = groupBy(validations, (r) => r.version_id);
  const benchmarkOf = new Map(benchmarks.map((b) => [b.version_id, b]));
  const versionFacts: TVersionFacts[] = versions.map((v) => {
    const checks = (checksOf.get(v.id) ?? []).sort((a, b) => (a.id < b.id ? -1 : 1));
    const bench = benchmarkOf.get(v.id);
    return {
      ...v,
      validations: checks.map((c) => ({ name: c.name, metric: c.metric, comparator: c.comparator, threshold: c.threshold, observed: c.observed, passed: c.passed })),
      benchmark: bench
        ? { hardware: bench.hardware, batchSize: bench.batch_size, p50Ms: bench.p50_ms, p99Ms: bench.p99_ms, throughput: bench.throughput, measuredAt: bench.measured_at.toISOString() }
        : null,
      // The newest check overall is the newest of its name, so it is among the rows read.
      evidenceMarker: { lastValidationId: checks.length ? String(checks[checks.length - 1]!.id) : null, lastBenchmarkId: bench ? String(bench.id) : null },
    };
  });

  const deploymentFacts = await Promise.all(
    deployments.map(async (d): Promise<TDeploymentFacts> => {
      const { promotionRequest, ...row } = d;
      const active = row.activeModelId !== null;
      return {
        id: row.id,
        strategy: row.strategy,
        status: row.status,
        candidateVersionId: row.candidateVersionId,
        stableVersionId: row.stableVersionId,
        candidateWeight: row.candidateWeight,
        steps: row.steps,
        stepIndex: row.stepIndex,
        stepDurationS: row.stepDurationS,
        stepStartedAt: row.stepStartedAt,
        autoPromote: row.autoPromote,
        createdById: row.createdById,
        promotionRequest,
        live: needs.live && active ? await needs.live(db, row, model, now) : null,
      };
    }),
  );

  return {
    model: { id: model.id, name: model.name, slaClass: model.slaClass },
    owners: owners.map((o) => o.userId),
    versions: versionFacts,
    aliases,
    requests: requests.map(requestFacts),
    deployments: deploymentFacts,
    now,
    newIds: { request: randomUUID(), deployment: randomUUID() },
  };
}

function requestFacts(r: Awaited<ReturnType<DbOrTx['promotionRequest']['findMany']>>[number]): TRequestFacts {
  return {
    id: r.id,
    versionId: r.versionId,
    status: r.status,
    requestedById: r.requestedById,
    requestedByLabel: r.requestedByLabel,
    evidence: evidenceOf(r.evidence),
    replacesVersionId: r.replacesVersionId,
    canary: canaryOf(r.canary),
    decidedByLabel: r.decidedByLabel,
    overrideReason: r.overrideReason,
    staleReason: r.staleReason,
  };
}

function evidenceOf(json: unknown): TEvidenceMarker | null {
  if (!json || typeof json !== 'object') return null;
  const e = json as Record<string, unknown>;
  const id = (v: unknown) => (typeof v === 'string' ? v : null);
  return { lastValidationId: id(e.lastValidationId), lastBenchmarkId: id(e.lastBenchmarkId) };
}

function canaryOf(json: unknown): TCanaryOptions | null {
  if (json === null || json === undefined) return null;
  const parsed = ZCanaryOptions.safeParse(json);
  return parsed.success ? parsed.data : null;
}

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
