import type { DbOrTx, Tx } from '../../db/client';
import type { ModelVersion, RegisteredModel } from '../../db/generated/client';
import { DomainError } from '../../domain/errors';

/* Lookups of models and versions with MLflow's wording for a miss, and the per-model row lock. */

export async function loadModel(db: DbOrTx, name: string): Promise<RegisteredModel> {
  const model = await db.registeredModel.findUnique({ where: { name } });
  if (!model) throw new DomainError('NOT_FOUND', `Registered Model with name=${name} not found`);
  return model;
}

/**
 * Locks the model's row for the rest of the transaction: lifecycle steps of one model run one
 * at a time, so two concurrent promotions cannot both see "no other production version".
 */
export async function lockModel(tx: Tx, name: string): Promise<RegisteredModel> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM registered_models WHERE name = ${name} FOR UPDATE`;
  if (!rows[0]) throw new DomainError('NOT_FOUND', `Registered Model with name=${name} not found`);
  return tx.registeredModel.findUniqueOrThrow({ where: { id: rows[0].id } });
}

export async function loadVersion(db: DbOrTx, model: RegisteredModel, version: number): Promise<ModelVersion> {
  const found = Number.isInteger(version) ? await db.modelVersion.findUnique({ where: { modelId_version: { modelId: model.id, version } } }) : null;
  if (!found) throw new DomainError('NOT_FOUND', `Model Version (name=${model.name}, version=${version}) not found`);
  return found;
}

export async function aliasTarget(db: DbOrTx, modelId: string, alias: string): Promise<ModelVersion | null> {
  const row = await db.modelAlias.findUnique({ where: { modelId_alias: { modelId, alias } } });
  return row ? db.modelVersion.findUnique({ where: { id: row.versionId } }) : null;
}
