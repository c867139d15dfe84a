import { z } from 'zod';
import { ZInt64, ZMlflowTag } from './mlflow';

/*
 * Request bodies (and GET query strings) of MLflow's model registry REST API, as
 * mlflow/protos/model_registry.proto defines them. Versions travel as strings ("3").
 */

const ZName = z.string().min(1, 'must not be empty');
const ZVersion = z.union([z.string().regex(/^\d+$/, 'must be a version number').transform(Number), z.number().int().min(1)]);
const ZStringList = z.union([z.array(z.string()), z.string().transform((s) => [s])]);
const ZMaxResults = ZInt64.pipe(z.number().int().min(1, 'must be at least 1').max(200_000, 'must be at most 200000'));

export const ZMlflowCreateModel = z.object({ name: ZName, tags: z.array(ZMlflowTag).default([]), description: z.string().default('') });
export const ZMlflowModelRef = z.object({ name: ZName });
export const ZMlflowRenameModel = z.object({ name: ZName, new_name: ZName });
export const ZMlflowUpdateModel = z.object({ name: ZName, description: z.string().optional() });
export const ZMlflowSearch = z.object({
  filter: z.string().optional(),
  max_results: ZMaxResults.optional(),
  order_by: ZStringList.optional(),
  page_token: z.string().optional(),
});
export const ZMlflowLatestVersions = z.object({ name: ZName, stages: ZStringList.default([]) });
export const ZMlflowModelTag = z.object({ name: ZName, key: z.string().min(1), value: z.string().default('') });
export const ZMlflowModelTagKey = z.object({ name: ZName, key: z.string().min(1) });
export const ZMlflowSetAlias = z.object({ name: ZName, alias: z.string().min(1), version: ZVersion });
export const ZMlflowAliasRef = z.object({ name: ZName, alias: z.string().min(1) });

export const ZMlflowCreateVersion = z.object({
  name: ZName,
  source: z.string().default(''),
  run_id: z.string().optional(),
  tags: z.array(ZMlflowTag).default([]),
  run_link: z.string().optional(),
  description: z.string().default(''),
});
export const ZMlflowVersionRef = z.object({ name: ZName, version: ZVersion });
export const ZMlflowUpdateVersion = z.object({ name: ZName, version: ZVersion, description: z.string().optional() });
export const ZMlflowVersionTag = z.object({ name: ZName, version: ZVersion, key: z.string().min(1), value: z.string().default('') });
export const ZMlflowVersionTagKey = z.object({ name: ZName, version: ZVersion, key: z.string().min(1) });
export const ZMlflowTransitionStage = z.object({
  name: ZName,
  version: ZVersion,
  stage: z.string().min(1),
  archive_existing_versions: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false),
});
