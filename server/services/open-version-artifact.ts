import type { DbOrTx } from '../db/client';
import { DomainError } from '../domain/errors';
import { openBlob } from './artifact-blob-store';
import { loadModel, loadVersion } from './registry/model-lookup';

/**
 * A version's ONNX file for a worker. The stream re-hashes the blob as it goes and fails at the end
 * if the content no longer matches its digest; the worker verifies the digest again before loading.
 */
export async function openVersionArtifact(db: DbOrTx, modelName: string, version: number) {
  const model = await loadModel(db, modelName);
  const v = await loadVersion(db, model, version);
  if (v.stage === 'archived') throw new DomainError('CONFLICT', `version ${v.version} of ${model.name} is archived and is not served`);
  if (!v.onnxSha256) throw new DomainError('NOT_FOUND', `version ${v.version} of ${model.name} has no ONNX file`);
  return { sha256: v.onnxSha256, size: Number(v.onnxSize ?? 0), body: openBlob(v.onnxSha256) };
}
