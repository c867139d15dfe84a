import type { z, ZodType } from 'zod';
import type { TScope } from '../auth/permissions';
import type { TModelStage } from '../contracts/model-registry';
import * as C from '../contracts/registry-mlflow';
import { DomainError } from '../domain/errors';
import { stageFromMlflow } from '../domain/model-lifecycle';
import { archiveVersion, demoteVersion, promoteToStaging } from '../services/rollout/version-commands';
import { createModelVersion } from '../services/create-model-version';
import { createRegisteredModel } from '../services/create-registered-model';
import { loadModel, loadVersion } from '../services/registry/model-lookup';
import {
  getLatestVersions,
  getModelVersionView,
  getRegisteredModelView,
  getVersionByAlias,
  searchModelVersions,
  searchRegisteredModels,
  type TModelVersionView,
  type TRegisteredModelView,
} from '../services/read-model-registry';
import { requestPromotion } from '../services/rollout/promotion-commands';
import type { ServiceContext } from '../services/service-context';
import { deleteModelAlias, setModelAlias } from '../services/rollout/version-commands';
import { deleteModelVersion, deleteModelVersionTag, setModelVersionTag, updateModelVersionDescription } from '../services/update-model-version';
import { deleteRegisteredModel, deleteRegisteredModelTag, renameRegisteredModel, setRegisteredModelTag, updateRegisteredModel } from '../services/update-registered-model';
import type { TMlflowEndpoint } from './mlflow-endpoints';

/*
 * MLflow's model registry API over Ballast's registry. Stages map None/Staging/Production/
 * Archived <-> development/staging/production/archived; transition-stage obeys the lifecycle
 * gates (refused as INVALID_STATE listing the unmet gates) and, to Production, opens a
 * promotion request for the owners instead of promoting.
 */

const READ = 'model:read' as const;
const WRITE = 'model:write' as const;

function endpoint<S extends ZodType>(methods: TMlflowEndpoint['methods'], scope: TScope, schema: S, handle: (input: z.output<S>, ctx: ServiceContext) => Promise<unknown>): TMlflowEndpoint {
  return { methods, scope, schema, handle: handle as TMlflowEndpoint['handle'] };
}

export const modelVersionJson = (v: TModelVersionView) => ({
  name: v.modelName,
  version: String(v.version),
  creation_timestamp: v.createdAt.getTime(),
  last_updated_timestamp: v.updatedAt.getTime(),
  user_id: v.createdBy,
  current_stage: v.mlflowStage,
  description: v.description,
  source: v.source,
  ...(v.runId ? { run_id: v.runId } : {}),
  status: 'READY',
  tags: v.tags,
  aliases: v.aliases,
});

export const registeredModelJson = (m: TRegisteredModelView) => ({
  name: m.name,
  creation_timestamp: m.createdAt.getTime(),
  last_updated_timestamp: m.updatedAt.getTime(),
  description: m.description,
  latest_versions: m.latestVersions.map(modelVersionJson),
  tags: m.tags,
  aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
});

const modelOut = async (ctx: ServiceContext, name: string) => ({ registered_model: registeredModelJson(await getRegisteredModelView(ctx.db, name)) });
const versionOut = async (ctx: ServiceContext, name: string, version: number) => ({ model_version: modelVersionJson(await getModelVersionView(ctx.db, name, version)) });

function stageOf(text: string): TModelStage {
  const stage = stageFromMlflow(text);
  if (!stage) throw new DomainError('BAD_REQUEST', `Invalid Model Version stage: ${text}. Value must be one of None, Staging, Production, Archived.`);
  return stage;
}

export const MLFLOW_REGISTRY_ENDPOINTS: Record<string, TMlflowEndpoint> = {
  'registered-models/create': endpoint(['POST'], WRITE, C.ZMlflowCreateModel, async (input, ctx) => {
    await createRegisteredModel(ctx, { name: input.name, description: input.description, tags: input.tags });
    return modelOut(ctx, input.name);
  }),
  'registered-models/get': endpoint(['GET'], READ, C.ZMlflowModelRef, (input, ctx) => modelOut(ctx, input.name)),
  'registered-models/search': endpoint(['GET', 'POST'], READ, C.ZMlflowSearch, async (input, ctx) => {
    const result = await searchRegisteredModels(ctx.db, { filter: input.filter, maxResults: input.max_results, orderBy: input.order_by, pageToken: input.page_token });
    return { registered_models: result.items.map(registeredModelJson), ...(result.nextPageToken ? { next_page_token: result.nextPageToken } : {}) };
  }),
  'registered-models/update': endpoint(['PATCH', 'POST'], WRITE, C.ZMlflowUpdateModel, async (input, ctx) => {
    await updateRegisteredModel(ctx, { name: input.name, description: input.description });
    return modelOut(ctx, input.name);
  }),
  'registered-models/rename': endpoint(['POST'], WRITE, C.ZMlflowRenameModel, async (input, ctx) => {
    await renameRegisteredModel(ctx, { name: input.name, newName: input.new_name });
    return modelOut(ctx, input.new_name);
  }),
  'registered-models/delete': endpoint(['DELETE'], WRITE, C.ZMlflowModelRef, async (input, ctx) => {
    await deleteRegisteredModel(ctx, input.name);
    return {};
  }),
  'registered-models/set-tag': endpoint(['POST'], WRITE, C.ZMlflowModelTag, async (input, ctx) => {
    await setRegisteredModelTag(ctx, input);
    return {};
  }),
  'registered-models/delete-tag': endpoint(['DELETE'], WRITE, C.ZMlflowModelTagKey, async (input, ctx) => {
    await deleteRegisteredModelTag(ctx, input);
    return {};
  }),
  'registered-models/get-latest-versions': endpoint(['POST', 'GET'], READ, C.ZMlflowLatestVersions, async (input, ctx) => ({
    model_versions: (await getLatestVersions(ctx.db, input.name, input.stages.map(stageOf))).map(modelVersionJson),
  })),
  'POST registered-models/alias': endpoint(['POST'], WRITE, C.ZMlflowSetAlias, async (input, ctx) => {
    await setModelAlias(ctx, { modelName: input.name, alias: input.alias, version: input.version });
    return {};
  }),
  'DELETE registered-models/alias': endpoint(['DELETE'], WRITE, C.ZMlflowAliasRef, async (input, ctx) => {
    await deleteModelAlias(ctx, { modelName: input.name, alias: input.alias });
    return {};
  }),
  'GET registered-models/alias': endpoint(['GET'], READ, C.ZMlflowAliasRef, async (input, ctx) => ({ model_version: modelVersionJson(await getVersionByAlias(ctx.db, input.name, input.alias)) })),

  'model-versions/create': endpoint(['POST'], WRITE, C.ZMlflowCreateVersion, async (input, ctx) => {
    const created = await createModelVersion(ctx, {
      modelName: input.name,
      runId: input.run_id || undefined,
      source: input.source,
      description: input.description,
      tags: input.tags,
    });
    return versionOut(ctx, input.name, created.version);
  }),
  'model-versions/get': endpoint(['GET'], READ, C.ZMlflowVersionRef, (input, ctx) => versionOut(ctx, input.name, input.version)),
  'model-versions/update': endpoint(['PATCH', 'POST'], WRITE, C.ZMlflowUpdateVersion, async (input, ctx) => {
    if (input.description !== undefined) await updateModelVersionDescription(ctx, { modelName: input.name, version: input.version, description: input.description });
    return versionOut(ctx, input.name, input.version);
  }),
  'model-versions/delete': endpoint(['DELETE'], WRITE, C.ZMlflowVersionRef, async (input, ctx) => {
    await deleteModelVersion(ctx, { modelName: input.name, version: input.version });
    return {};
  }),
  'model-versions/search': endpoint(['GET', 'POST'], READ, C.ZMlflowSearch, async (input, ctx) => {
    const result = await searchModelVersions(ctx.db, { filter: input.filter, maxResults: input.max_results, orderBy: input.order_by, pageToken: input.page_token });
    return { model_versions: result.items.map(modelVersionJson), ...(result.nextPageToken ? { next_page_token: result.nextPageToken } : {}) };
  }),
  'model-versions/get-download-uri': endpoint(['GET'], READ, C.ZMlflowVersionRef, async (input, ctx) => {
    const model = await loadModel(ctx.db, input.name);
    const version = await loadVersion(ctx.db, model, input.version);
    const run = version.runId ? await ctx.db.run.findUnique({ where: { id: version.runId }, select: { artifactUri: true } }) : null;
    const dir = version.onnxPath?.includes('/') ? version.onnxPath.slice(0, version.onnxPath.lastIndexOf('/')) : '';
    return { artifact_uri: run ? (dir ? `${run.artifactUri}/${dir}` : run.artifactUri) : version.source };
  }),
  'model-versions/set-tag': endpoint(['POST'], WRITE, C.ZMlflowVersionTag, async (input, ctx) => {
    await setModelVersionTag(ctx, { modelName: input.name, version: input.version, key: input.key, value: input.value });
    return {};
  }),
  'model-versions/delete-tag': endpoint(['DELETE'], WRITE, C.ZMlflowVersionTagKey, async (input, ctx) => {
    await deleteModelVersionTag(ctx, { modelName: input.name, version: input.version, key: input.key });
    return {};
  }),
  'model-versions/transition-stage': endpoint(['POST'], WRITE, C.ZMlflowTransitionStage, async (input, ctx) => {
    const ref = { modelName: input.name, version: input.version };
    const target = stageOf(input.stage);
    const current = await getModelVersionView(ctx.db, input.name, input.version);
    if (current.stage === target) return { model_version: modelVersionJson(current) };
    switch (target) {
      case 'staging':
        await promoteToStaging(ctx, ref);
        break;
      case 'development':
        await demoteVersion(ctx, ref);
        break;
      case 'archived':
        await archiveVersion(ctx, ref);
        break;
      case 'production': {
        // Approval by an owner is a gate no API call bypasses: this opens the request.
        const request = await requestPromotion(ctx, { ...ref, comment: 'requested through the MLflow API (transition-stage)' });
        return { ...(await versionOut(ctx, input.name, input.version)), promotion_request: { id: request.id, status: request.status } };
      }
    }
    return versionOut(ctx, input.name, input.version);
  }),
};
