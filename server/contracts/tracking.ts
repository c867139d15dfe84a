import { z } from 'zod';
import { DATASET_NAME_RE, ZDatasetFingerprint, ZDatasetVersionRef } from './dataset-reference';
import { TEXT_LIMITS, zSafeText, ZSafeId } from './safe-text';
import type { TJsonValue } from './training-config';

/*
 * What the tracking services return (views) and what the tRPC routers accept. Times that MLflow
 * exchanges as epoch milliseconds stay numbers of milliseconds here too.
 */

export type TKeyValue = { key: string; value: string };
export type TMetricPointView = { key: string; value: number; timestamp: number; step: number };

export type TExperimentView = {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: 'active' | 'deleted';
  creationTime: number;
  lastUpdateTime: number;
  tags: TKeyValue[];
};

export type TRunInputView = {
  datasetName: string;
  version: string;
  kind: string;
  fingerprint: string | null;
  source: TJsonValue | null;
  schema: TJsonValue | null;
  tags: TKeyValue[];
};

export type TRunView = {
  runId: string;
  experimentId: string;
  runName: string;
  status: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
  startTime: number;
  endTime: number | null;
  lifecycleStage: 'active' | 'deleted';
  userId: string;
  artifactUri: string;
  params: TKeyValue[];
  tags: TKeyValue[];
  metrics: TMetricPointView[];
  inputs: TRunInputView[];
};

/** The reproducibility record the run page and the Reproduce panel show. */
export type TRunRecordView = {
  config: TJsonValue | null;
  configYaml: string | null;
  configHash: string | null;
  effectiveBatchSize: number | null;
  seed: number | null;
  codeVersion: { gitCommit: string | null; gitDirty: boolean | null; gitRepo: string | null };
  environment: { runtime: string | null; libraries: TJsonValue | null; requirementsTxt: string | null };
  hardware: TJsonValue | null;
  missingRequiredTags: string[];
};

const ZStringOp = z.enum(['=', '!=', 'LIKE', 'ILIKE']);
const ZNumberOp = z.enum(['=', '!=', '>', '>=', '<', '<=']);

/** The runs table's server-side filters, sort and paging. */
const ZKey = zSafeText({ min: 1, max: TEXT_LIMITS.key });
const ZFilterValue = zSafeText({ max: 5000, kind: 'text' });

export const ZRunListInput = z.object({
  experimentId: ZSafeId,
  status: z.array(z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'])).max(5).optional(),
  tags: z.array(z.object({ key: ZKey, op: ZStringOp.default('='), value: ZFilterValue })).max(50).default([]),
  params: z.array(z.object({ key: ZKey, op: ZStringOp.default('='), value: ZFilterValue })).max(50).default([]),
  metrics: z.array(z.object({ key: ZKey, op: ZNumberOp, value: z.number() })).max(50).default([]),
  /** An MLflow filter string, ANDed with the structured filters. */
  filter: zSafeText({ max: TEXT_LIMITS.text, kind: 'text' }).optional(),
  sort: z
    .object({ by: z.enum(['metric', 'param', 'tag', 'attribute']), key: ZKey, direction: z.enum(['asc', 'desc']).default('desc') })
    .optional(),
  includeDeleted: z.boolean().default(false),
  // Bounded so page * pageSize stays a safe OFFSET.
  page: z.number().int().min(0).max(1_000_000).default(0),
  pageSize: z.number().int().min(1).max(500).default(50),
});
export type TRunListInput = z.input<typeof ZRunListInput>;

export const ZRunCompareInput = z.object({ runIds: z.array(ZSafeId).min(2, 'compare at least 2 runs').max(10, 'compare at most 10 runs') });
export const ZMetricSeriesInput = z.object({ runId: ZSafeId, key: ZKey, maxPoints: z.number().int().min(2).max(10_000).default(2000) });

export const ZRegisterDatasetVersionInput = z.object({
  name: z.string().regex(DATASET_NAME_RE, 'must be a lowercase slug: letters, digits, ".", "_" or "-", at most 128 characters'),
  version: ZDatasetVersionRef,
  fingerprint: ZDatasetFingerprint,
  description: z.string().max(2000).optional(),
  schema: z.record(z.string(), z.unknown()).optional(),
  rowCount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  columnStats: z.record(z.string(), z.unknown()).optional(),
});
export type TRegisterDatasetVersionInput = z.input<typeof ZRegisterDatasetVersionInput>;
