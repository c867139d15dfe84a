import { z } from 'zod';
import { zInt4 } from './column-limits';
import { MLFLOW_KEY_MAX, ZInt64, ZMlflowEntityTag, ZMlflowKey, ZQueryText, ZStringList, zMlflowName, zMlflowText } from './mlflow';
import { ZSafeName } from './safe-text';

/*
 * Request bodies (and GET query strings) of MLflow's model registry REST API, as
 * mlflow/protos/model_registry.proto defines them. Versions travel as strings ("3").
 * Caps follow MLflow's (tag values 5,000, aliases 255, descriptions, sources and run links the
 * sizes of its SQL store's columns); a version must fit the int4 column it is looked up in.
 */

const ZName = ZSafeName;
const ZVersion = z
  .union([z.string().regex(/^\d{1,12}$/, 'must be a version number').transform(Number), z.number('must be a version number')])
  .pipe(zInt4({ min: 1 }));
const ZDescription = zMlflowText(5000);
const ZAlias = zMlflowName(255);
const ZTagKey = ZMlflowKey;
const ZMaxResults = ZInt64.pipe(z.number().int().min(1, 'must be at least 1').max(200_000, 'must be at most 200000'));

export const ZMlflowCreateModel = z.object({ name: ZName, tags: z.array(ZMlflowEntityTag).max(100, 'must have at most 100 items').default([]), description: ZDescription.default('') });
export const ZMlflowModelRef = z.object({ name: ZName });
export const ZMlflowRenameModel = z.object({ name: ZName, new_name: ZName });
export const ZMlflowUpdateModel = z.object({ name: ZName, description: ZDescription.optional() });
export const ZMlflowSearch = z.object({
  filter: ZQueryText.optional(),
  max_results: ZMaxResults.optional(),
  order_by: ZStringList.optional(),
  page_token: ZQueryText.optional(),
});
export const ZMlflowLatestVersions = z.object({ name: ZName, stages: ZStringList.default([]) });
// set-tag validates like log-batch tags: MLflow's key rule (characters, 250, no escaping path).
export const ZMlflowModelTag = z.object({ name: ZName, key: ZTagKey, value: ZMlflowEntityTag.shape.value });
export const ZMlflowModelTagKey = z.object({ name: ZName, key: zMlflowName(MLFLOW_KEY_MAX) });
export const ZMlflowSetAlias = z.object({ name: ZName, alias: ZAlias, version: ZVersion });
export const ZMlflowAliasRef = z.object({ name: ZName, alias: ZAlias });

export const ZMlflowCreateVersion = z.object({
  name: ZName,
  source: zMlflowText(500).default(''),
  run_id: zMlflowText(256).optional(),
  tags: z.array(ZMlflowEntityTag).max(100, 'must have at most 100 items').default([]),
  run_link: zMlflowText(500).optional(),
  description: ZDescription.default(''),
});
export const ZMlflowVersionRef = z.object({ name: ZName, version: ZVersion });
export const ZMlflowUpdateVersion = z.object({ name: ZName, version: ZVersion, description: ZDescription.optional() });
export const ZMlflowVersionTag = z.object({ name: ZName, version: ZVersion, key: ZTagKey, value: ZMlflowEntityTag.shape.value });
export const ZMlflowVersionTagKey = z.object({ name: ZName, version: ZVersion, key: zMlflowName(MLFLOW_KEY_MAX) });
export const ZMlflowTransitionStage = z.object({
  name: ZName,
  version: ZVersion,
  stage: zMlflowName(64),
  archive_existing_versions: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false),
});
