import { decideModelAdministration } from '../domain/model-administration';
import { ZCanaryOptions, type TCanaryOptions } from '../contracts/canary-options';
import type { TModelStage } from '../contracts/model-registry';
import type { DbOrTx } from '../db/client';
import type { ModelVersion, Prisma } from '../db/generated/client';
import { DomainError } from '../domain/errors';
import { evaluateGates, MLFLOW_STAGE_OF, type TGateName } from '../domain/model-lifecycle';
import { matchesRegistryFilter, parseRegistryFilter } from '../domain/registry-search';
import { decodePageToken, encodePageToken } from '../domain/run-search';
import { uuidToRunId } from '../domain/run-id';
import { hasScope } from '../auth/permissions';
import { principalUserId, type TPrincipal } from '../auth/principal';
import { gateEvidence } from './registry/version-evidence';
import { isAdminPrincipal as isAdmin } from './rollout/rollout-actor';
import { isOwner } from './registry/model-ownership';
import { loadModel, loadVersion } from './registry/model-lookup';
import type { ServiceContext } from './service-context';

/* Reads of the registry for the UI, tRPC clients and the MLflow API. */

type TVersionRow = ModelVersion & { tags: { key: string; value: string }[] };

export type TModelVersionView = {
  id: string;
  modelName: string;
  version: number;
  stage: TModelStage;
  mlflowStage: string;
  description: string;
  source: string;
  runId: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  stageChangedAt: Date;
  enteredProductionAt: Date | null;
  leftProductionAt: Date | null;
  lastServedAt: Date | null;
  archivedAt: Date | null;
  complete: boolean;
  missing: string[];
  onnxSha256: string | null;
  onnxSize: number | null;
  signature: unknown;
  metrics: unknown;
  dataFingerprint: string | null;
  configHash: string | null;
  tags: { key: string; value: string }[];
  aliases: string[];
};

export function toVersionView(modelName: string, v: TVersionRow, aliases: readonly { alias: string; versionId: string }[]): TModelVersionView {
  return {
    id: v.id,
    modelName,
    version: v.version,
    stage: v.stage,
    mlflowStage: MLFLOW_STAGE_OF[v.stage],
    description: v.description,
    source: v.source,
    runId: v.runId ? uuidToRunId(v.runId) : null,
    createdBy: v.createdByLabel,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    stageChangedAt: v.stageChangedAt,
    enteredProductionAt: v.enteredProductionAt,
    leftProductionAt: v.leftProductionAt,
    lastServedAt: v.lastServedAt,
    archivedAt: v.archivedAt,
    complete: v.complete,
    missing: v.missing,
    onnxSha256: v.onnxSha256,
    onnxSize: v.onnxSize === null ? null : Number(v.onnxSize),
    signature: v.signature,
    metrics: v.metrics,
    dataFingerprint: v.dataFingerprint,
    configHash: v.configHash,
    tags: v.tags.map((t) => ({ key: t.key, value: t.value })),
    aliases: aliases.filter((a) => a.versionId === v.id).map((a) => a.alias),
  };
}

export async function getModelVersionView(db: DbOrTx, modelName: string, version: number): Promise<TModelVersionView> {
  const model = await loadModel(db, modelName);
  const v = await loadVersion(db, model, version);
  const [tags, aliases] = await Promise.all([db.modelVersionTag.findMany({ where: { versionId: v.id } }), db.modelAlias.findMany({ where: { modelId: model.id } })]);
  return toVersionView(model.name, { ...v, tags }, aliases);
}

export async function getVersionByAlias(db: DbOrTx, modelName: string, alias: string): Promise<TModelVersionView> {
  const model = await loadModel(db, modelName);
  const row = await db.modelAlias.findUnique({ where: { modelId_alias: { modelId: model.id, alias } } });
  if (!row) throw new DomainError('NOT_FOUND', `Registered model alias ${alias} not found.`);
  const v = await db.modelVersion.findUniqueOrThrow({ where: { id: row.versionId } });
  return getModelVersionView(db, model.name, v.version);
}

export type TRegisteredModelView = {
  id: string;
  name: string;
  description: string;
  slaClass: string;
  createdAt: Date;
  updatedAt: Date;
  createdById: string | null;
  tags: { key: string; value: string }[];
  aliases: { alias: string; version: number }[];
  owners: { userId: string; email: string }[];
  latestVersions: TModelVersionView[];
  versionCount: number;
  productionVersion: number | null;
};

const MODEL_INCLUDE = {
  tags: true,
  aliases: true,
  owners: true,
  versions: { include: { tags: true }, orderBy: { version: 'asc' } },
} satisfies Prisma.RegisteredModelInclude;

async function modelViews(db: DbOrTx, where: Prisma.RegisteredModelWhereInput): Promise<TRegisteredModelView[]> {
  const models = await db.registeredModel.findMany({ where, include: MODEL_INCLUDE, orderBy: { name: 'asc' } });
  const userIds = [...new Set(models.flatMap((m) => m.owners.map((o) => o.userId)))];
  const users = userIds.length ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }) : [];
  return models.map((m) => {
    const versionOf = new Map(m.versions.map((v) => [v.id, v.version]));
    // MLflow's latest_versions: the newest version in each stage.
    const latest = new Map<TModelStage, (typeof m.versions)[number]>();
    for (const v of m.versions) latest.set(v.stage, v);
    const production = m.aliases.find((a) => a.alias === 'production');
    return {
      id: m.id,
      name: m.name,
      description: m.description,
      slaClass: m.slaClass,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      createdById: m.createdById,
      tags: m.tags.map((t) => ({ key: t.key, value: t.value })),
      aliases: m.aliases.map((a) => ({ alias: a.alias, version: versionOf.get(a.versionId) ?? 0 })),
      owners: m.owners.map((o) => ({ userId: o.userId, email: users.find((u) => u.id === o.userId)?.email ?? o.userId })),
      latestVersions: [...latest.values()].sort((a, b) => a.version - b.version).map((v) => toVersionView(m.name, v, m.aliases)),
      versionCount: m.versions.length,
      productionVersion: production ? (versionOf.get(production.versionId) ?? null) : null,
    };
  });
}

export async function getRegisteredModelView(db: DbOrTx, name: string): Promise<TRegisteredModelView> {
  const [view] = await modelViews(db, { name });
  if (!view) throw new DomainError('NOT_FOUND', `Registered Model with name=${name} not found`);
  return view;
}

export async function listRegisteredModels(db: DbOrTx): Promise<TRegisteredModelView[]> {
  return modelViews(db, {});
}

export async function searchRegisteredModels(db: DbOrTx, input: { filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string }) {
  const clauses = parseRegistryFilter(input.filter);
  const all = (await modelViews(db, {})).filter((m) =>
    matchesRegistryFilter(clauses, { name: m.name, ...Object.fromEntries(m.tags.map((t) => [`tags.${t.key}`, t.value])) }),
  );
  const order = (input.orderBy ?? []).map((o) => /^(name|timestamp|last_updated_timestamp|creation_timestamp)(?:\s+(ASC|DESC))?$/i.exec(o.trim()));
  if (order.some((o) => !o)) throw new DomainError('BAD_REQUEST', 'invalid order_by: registered models sort by name or last_updated_timestamp [ASC|DESC]');
  for (const o of [...order].reverse()) {
    const desc = (o![2] ?? 'ASC').toUpperCase() === 'DESC';
    const key = o![1]!.toLowerCase();
    all.sort((a, b) => {
      const cmp = key === 'name' ? a.name.localeCompare(b.name) : key === 'creation_timestamp' ? a.createdAt.getTime() - b.createdAt.getTime() : a.updatedAt.getTime() - b.updatedAt.getTime();
      return desc ? -cmp : cmp;
    });
  }
  return page(all, input.maxResults ?? 100, input.pageToken);
}

function page<T>(items: T[], max: number, token?: string) {
  const offset = decodePageToken(token);
  const slice = items.slice(offset, offset + max);
  return { items: slice, nextPageToken: offset + max < items.length ? encodePageToken(offset + max) : undefined };
}

export async function searchModelVersions(db: DbOrTx, input: { filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string }) {
  const clauses = parseRegistryFilter(input.filter);
  const models = await db.registeredModel.findMany({ include: { aliases: true, versions: { include: { tags: true } } } });
  const views = models.flatMap((m) => m.versions.map((v) => toVersionView(m.name, v, m.aliases)));
  const matching = views.filter((v) =>
    matchesRegistryFilter(clauses, {
      name: v.modelName,
      run_id: v.runId ?? undefined,
      source: v.source,
      version_number: String(v.version),
      current_stage: v.mlflowStage,
      user_id: v.createdBy,
      ...Object.fromEntries(v.tags.map((t) => [`tags.${t.key}`, t.value])),
    }),
  );
  matching.sort((a, b) => a.modelName.localeCompare(b.modelName) || b.version - a.version);
  return page(matching, input.maxResults ?? 10_000, input.pageToken);
}

/** MLflow's get-latest-versions: the newest version per stage (restricted to `stages` when given). */
export async function getLatestVersions(db: DbOrTx, name: string, stages: readonly TModelStage[] = []): Promise<TModelVersionView[]> {
  const view = await getRegisteredModelView(db, name);
  return view.latestVersions.filter((v) => stages.length === 0 || stages.includes(v.stage));
}

// ---- the model page --------------------------------------------------------------------------

const NEXT_GATES: Partial<Record<TModelStage, { to: TModelStage; gates: TGateName[] }>> = {
  development: { to: 'staging', gates: ['complete', 'validation'] },
  staging: { to: 'production', gates: ['complete', 'validation', 'benchmark', 'approval'] },
};

/**
 * What the viewer may do on this model, for the UI to show or hide buttons (the services decide
 * again on every action): request needs model:write; owner actions need model:approve and
 * ownership (admins act on any model); approval is four-eyes, an admin override needs a reason.
 */
async function viewerRights(db: DbOrTx, modelId: string, viewer: TPrincipal | undefined) {
  if (!viewer) return { userId: null, isOwner: false, isAdmin: false, canRequest: false, canManage: false, adminReasonRequired: false };
  const owner = await isOwner(db, modelId, viewer);
  const admin = isAdmin(viewer);
  const administration = decideModelAdministration({ modelName: '', hasApproveScope: hasScope(viewer.scopes, 'model:approve'), isOwner: owner, isAdmin: admin }, 'administer the model');
  return {
    userId: principalUserId(viewer),
    isOwner: owner,
    isAdmin: admin,
    canRequest: hasScope(viewer.scopes, 'model:write'),
    canManage: hasScope(viewer.scopes, 'model:approve') && (owner || admin),
    /** Administration (rename, tags, webhooks) needs a written reason from this viewer: an admin who does not own the model. */
    adminReasonRequired: !administration.ok && administration.rule === 'ADMIN_REASON_REQUIRED',
  };
}

/**
 * Everything the model page shows: owners, aliases and their history, the versions timeline
 * with lineage (dataset versions -> run -> version), per version the gates checklist for its
 * next step with the evidence behind each gate, and the promotion requests - with what the
 * viewer (when given) may do on each.
 */
export async function getModelDetails(db: DbOrTx, name: string, viewer?: TPrincipal) {
  const model = await loadModel(db, name);
  const rights = await viewerRights(db, model.id, viewer);
  const summary = await getRegisteredModelView(db, name);
  const versions = await db.modelVersion.findMany({ where: { modelId: model.id }, include: { tags: true }, orderBy: { version: 'asc' } });
  const aliases = await db.modelAlias.findMany({ where: { modelId: model.id } });
  const runIds = versions.map((v) => v.runId).filter((id): id is string => id !== null);
  const runs = runIds.length ? await db.run.findMany({ where: { id: { in: runIds } }, select: { id: true, name: true, experimentId: true, gitCommit: true, configHash: true } }) : [];
  const requests = await db.promotionRequest.findMany({
    where: { modelId: model.id },
    include: { deployment: { select: { id: true, status: true } } },
    orderBy: { requestedAt: 'desc' },
  });
  // A running deployment carrying an approved request: its candidate holds that approval while the canary decides.
  const rollout = requests.find((r) => r.deployment && (r.deployment.status === 'running' || r.deployment.status === 'paused') && r.status === 'approved');
  const timeline = await Promise.all(
    versions.map(async (v) => {
      const evidence = await gateEvidence(db, model, v);
      const next = NEXT_GATES[v.stage];
      const run = runs.find((r) => r.id === v.runId);
      return {
        ...toVersionView(model.name, v, aliases),
        lineage: {
          datasets: v.datasetVersions,
          run: run ? { runId: uuidToRunId(run.id), name: run.name, experimentId: String(run.experimentId), gitCommit: run.gitCommit, configHash: run.configHash } : null,
        },
        evidence: { validations: evidence.validations, benchmark: evidence.benchmark, slaClass: model.slaClass },
        nextStage: next?.to ?? null,
        gates: next
          ? // Approval moves a version to production at once (or starts its canary), so an approval a
            // staging version got earlier (before a rollback or a replacement) is history: a new
            // request needs a new one - except the one its running canary carries.
            evaluateGates(next.gates, { ...evidence, approval: rollout?.versionId === v.id && rollout.decidedByLabel ? { approvedBy: rollout.decidedByLabel, override: rollout.overrideReason } : null })
          : [],
        openRequestId: requests.find((r) => r.versionId === v.id && r.status === 'requested')?.id ?? null,
      };
    }),
  );
  const history = await db.modelAliasHistory.findMany({ where: { modelId: model.id }, orderBy: { id: 'desc' }, take: 500 });
  return {
    ...summary,
    viewer: rights,
    versions: timeline,
    aliasHistory: history.map((h) => ({ alias: h.alias, fromVersion: h.fromVersion, toVersion: h.toVersion, at: h.at, actor: h.actorLabel, cause: h.cause })),
    promotions: requests.map((r) => ({
      id: r.id,
      version: versions.find((v) => v.id === r.versionId)?.version ?? null,
      status: r.status,
      requestedBy: r.requestedByLabel,
      requestedAt: r.requestedAt,
      comment: r.comment,
      decidedBy: r.decidedByLabel,
      decidedAt: r.decidedAt,
      decisionComment: r.decisionComment,
      overrideReason: r.overrideReason,
      staleReason: r.staleReason,
      canary: canaryOf(r.canary),
      deployment: r.deployment,
      ...decisionRights(rights, r.requestedById),
    })),
  };
}

/** The canary a request asked for (stored as validated JSON), or null for a direct promotion. */
function canaryOf(raw: unknown): TCanaryOptions | null {
  const parsed = raw ? ZCanaryOptions.safeParse(raw) : null;
  return parsed?.success ? parsed.data : null;
}

/** Four-eyes for the UI: an owner who did not request approves; an admin otherwise only with a written reason. */
function decisionRights(rights: Awaited<ReturnType<typeof viewerRights>>, requestedById: string | null) {
  const isRequester = rights.userId !== null && rights.userId === requestedById;
  const plainApprove = rights.canManage && rights.isOwner && !isRequester;
  return { isRequester, canApprove: plainApprove, canApproveWithOverride: rights.canManage && rights.isAdmin && !plainApprove, canReject: rights.canManage };
}

/** Which version `alias` (default production) pointed to at `at`: the last move at or before it. */
export async function aliasVersionAt(db: DbOrTx, input: { modelName: string; at: Date; alias?: string }) {
  const model = await loadModel(db, input.modelName);
  const move = await db.modelAliasHistory.findFirst({ where: { modelId: model.id, alias: input.alias ?? 'production', at: { lte: input.at } }, orderBy: [{ at: 'desc' }, { id: 'desc' }] });
  return { model: model.name, alias: input.alias ?? 'production', at: input.at, version: move?.toVersion ?? null, since: move?.at ?? null };
}

/** Open promotion requests on the models the caller owns, with the gates evidence and whether they may approve each (four-eyes). */
export async function promotionInbox(ctx: ServiceContext) {
  const userId = principalUserId(ctx.actor);
  if (!userId) return [];
  const requests = await ctx.db.promotionRequest.findMany({
    where: { status: 'requested', model: { owners: { some: { userId } } } },
    include: { model: true, version: true },
    orderBy: { requestedAt: 'asc' },
  });
  const replaced = await ctx.db.modelVersion.findMany({
    where: { id: { in: requests.map((r) => r.replacesVersionId).filter((id): id is string => id !== null) } },
    select: { id: true, version: true },
  });
  return Promise.all(
    requests.map(async (r) => {
      const evidence = await gateEvidence(ctx.db, r.model, r.version);
      return {
        id: r.id,
        model: r.model.name,
        slaClass: r.model.slaClass,
        version: r.version.version,
        stage: r.version.stage,
        runId: r.version.runId ? uuidToRunId(r.version.runId) : null,
        replacesVersion: replaced.find((v) => v.id === r.replacesVersionId)?.version ?? null,
        requestedBy: r.requestedByLabel,
        requestedAt: r.requestedAt,
        comment: r.comment,
        canary: canaryOf(r.canary),
        canApprove: r.requestedById !== userId,
        evidence: { validations: evidence.validations, benchmark: evidence.benchmark, slaClass: r.model.slaClass },
        // The evidence gates; approval is the one this inbox exists to give.
        gates: evaluateGates(['complete', 'validation', 'benchmark'], evidence),
      };
    }),
  );
}
