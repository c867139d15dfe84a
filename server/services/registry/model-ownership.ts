import { hasScope } from '../../auth/permissions';
import type { TPrincipal } from '../../auth/principal';
import { principalUserId } from '../../auth/principal';
import type { DbOrTx, Tx } from '../../db/client';
import type { RegisteredModel } from '../../db/generated/client';
import { DomainError, refusal } from '../../domain/errors';
import { decideModelAdministration, decideRename, type TAdministration, type TRefusal } from '../../domain/model-administration';
import { isAdminPrincipal } from '../rollout/rollout-actor';

/*
 * Who may change a model outside its rollout (versions, description and tags, rename, delete,
 * webhooks): ownership read from the database, the rules asked of the domain
 * (model-administration.ts). Rollout commands are judged by server/domain/rollout instead.
 */

export async function isOwner(db: DbOrTx, modelId: string, actor: TPrincipal): Promise<boolean> {
  const userId = principalUserId(actor);
  if (!userId) return false;
  return (await db.modelOwner.count({ where: { modelId, userId } })) > 0;
}

/**
 * Owner-only actions (promote, demote, roll back, archive, decide): the model:approve scope is
 * necessary, and the actor must own the model (admins act on any model; it is audited as theirs).
 */
export async function requireOwner(db: DbOrTx, model: RegisteredModel, actor: TPrincipal, action: string): Promise<void> {
  if (!hasScope(actor.scopes, 'model:approve')) throw new DomainError('FORBIDDEN', `to ${action} you need the model:approve permission, which your credentials do not grant`);
  if (isAdminPrincipal(actor) || (await isOwner(db, model.id, actor))) return;
  throw refusal('NOT_OWNER', `only an owner of model ${model.name} may ${action}`, { model: model.name, action });
}

export function throwRefusal(refused: TRefusal): never {
  throw new DomainError(refused.code, refused.message, { rule: refused.rule, ...refused.details });
}

/**
 * Administration of a model (rename, delete, description and tags, webhooks): model:approve and
 * ownership, or an admin with a written reason - decided by domain/model-administration.ts.
 * Returns how the actor acts, for the audit event.
 */
export async function requireModelAdministration(db: DbOrTx, model: RegisteredModel, actor: TPrincipal, action: string, adminReason?: string | null): Promise<TAdministration> {
  const owner = await isOwner(db, model.id, actor);
  const decision = decideModelAdministration({ modelName: model.name, hasApproveScope: hasScope(actor.scopes, 'model:approve'), isOwner: owner, isAdmin: isAdminPrincipal(actor) }, action, adminReason);
  if (!decision.ok) throwRefusal(decision);
  return decision;
}

/** 409 while a worker or a deployment serves the model (they address it by name): see decideRename. */
export async function refuseRenameWhileServed(tx: Tx, model: RegisteredModel, now: Date): Promise<void> {
  const ids = (await tx.modelVersion.findMany({ where: { modelId: model.id }, select: { id: true } })).map((v) => v.id);
  const production = await tx.modelVersion.findMany({ where: { modelId: model.id, stage: 'production' }, select: { version: true }, orderBy: { version: 'asc' } });
  const active = await tx.deployment.findUnique({ where: { activeModelId: model.id }, select: { id: true, status: true } });
  // Both indexed by version and time: the newest row per model is one index probe each.
  const traffic = ids.length ? await tx.versionTraffic.findFirst({ where: { modelVersionId: { in: ids } }, orderBy: { minute: 'desc' }, select: { minute: true } }) : null;
  const logged = ids.length ? await tx.predictionLog.findFirst({ where: { modelVersionId: { in: ids } }, orderBy: { ts: 'desc' }, select: { ts: true } }) : null;
  const last = [traffic?.minute, logged?.ts].filter((d): d is Date => d instanceof Date).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  const decision = decideRename({ productionVersions: production.map((v) => v.version), activeDeployment: active, lastTrafficAt: last }, model.name, now);
  if (!decision.ok) throwRefusal(decision);
}
