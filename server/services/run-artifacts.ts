import type { DbOrTx } from '../db/client';
import { checkArtifactPath, listArtifactChildren, type TArtifactListEntry } from '../domain/artifact-path';
import { DomainError } from '../domain/errors';
import { CONFIG_ARTIFACT_PATH, REQUIREMENTS_ARTIFACT_PATH, runConfigRecord } from '../domain/run-record-mapping';
import { openBlob, readSmallBlob, writeBlob } from './artifact-blob-store';
import { applyRunConfig } from './log-run-data';
import { loadActiveRun, loadRun } from './load-tracking-entity';
import type { ServiceContext } from './service-context';

const RECORD_FILE_LIMIT = 1 << 20;

/**
 * Stores one artifact of a run. config.yaml is validated as a TrainingConfig (a bad one is a 400
 * naming the field, and nothing is recorded) and sets the run's config; requirements.txt fills
 * the run's environment. Re-uploading a path points it at the new content.
 */
export async function putRunArtifact(
  ctx: ServiceContext,
  input: { runId: string; path: string; body: ReadableStream<Uint8Array> | null; declaredSize?: number; expectedSha256?: string },
): Promise<{ path: string; size: number; sha256: string }> {
  const artifactPath = checkArtifactPath(input.path);
  const run = await loadActiveRun(ctx.db, input.runId);
  const blob = await writeBlob(input.body, { declaredSize: input.declaredSize, expectedSha256: input.expectedSha256 });
  const config = artifactPath === CONFIG_ARTIFACT_PATH ? runConfigRecord(await readSmallBlob(blob.sha256, RECORD_FILE_LIMIT), `artifact ${CONFIG_ARTIFACT_PATH}`) : undefined;
  const requirements = artifactPath === REQUIREMENTS_ARTIFACT_PATH && blob.size <= RECORD_FILE_LIMIT ? await readSmallBlob(blob.sha256, RECORD_FILE_LIMIT) : undefined;
  await ctx.db.$transaction(async (tx) => {
    await tx.artifact.upsert({
      where: { runId_path: { runId: run.id, path: artifactPath } },
      create: { runId: run.id, path: artifactPath, size: BigInt(blob.size), sha256: blob.sha256 },
      update: { size: BigInt(blob.size), sha256: blob.sha256, createdAt: new Date() },
    });
    if (config) await applyRunConfig(ctx, tx, run.id, config);
    if (requirements !== undefined) await tx.run.update({ where: { id: run.id }, data: { requirementsTxt: requirements } });
  });
  return { path: artifactPath, ...blob };
}

export async function openRunArtifact(db: DbOrTx, input: { runId: string; path: string }) {
  const artifactPath = checkArtifactPath(input.path);
  const run = await loadRun(db, input.runId);
  const artifact = await db.artifact.findUnique({ where: { runId_path: { runId: run.id, path: artifactPath } } });
  if (!artifact) throw new DomainError('NOT_FOUND', `No artifact at '${artifactPath}' in run ${input.runId}`);
  return { path: artifact.path, size: Number(artifact.size), sha256: artifact.sha256, body: openBlob(artifact.sha256) };
}

/** The direct children of a folder of the run's artifacts (MLflow's artifacts/list). */
export async function listRunArtifacts(db: DbOrTx, input: { runId?: string; path: string }): Promise<{ rootUri: string; files: TArtifactListEntry[] }> {
  const dir = checkArtifactPath(input.path, { allowEmpty: true });
  const run = await loadRun(db, input.runId);
  const files = await db.artifact.findMany({
    where: { runId: run.id, ...(dir ? { path: { startsWith: `${dir}/` } } : {}) },
    select: { path: true, size: true },
  });
  return { rootUri: run.artifactUri, files: listArtifactChildren(files.map((f) => ({ path: f.path, size: Number(f.size) })), dir) };
}
