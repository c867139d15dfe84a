import { principalLabel } from '../auth/principal';
import { ZRecordValidationInput, ZReportBenchmarkInput, type TRecordValidationInput, type TReportBenchmarkInput } from '../contracts/model-registry';
import { DomainError, parseInput } from '../domain/errors';
import { compareToThreshold, SLA_P99_LIMIT_MS } from '../domain/model-lifecycle';
import { loadVersion, lockModel } from './registry/model-lookup';
import { staleOpenRequests } from './registry/version-evidence';
import { nowOf } from './service-context';
import { recordAuditEvent } from '../records/record-audit-event';
import type { ServiceContext } from './service-context';

/*
 * The evidence gates read: validation checks (from CI or an engineer) and latency benchmarks
 * (from an inference worker). Evidence is append-only; recording new evidence makes open
 * promotion requests on the version stale, in the same transaction.
 */

/** Records named checks; pass/fail is computed here from observed vs threshold, never taken on trust. */
export async function recordValidationResults(ctx: ServiceContext, raw: TRecordValidationInput) {
  const input = parseInput(ZRecordValidationInput, raw, 'validation results');
  const now = nowOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    const version = await loadVersion(tx, model, input.version);
    if (version.stage === 'archived') throw new DomainError('CONFLICT', `version ${version.version} of ${model.name} is archived`);
    const checks = input.checks.map((c) => ({ ...c, passed: compareToThreshold(c.observed, c.comparator, c.threshold) }));
    await tx.validationCheck.createMany({ data: checks.map((c) => ({ versionId: version.id, ...c, recordedAt: now, recordedBy: principalLabel(ctx.actor) })) });
    const staled = await staleOpenRequests(tx, { versionId: version.id }, 'new validation results were recorded');
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model_version.validation_recorded',
      subjectType: 'model_version',
      subjectId: version.id,
      after: { model: model.name, version: version.version, checks, staledRequests: staled },
    });
    return { checks, passed: checks.every((c) => c.passed), staledRequests: staled };
  });
}

/** A worker's latency measurement of one version (scope worker:report). */
export async function reportLatencyBenchmark(ctx: ServiceContext, raw: TReportBenchmarkInput) {
  const input = parseInput(ZReportBenchmarkInput, raw, 'benchmark');
  if (input.p50Ms > input.p99Ms) throw new DomainError('BAD_REQUEST', `p50 (${input.p50Ms} ms) cannot exceed p99 (${input.p99Ms} ms)`);
  const now = nowOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    const version = await loadVersion(tx, model, input.version);
    if (version.stage === 'archived') throw new DomainError('CONFLICT', `version ${version.version} of ${model.name} is archived`);
    const benchmark = await tx.latencyBenchmark.create({
      data: { versionId: version.id, hardware: input.hardware, batchSize: input.batchSize, p50Ms: input.p50Ms, p99Ms: input.p99Ms, throughput: input.throughput, measuredAt: now, reportedBy: principalLabel(ctx.actor) },
    });
    const staled = await staleOpenRequests(tx, { versionId: version.id }, 'a new latency benchmark was reported');
    const limit = SLA_P99_LIMIT_MS[model.slaClass];
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model_version.benchmark_reported',
      subjectType: 'model_version',
      subjectId: version.id,
      after: { model: model.name, version: version.version, hardware: input.hardware, batchSize: input.batchSize, p50Ms: input.p50Ms, p99Ms: input.p99Ms, throughput: input.throughput, withinSla: input.p99Ms <= limit },
    });
    return { id: String(benchmark.id), withinSla: input.p99Ms <= limit, slaClass: model.slaClass, limitMs: limit, staledRequests: staled };
  });
}
