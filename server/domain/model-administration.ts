/*
 * Who may administer a registered model - rename it, delete it, edit its description and tags,
 * manage its webhooks - and when a rename must wait. One rule for tRPC, the MLflow API and
 * REST: the services gather the facts and ask here.
 *
 * Administration is an owner action: the model:approve scope and ownership of this model. An
 * admin who does not own the model may act too, but only with a written reason (audited), the
 * same override four-eyes grants admins. A `model:write` holder (an engineer, a CI ingest token)
 * therefore cannot rename a model out from under its owners.
 */

export const ADMIN_REASON_MIN_LENGTH = 10;

export type TModelActorFacts = {
  modelName: string;
  /** The actor's scopes include model:approve. */
  hasApproveScope: boolean;
  /** The actor (or the person whose token it is) is one of the model's owners. */
  isOwner: boolean;
  isAdmin: boolean;
};

export type TRefusal = { ok: false; code: 'FORBIDDEN' | 'NOT_OWNER' | 'CONFLICT' | 'BAD_REQUEST'; rule: string; message: string; details?: Record<string, unknown> };
export type TAdministration = { ok: true; as: 'owner' | 'admin'; reason: string | null };

/** `action` completes "to ..."/"may ...": "rename the model", "delete a webhook". */
export function decideModelAdministration(facts: TModelActorFacts, action: string, adminReason?: string | null): TAdministration | TRefusal {
  if (!facts.hasApproveScope) {
    return { ok: false, code: 'FORBIDDEN', rule: 'SCOPE_MISSING', message: `to ${action} you need the model:approve permission, which your credentials do not grant`, details: { scope: 'model:approve' } };
  }
  const reason = adminReason?.trim() || null;
  if (facts.isOwner) return { ok: true, as: 'owner', reason };
  if (!facts.isAdmin) {
    return { ok: false, code: 'NOT_OWNER', rule: 'NOT_OWNER', message: `only an owner of model ${facts.modelName} (or an admin, with a reason) may ${action}`, details: { model: facts.modelName, action } };
  }
  if (!reason || reason.length < ADMIN_REASON_MIN_LENGTH) {
    return {
      ok: false,
      code: 'FORBIDDEN',
      rule: 'ADMIN_REASON_REQUIRED',
      message: `you do not own model ${facts.modelName}: as an admin you may ${action} only with a written reason of at least ${ADMIN_REASON_MIN_LENGTH} characters (reason)`,
      details: { field: 'reason', minLength: ADMIN_REASON_MIN_LENGTH },
    };
  }
  return { ok: true, as: 'admin', reason };
}

/** What serves a model right now: workers and ingest address it by name, so a rename would cut them off. */
export type TServingFacts = {
  /** Versions in the production stage. */
  productionVersions: readonly number[];
  /** A running or paused deployment (canary, A/B, blue-green). */
  activeDeployment: { id: string; status: string } | null;
  /** The latest prediction traffic any version of the model had, if any. */
  lastTrafficAt: Date | null;
};

/** Traffic this recent means a worker still serves the model under its name. */
export const RECENT_TRAFFIC_MS = 15 * 60_000;

/**
 * A served model keeps its name: workers ask for `name@production`, ingest resolves records by
 * name, so renaming it would orphan both (and with them every batch that carries the old name).
 * Refused with 409 naming what serves it; end the deployment, archive the production version
 * and let traffic stop first - or register the new name and move serving over.
 */
export function decideRename(facts: TServingFacts, modelName: string, now: Date): { ok: true } | TRefusal {
  const servedBy: string[] = [];
  if (facts.productionVersions.length) servedBy.push(`version ${facts.productionVersions.join(', ')} in production`);
  if (facts.activeDeployment) servedBy.push(`a ${facts.activeDeployment.status} deployment (${facts.activeDeployment.id})`);
  const recent = facts.lastTrafficAt !== null && now.getTime() - facts.lastTrafficAt.getTime() < RECENT_TRAFFIC_MS;
  if (recent) servedBy.push(`prediction traffic at ${facts.lastTrafficAt!.toISOString()} (within ${RECENT_TRAFFIC_MS / 60_000} minutes)`);
  if (!servedBy.length) return { ok: true };
  return {
    ok: false,
    code: 'CONFLICT',
    rule: 'MODEL_SERVED',
    message: `model ${modelName} is being served (${servedBy.join('; ')}); workers and the prediction log refer to it by name, so it cannot be renamed while served`,
    details: {
      productionVersions: [...facts.productionVersions],
      deploymentId: facts.activeDeployment?.id ?? null,
      lastTrafficAt: facts.lastTrafficAt?.toISOString() ?? null,
      mlflowErrorCode: 'INVALID_STATE',
    },
  };
}

/**
 * Webhook URLs often carry a receiver's credentials, and the secret signs every delivery: only
 * those who administer the webhook see them - for a model's webhook its owners (holding
 * model:approve) and admins; for a webhook on every model, admins. Others learn at most that a
 * webhook exists. Reading needs no reason: an admin's reason is asked where something changes.
 */
export function maySeeWebhookDetails(facts: Omit<TModelActorFacts, 'modelName'>, global: boolean): boolean {
  if (facts.isAdmin) return true;
  return !global && facts.isOwner && facts.hasApproveScope;
}

/** Webhooks on every model are an admin's: nobody owns "every model". */
export function decideGlobalWebhookAdministration(isAdmin: boolean, action: string): { ok: true; as: 'admin'; reason: null } | TRefusal {
  if (isAdmin) return { ok: true, as: 'admin', reason: null };
  return { ok: false, code: 'FORBIDDEN', rule: 'ADMIN_ONLY', message: `only an admin may ${action} for every model` };
}
