import { createHash } from 'node:crypto';
import { ZGoldenExamples, ZModelSignature } from '../contracts/model-registry';
import { ZBenchmarkRequest, type TBenchmarkRequest } from '../contracts/worker-benchmark';
import { SPLIT_BUCKETS, type TDesiredModel, type TDesiredState, type TDesiredVersion, type TTrafficVariant } from '../contracts/worker-desired-state';
import { MODEL_REF_RE, type TGoldenExample } from '../contracts/worker-model';
import type { DbOrTx } from '../db/client';
import type { Deployment, ModelVersion, RegisteredModel } from '../db/generated/client';
import { DomainError } from '../domain/errors';
import { aliasTarget } from './registry/model-lookup';

/*
 * What workers should serve, derived on every poll from the registry (the production and
 * previous aliases) and the model's active deployment; nothing is cached, so any replica answers
 * the same. Archived versions never appear (archival keeps them for audit only).
 */

/** The tag on a model version holding an owner's pending benchmark request (JSON). */
export const BENCHMARK_REQUEST_TAG = 'ballast.benchmark_request';
/** A rolled-back candidate stays loaded at weight 0 this long, so a mistaken rollback is undone instantly. */
export const ROLLED_BACK_GRACE_MS = 3_600_000;

type TSlot = { version: ModelVersion; weight: number; variant: TTrafficVariant };

export async function resolveDesiredState(db: DbOrTx, refs: readonly string[], now: Date = new Date()): Promise<TDesiredState> {
  const models: TDesiredModel[] = [];
  const unresolved: { ref: string; reason: string }[] = [];
  const benchmarks: TBenchmarkRequest[] = [];
  const seenModels = new Set<string>();
  for (const ref of refs) {
    const m = MODEL_REF_RE.exec(ref);
    if (!m) throw new DomainError('BAD_REQUEST', `models: '${ref}' must look like name@stage or name@version (churn@production, churn@3)`);
    const [name, selector] = [m[1]!, m[2]!];
    const model = await db.registeredModel.findUnique({ where: { name } });
    if (!model) {
      unresolved.push({ ref, reason: `no registered model named ${name}` });
      continue;
    }
    const slots = await slotsFor(db, model, selector, now);
    const versions = finalizeSlots(slots);
    if (!versions.length) {
      unresolved.push({ ref, reason: /^\d+$/.test(selector) ? `version ${selector} of ${name} does not exist, is archived or has no ONNX file` : `nothing of ${name} is ${selector}` });
    } else {
      models.push({ name, ref, versions });
    }
    if (!seenModels.has(model.id)) {
      seenModels.add(model.id);
      benchmarks.push(...(await pendingBenchmarks(db, model)));
    }
  }
  const body = { models, unresolved, benchmarks };
  const revision = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 20);
  return { revision, generated_at: now.toISOString(), ...body };
}

async function slotsFor(db: DbOrTx, model: RegisteredModel, selector: string, now: Date): Promise<TSlot[]> {
  if (/^\d+$/.test(selector)) {
    const version = await db.modelVersion.findUnique({ where: { modelId_version: { modelId: model.id, version: Number(selector) } } });
    return version ? [{ version, weight: SPLIT_BUCKETS, variant: 'stable' }] : [];
  }
  if (selector === 'production') return productionSlots(db, model, now);
  const aliased = await aliasTarget(db, model.id, selector);
  if (aliased) return [{ version: aliased, weight: SPLIT_BUCKETS, variant: selector === 'canary' ? 'canary' : 'stable' }];
  if (selector === 'staging' || selector === 'development') {
    const newest = await db.modelVersion.findFirst({ where: { modelId: model.id, stage: selector }, orderBy: { version: 'desc' } });
    return newest ? [{ version: newest, weight: SPLIT_BUCKETS, variant: 'stable' }] : [];
  }
  return [];
}

/** The split a deployment asks for, in bucket order (stable first, so growing a canary only moves keys to it). */
export function deploymentSlots(d: Pick<Deployment, 'strategy' | 'candidateWeight'>, stable: ModelVersion | null, candidate: ModelVersion): TSlot[] {
  if (!stable || stable.id === candidate.id) return [{ version: candidate, weight: SPLIT_BUCKETS, variant: 'canary' }];
  const w = Math.min(Math.max(d.candidateWeight, 0), SPLIT_BUCKETS);
  switch (d.strategy) {
    case 'ab_test':
      return [
        { version: stable, weight: SPLIT_BUCKETS - w, variant: 'a' },
        { version: candidate, weight: w, variant: 'b' },
      ];
    case 'blue_green':
      // Loaded and health-checked beside the serving version; traffic moves only at promotion.
      return [
        { version: stable, weight: SPLIT_BUCKETS, variant: 'stable' },
        { version: candidate, weight: 0, variant: 'canary' },
      ];
    case 'canary':
      return [
        { version: stable, weight: SPLIT_BUCKETS - w, variant: 'stable' },
        { version: candidate, weight: w, variant: 'canary' },
      ];
  }
}

async function productionSlots(db: DbOrTx, model: RegisteredModel, now: Date): Promise<TSlot[]> {
  const [production, previous, active] = await Promise.all([
    aliasTarget(db, model.id, 'production'),
    aliasTarget(db, model.id, 'previous'),
    db.deployment.findUnique({ where: { activeModelId: model.id } }),
  ]);
  let slots: TSlot[] = [];
  if (active) {
    const [stable, candidate] = await Promise.all([
      active.stableVersionId ? db.modelVersion.findUnique({ where: { id: active.stableVersionId } }) : null,
      db.modelVersion.findUniqueOrThrow({ where: { id: active.candidateVersionId } }),
    ]);
    slots = deploymentSlots(active, stable, candidate);
  } else if (production) {
    slots = [{ version: production, weight: SPLIT_BUCKETS, variant: 'stable' }];
    const last = await db.deployment.findFirst({ where: { modelId: model.id }, orderBy: { createdAt: 'desc' } });
    if (last?.status === 'rolled_back' && last.endedAt && now.getTime() - last.endedAt.getTime() < ROLLED_BACK_GRACE_MS) {
      const candidate = await db.modelVersion.findUnique({ where: { id: last.candidateVersionId } });
      if (candidate) slots.push({ version: candidate, weight: 0, variant: 'canary' });
    }
  }
  // The previous production version stays loaded without traffic: rollback is a pointer switch.
  if (previous && slots.length) slots.push({ version: previous, weight: 0, variant: 'stable' });
  return slots;
}

/** Drops archived, file-less and repeated versions; weight a dropped version had goes to the first kept one. */
function finalizeSlots(slots: TSlot[]): TDesiredVersion[] {
  const kept: TSlot[] = [];
  for (const s of slots) {
    if (s.version.stage === 'archived' || !s.version.onnxSha256) continue;
    if (kept.some((k) => k.version.id === s.version.id)) continue;
    kept.push({ ...s });
  }
  if (!kept.length) return [];
  const deficit = SPLIT_BUCKETS - kept.reduce((sum, s) => sum + s.weight, 0);
  if (deficit !== 0) kept[0]!.weight += deficit;
  return kept.map((s) => ({
    version: s.version.version,
    sha256: s.version.onnxSha256!,
    ...(s.version.onnxSize ? { size_bytes: Number(s.version.onnxSize) } : {}),
    weight: s.weight,
    variant: s.variant,
    ...workerSignature(s.version.signature),
    golden: workerGolden(s.version.goldenExamples),
  }));
}

/** The feature names a registration gave the version, for the worker (named rows); tensors it reads from the file. */
function workerSignature(raw: unknown): Pick<TDesiredVersion, 'signature'> {
  const parsed = ZModelSignature.safeParse(raw);
  if (!parsed.success || !parsed.data.features) return {};
  return { signature: { features: parsed.data.features, allow_non_finite: false } };
}

/**
 * The registry keeps golden examples as named tensors; the worker checks single rows of its one
 * 2-D input against its one output. Rows are split out of each example; anything else is skipped.
 */
export function workerGolden(raw: unknown): TGoldenExample[] {
  const parsed = ZGoldenExamples.safeParse(raw);
  if (!parsed.success) return [];
  const { absolute, relative } = parsed.data.tolerance;
  const out: TGoldenExample[] = [];
  for (const ex of parsed.data.examples) {
    const input = Object.values(ex.inputs)[0];
    const expected = Object.values(ex.expected)[0];
    if (!input || !expected || Object.keys(ex.inputs).length !== 1) continue;
    if (!input.data.every((x) => typeof x === 'number') || !expected.data.every((x) => typeof x === 'number')) continue;
    const rows = input.shape.length === 2 ? input.shape[0]! : 1;
    if (rows < 1 || expected.data.length % rows !== 0) continue;
    const inWidth = input.data.length / rows;
    const outWidth = expected.data.length / rows;
    for (let r = 0; r < rows; r++) {
      const want = (expected.data as number[]).slice(r * outWidth, (r + 1) * outWidth);
      const tolerance = Math.max(absolute + relative * Math.max(...want.map(Math.abs)), 1e-6);
      out.push({ input: (input.data as number[]).slice(r * inWidth, (r + 1) * inWidth), expected: want, tolerance });
    }
  }
  return out;
}

async function pendingBenchmarks(db: DbOrTx, model: RegisteredModel): Promise<TBenchmarkRequest[]> {
  const tags = await db.modelVersionTag.findMany({ where: { key: BENCHMARK_REQUEST_TAG, version: { modelId: model.id, stage: { not: 'archived' } } }, include: { version: true } });
  const out: TBenchmarkRequest[] = [];
  for (const tag of tags) {
    let request: { id?: string; at?: string; batchSize?: number; iterations?: number };
    try {
      request = JSON.parse(tag.value) as typeof request;
    } catch {
      continue;
    }
    if (!tag.version.onnxSha256 || !request.at) continue;
    const latest = await db.latencyBenchmark.findFirst({ where: { versionId: tag.versionId }, orderBy: { id: 'desc' }, select: { measuredAt: true } });
    if (latest && latest.measuredAt >= new Date(request.at)) continue;
    const parsed = ZBenchmarkRequest.safeParse({ id: request.id, model: model.name, version: tag.version.version, sha256: tag.version.onnxSha256, batch_size: request.batchSize, iterations: request.iterations });
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}
