/*
 * How MLflow-shaped input (tags, params, artifacts) fills the run's reproducibility record. MLflow
 * clients do not know Ballast's columns, so well-known keys carry them: the Python client and the
 * MLflow client set these tags and params, and the run page reads the columns.
 */
import { effectiveBatchSize, type TJsonValue, type TTrainingConfig } from '../contracts/training-config';
import { canonicalJson, canonicalYaml, configHash, parseConfigYaml } from './canonical-config';
import { DomainError } from './errors';

export const CONFIG_PARAM_KEY = 'ballast.config';
export const CONFIG_ARTIFACT_PATH = 'config.yaml';
export const REQUIREMENTS_ARTIFACT_PATH = 'requirements.txt';
/** Tags the run page asks for; MLflow clients may omit them, so they are reported, not enforced. */
export const REQUIRED_RUN_TAGS = ['model', 'dataset', 'engineer'] as const;

export type TRunRecordPatch = {
  engineer?: string;
  gitCommit?: string;
  gitRepo?: string;
  gitDirty?: boolean;
  runtime?: string;
  libraries?: TJsonValue;
  hardware?: TJsonValue;
};

type TTagRule = (value: string, key: string) => TRunRecordPatch;

function jsonTag(field: 'libraries' | 'hardware'): TTagRule {
  return (value, key) => {
    try {
      return { [field]: JSON.parse(value) as TJsonValue };
    } catch {
      throw new DomainError('BAD_REQUEST', `tag ${key} must hold JSON (e.g. {"device_type":"gpu","device_count":8})`);
    }
  };
}

function booleanTag(value: string, key: string): TRunRecordPatch {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return { gitDirty: true };
  if (v === 'false' || v === '0') return { gitDirty: false };
  throw new DomainError('BAD_REQUEST', `tag ${key} must be true or false`);
}

const TAG_RULES: Record<string, TTagRule> = {
  'mlflow.user': (value) => ({ engineer: value }),
  engineer: (value) => ({ engineer: value }),
  'mlflow.source.git.commit': (value) => ({ gitCommit: value }),
  'mlflow.source.git.repoURL': (value) => ({ gitRepo: value }),
  'ballast.git.dirty': booleanTag,
  'ballast.runtime': (value) => ({ runtime: value }),
  'ballast.libraries': jsonTag('libraries'),
  'ballast.hardware': jsonTag('hardware'),
};

/** The record columns that a set of tags fills (later tags win). A malformed JSON tag is a 400. */
export function runPatchFromTags(tags: readonly { key: string; value: string }[]): TRunRecordPatch {
  let patch: TRunRecordPatch = {};
  for (const tag of tags) {
    const rule = TAG_RULES[tag.key];
    if (rule) patch = { ...patch, ...rule(tag.value, tag.key) };
  }
  return patch;
}

export type TRunConfigRecord = {
  config: TTrainingConfig;
  configJson: string;
  configYaml: string;
  configHash: string;
  effectiveBatchSize: number;
  seed: number;
};

/** Parses and validates a TrainingConfig (YAML or JSON); a bad one is a 400 naming the field and rule. */
export function runConfigRecord(text: string, source: string): TRunConfigRecord {
  const parsed = parseConfigYaml(text);
  if (!parsed.ok) {
    throw new DomainError('BAD_REQUEST', `${source}: ${parsed.message}`, { issues: parsed.issues });
  }
  const config = parsed.config;
  return {
    config,
    configJson: canonicalJson(config),
    configYaml: canonicalYaml(config),
    configHash: configHash(config),
    effectiveBatchSize: effectiveBatchSize(config),
    seed: config.seed,
  };
}
