import type { DbOrTx, Tx } from '../../db/client';
import type { ModelVersion, Prisma, RegisteredModel } from '../../db/generated/client';
import type { TApprovalEvidence, TGateEvidence } from '../../domain/model-lifecycle';

/* The evidence behind a version's gates: latest validation per name, latest benchmark. */

export async function latestValidations(db: DbOrTx, versionId: string) {
  const rows = await db.validationCheck.findMany({ where: { versionId }, orderBy: { id: 'desc' } });
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.name) ? false : (seen.add(r.name), true))).reverse();
}

export async function latestBenchmark(db: DbOrTx, versionId: string) {
  return db.latencyBenchmark.findFirst({ where: { versionId }, orderBy: { id: 'desc' } });
}

export async function gateEvidence(db: DbOrTx, model: RegisteredModel, version: ModelVersion, approval: TApprovalEvidence = null): Promise<TGateEvidence> {
  const [validations, benchmark] = await Promise.all([latestValidations(db, version.id), latestBenchmark(db, version.id)]);
  return {
    complete: version.complete,
    missing: version.missing,
    validations: validations.map((v) => ({ name: v.name, metric: v.metric, comparator: v.comparator, threshold: v.threshold, observed: v.observed, passed: v.passed })),
    benchmark: benchmark
      ? { hardware: benchmark.hardware, batchSize: benchmark.batchSize, p50Ms: benchmark.p50Ms, p99Ms: benchmark.p99Ms, throughput: benchmark.throughput, measuredAt: benchmark.measuredAt.toISOString() }
      : null,
    slaClass: model.slaClass,
    approval,
  };
}

/** Open requests on evidence that no longer holds become stale (same transaction as the change). */
export async function staleOpenRequests(tx: Tx, where: Prisma.PromotionRequestWhereInput, reason: string): Promise<number> {
  const result = await tx.promotionRequest.updateMany({ where: { ...where, status: 'requested' }, data: { status: 'stale', staleReason: reason } });
  return result.count;
}
