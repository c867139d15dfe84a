import { randomUUID } from 'node:crypto';
import { ZRequestBenchmarkInput, type TRequestBenchmarkInput } from '../contracts/deployments';
import { DomainError, parseInput } from '../domain/errors';
import { loadVersion, lockModel } from './registry/model-lookup';
import { nowOf } from './service-context';
import { recordAuditEvent } from '../records/record-audit-event';
import { BENCHMARK_REQUEST_TAG } from './resolve-desired-state';
import type { ServiceContext } from './service-context';

/**
 * Asks the workers serving a model to measure a version's latency (the production gate's
 * evidence). The request rides on the version (a tag) until a benchmark newer than it is
 * reported; the desired state lists it meanwhile, and a worker runs it and reports to the
 * registry's benchmark endpoint.
 */
export async function requestBenchmark(ctx: ServiceContext, raw: TRequestBenchmarkInput) {
  const input = parseInput(ZRequestBenchmarkInput, raw, 'benchmark request');
  const now = nowOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    const version = await loadVersion(tx, model, input.version);
    if (version.stage === 'archived') throw new DomainError('CONFLICT', `version ${version.version} of ${model.name} is archived`);
    if (!version.onnxSha256) throw new DomainError('CONFLICT', `version ${version.version} of ${model.name} has no ONNX file to benchmark`);
    const request = { id: randomUUID(), at: now.toISOString(), batchSize: input.batchSize, iterations: input.iterations };
    await tx.modelVersionTag.upsert({
      where: { versionId_key: { versionId: version.id, key: BENCHMARK_REQUEST_TAG } },
      create: { versionId: version.id, key: BENCHMARK_REQUEST_TAG, value: JSON.stringify(request) },
      update: { value: JSON.stringify(request) },
    });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model_version.benchmark_requested',
      subjectType: 'model_version',
      subjectId: version.id,
      after: { model: model.name, version: version.version, ...request },
    });
    return request;
  });
}
