import { type z } from 'zod';
import { tryParseDatasetVersionRef, type TDatasetReference } from '../contracts/dataset-reference';
import { ZLogInputs, type TMlflowDatasetInput } from '../contracts/mlflow';
import type { Tx } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { DomainError, parseInput } from '../domain/errors';
import { loadActiveRun } from './load-tracking-entity';
import { ensureDatasetVersion, type TDatasetVersionSpec } from './register-dataset-version';
import type { ServiceContext } from './service-context';

/** Input tags through which an MLflow client names the immutable version MLflow itself has no field for. */
export const DATASET_VERSION_TAG = 'ballast.dataset.version';
export const DATASET_FINGERPRINT_TAG = 'ballast.dataset.fingerprint';

async function link(tx: Tx, runUuid: string, versionId: string, tags: { key: string; value: string }[]): Promise<void> {
  await tx.runInput.upsert({
    where: { runId_datasetVersionId: { runId: runUuid, datasetVersionId: versionId } },
    create: { runId: runUuid, datasetVersionId: versionId, tags: tags as Prisma.InputJsonValue },
    update: { tags: tags as Prisma.InputJsonValue },
  });
}

/** Lineage from a run's TrainingConfig: each dataset reference becomes (or finds) a registered version. */
export async function linkConfigDatasets(ctx: ServiceContext, tx: Tx, runUuid: string, datasets: readonly TDatasetReference[]): Promise<void> {
  for (const ref of datasets) {
    const { version } = await ensureDatasetVersion(tx, ctx.actor, ctx.requestId, { name: ref.name, version: ref.version, fingerprint: ref.fingerprint });
    await link(tx, runUuid, version.id, [{ key: 'ballast.source', value: 'config' }]);
  }
}

function sourceUri(source: string): string | undefined {
  try {
    const parsed = JSON.parse(source) as { uri?: unknown; url?: unknown };
    const uri = parsed.uri ?? parsed.url;
    return typeof uri === 'string' ? uri : undefined;
  } catch {
    return source || undefined;
  }
}

// MLflow's dataset digest is a short hash of a sample, not a version; the version comes from the
// ballast.dataset.version tag or from a source that is itself immutable (an S3 object version).
function datasetSpec(input: TMlflowDatasetInput, index: number): TDatasetVersionSpec {
  const tag = (key: string) => input.tags.find((t) => t.key === key)?.value;
  const { dataset } = input;
  const uri = sourceUri(dataset.source);
  const version = tag(DATASET_VERSION_TAG) ?? (uri && tryParseDatasetVersionRef(uri).ok ? uri : undefined);
  const where = `datasets[${index}] "${dataset.name}"`;
  if (!version) {
    const why = uri ? tryParseDatasetVersionRef(uri) : undefined;
    throw new DomainError(
      'BAD_REQUEST',
      `${where}: no immutable version: ${why && !why.ok ? `its source ${why.error.message}` : 'it has no versioned source'}. Set the input tag ${DATASET_VERSION_TAG} to md5:<32 hex>, s3://bucket/key?versionId=<id> or an exact semver.`,
    );
  }
  const parsed = tryParseDatasetVersionRef(version);
  if (!parsed.ok) throw new DomainError('BAD_REQUEST', `${where}: ${parsed.error.message}`, { rule: parsed.error.code });
  const fingerprint = tag(DATASET_FINGERPRINT_TAG);
  if (parsed.ref.kind === 'semver' && !fingerprint) {
    throw new DomainError('BAD_REQUEST', `${where}: a registry (semver) version needs the content fingerprint in the input tag ${DATASET_FINGERPRINT_TAG} (sha256:<64 hex>)`);
  }
  if (fingerprint && !/^sha256:[0-9a-f]{64}$/.test(fingerprint)) {
    throw new DomainError('BAD_REQUEST', `${where}: ${DATASET_FINGERPRINT_TAG} must be sha256: followed by 64 lowercase hex digits`);
  }
  let schema: unknown = undefined;
  if (dataset.schema) {
    try {
      schema = JSON.parse(dataset.schema);
    } catch {
      schema = { raw: dataset.schema };
    }
  }
  return {
    name: dataset.name,
    version,
    fingerprint,
    schema,
    source: { digest: dataset.digest, source_type: dataset.source_type, source: dataset.source, ...(dataset.profile ? { profile: dataset.profile } : {}) },
  };
}

/** MLflow's log-inputs: each dataset becomes a Ballast dataset version, linked to the run. All or nothing. */
export async function logRunInputs(ctx: ServiceContext, raw: z.input<typeof ZLogInputs>): Promise<void> {
  const input = parseInput(ZLogInputs, raw, 'request');
  const specs = input.datasets.map((d, i) => ({ spec: datasetSpec(d, i), tags: d.tags }));
  const run = await loadActiveRun(ctx.db, input.run_id);
  await ctx.db.$transaction(async (tx) => {
    for (const { spec, tags } of specs) {
      const { version } = await ensureDatasetVersion(tx, ctx.actor, ctx.requestId, spec);
      await link(tx, run.id, version.id, tags);
    }
  });
}
