import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { ZodType } from 'zod';
import { principalLabel, principalUserId } from '../auth/principal';
import {
  GOLDEN_EXAMPLES_ARTIFACT,
  REFERENCE_STATS_ARTIFACT,
  ZCreateModelVersionInput,
  ZGoldenExamples,
  ZReferenceStats,
  type TCreateModelVersionInput,
  type TModelSignature,
  type TVersionPiece,
} from '../contracts/model-registry';
import { formatZodIssues } from '../contracts/zod-issues';
import type { Artifact, Prisma } from '../db/generated/client';
import { DomainError, parseInput } from '../domain/errors';
import { readOnnxModel, type TOnnxModelInfo } from '../domain/onnx-model';
import { uuidToRunId } from '../domain/run-id';
import { featureNamesProblem } from '../domain/signature-names';
import { blobPath, writeBlob } from './artifact-blob-store';
import { loadRun } from './load-tracking-entity';
import { enqueueWebhookEvent } from '../records/enqueue-webhook-event';
import { loadModel, lockModel } from './registry/model-lookup';
import { nowOf } from './service-context';
import { dedupeTags } from './create-registered-model';
import { recordAuditEvent } from '../records/record-audit-event';
import type { ServiceContext } from './service-context';

const JSON_PIECE_LIMIT = 16 << 20;
const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

/** Reads a blob whole and checks it still hashes to its address. */
async function readVerifiedBlob(sha256: string): Promise<Buffer> {
  const bytes = await readFile(blobPath(sha256));
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) throw new Error(`artifact blob ${sha256} is corrupt (content hashes to ${actual})`);
  return bytes;
}

/**
 * Stores an uploaded ONNX file in the content-addressed artifact store and reads its signature.
 * A declared sha256 that does not match the bytes, or bytes that are not an ONNX model, are 400s.
 */
export async function uploadModelFile(
  _ctx: ServiceContext,
  input: { body: ReadableStream<Uint8Array> | null; declaredSize?: number; expectedSha256?: string },
): Promise<{ sha256: string; size: number; signature: TModelSignature; irVersion: number; opsets: TOnnxModelInfo['opsets'] }> {
  if (input.expectedSha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(input.expectedSha256)) {
    throw new DomainError('BAD_REQUEST', 'the declared sha256 must be 64 hex digits');
  }
  const blob = await writeBlob(input.body, { declaredSize: input.declaredSize, expectedSha256: input.expectedSha256 });
  const info = readOnnxModel(await readVerifiedBlob(blob.sha256));
  return { ...blob, signature: info.signature, irVersion: info.irVersion, opsets: info.opsets };
}

function parsePiece<T>(schema: ZodType<T>, text: string, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DomainError('BAD_REQUEST', `${what} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DomainError('BAD_REQUEST', `${what} is invalid: ${formatZodIssues(parsed.error).join('; ')}`);
  return parsed.data;
}

/** The artifact under the source's folder named `file`, else anywhere in the run. */
function findArtifact(artifacts: readonly Artifact[], dir: string, match: (path: string) => boolean): Artifact | undefined {
  const inDir = dir ? artifacts.filter((a) => a.path === dir || a.path.startsWith(`${dir}/`)) : artifacts;
  return inDir.find((a) => match(a.path)) ?? artifacts.find((a) => match(a.path));
}

const SOURCE_RE = /^runs:\/([0-9a-fA-F-]{32,36})(?:\/(.*))?$/;

/**
 * Registers a new version of a model from a training run: lineage (run, config, dataset
 * versions) and the artifact set. Pieces come from the input or from the run's artifacts and
 * record; whatever is missing is listed and the version is marked incomplete (it cannot leave
 * development). The ONNX file must decode; its signature is read from the file itself.
 */
export async function createModelVersion(ctx: ServiceContext, raw: TCreateModelVersionInput) {
  const input = parseInput(ZCreateModelVersionInput, raw, 'model version');
  await loadModel(ctx.db, input.modelName);
  const fromSource = SOURCE_RE.exec(input.source);
  const runRef = input.runId ?? fromSource?.[1];
  const run = runRef ? await loadRun(ctx.db, runRef) : null;
  const sourceDir = (fromSource?.[2] ?? '').replace(/\/+$/, '');
  const artifacts = run ? await ctx.db.artifact.findMany({ where: { runId: run.id }, orderBy: { path: 'asc' } }) : [];

  // The ONNX file: an uploaded blob, or the run's .onnx artifact at (or under) the source path.
  let onnx: { sha256: string; size: number; path: string | null } | null = null;
  if (input.onnxSha256) {
    const size = await stat(blobPath(input.onnxSha256)).then((s) => s.size, () => null);
    if (size === null) throw new DomainError('BAD_REQUEST', `no uploaded file has sha256 ${input.onnxSha256}: upload the ONNX file first`);
    onnx = { sha256: input.onnxSha256, size, path: null };
  } else if (run) {
    const exact = artifacts.find((a) => a.path === sourceDir);
    const found = exact ?? findArtifact(artifacts, sourceDir, (p) => p.toLowerCase().endsWith('.onnx'));
    if (found) onnx = { sha256: found.sha256, size: Number(found.size), path: found.path };
  }
  const info = onnx ? readOnnxModel(await readVerifiedBlob(onnx.sha256)) : null;

  const readJsonArtifact = async <T>(file: string, schema: ZodType<T>): Promise<T | null> => {
    const artifact = findArtifact(artifacts, sourceDir, (p) => p === file || p.endsWith(`/${file}`));
    if (!artifact) return null;
    if (Number(artifact.size) > JSON_PIECE_LIMIT) throw new DomainError('BAD_REQUEST', `run artifact ${artifact.path} is over ${JSON_PIECE_LIMIT} bytes`);
    return parsePiece(schema, (await readVerifiedBlob(artifact.sha256)).toString('utf8'), `run artifact ${artifact.path}`);
  };
  const goldenExamples = input.goldenExamples ?? (await readJsonArtifact(GOLDEN_EXAMPLES_ARTIFACT, ZGoldenExamples));
  const referenceStats = input.referenceStats ?? (await readJsonArtifact(REFERENCE_STATS_ARTIFACT, ZReferenceStats));
  if (goldenExamples && info) {
    const inputs = new Set(info.signature.inputs.map((i) => i.name));
    const outputs = new Set(info.signature.outputs.map((o) => o.name));
    for (const ex of goldenExamples.examples) {
      const strangers = [...Object.keys(ex.inputs).filter((k) => !inputs.has(k)), ...Object.keys(ex.expected).filter((k) => !outputs.has(k))];
      if (strangers.length) throw new DomainError('BAD_REQUEST', `golden examples name tensors the ONNX model does not have: ${strangers.join(', ')}`);
    }
  }

  if (input.features) {
    if (!info) throw new DomainError('BAD_REQUEST', 'features: the version has no ONNX file whose columns they could name');
    const problem = featureNamesProblem(info.signature, input.features, referenceStats ? Object.keys(referenceStats.features) : []);
    if (problem) throw new DomainError('BAD_REQUEST', problem);
  }

  const metrics = run ? await ctx.db.latestMetric.findMany({ where: { runId: run.id } }) : [];
  const inputs = run
    ? await ctx.db.runInput.findMany({ where: { runId: run.id }, include: { datasetVersion: { include: { dataset: true } } }, orderBy: { createdAt: 'asc' } })
    : [];
  const datasetVersions = inputs.map((i) => ({
    id: i.datasetVersion.id,
    name: i.datasetVersion.dataset.name,
    version: i.datasetVersion.version,
    kind: i.datasetVersion.kind,
    fingerprint: i.datasetVersion.fingerprint,
  }));
  // One fingerprint for all the data the model saw; only when every dataset version is content-
  // addressed (its fingerprint, or a DVC md5 / S3 version id, which address content themselves).
  const contentOf = (d: (typeof datasetVersions)[number]) => d.fingerprint ?? (d.kind === 'semver' ? null : d.version);
  const dataFingerprint =
    datasetVersions.length && datasetVersions.every((d) => contentOf(d))
      ? `sha256:${createHash('sha256').update(datasetVersions.map((d) => `${d.name}@${d.version}=${contentOf(d)}`).sort().join('\n')).digest('hex')}`
      : null;

  const pieces: Record<TVersionPiece, boolean> = {
    onnx: onnx !== null,
    signature: info !== null,
    'config.yaml': Boolean(run?.configYaml),
    metrics: metrics.length > 0,
    'requirements.txt': Boolean(run?.requirementsTxt),
    data_fingerprint: dataFingerprint !== null,
    golden_examples: goldenExamples !== null,
    reference_stats: referenceStats !== null,
  };
  const missing = (Object.keys(pieces) as TVersionPiece[]).filter((p) => !pieces[p]);
  const now = nowOf(ctx);

  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, input.modelName);
    const last = await tx.modelVersion.findFirst({ where: { modelId: model.id }, orderBy: { version: 'desc' }, select: { version: true } });
    const version = await tx.modelVersion.create({
      data: {
        modelId: model.id,
        version: (last?.version ?? 0) + 1,
        description: input.description,
        source: input.source || (run ? `runs:/${uuidToRunId(run.id)}/${onnx?.path ?? ''}` : ''),
        runId: run?.id ?? null,
        configHash: run?.configHash ?? null,
        configYaml: run?.configYaml ?? null,
        datasetVersions: json(datasetVersions),
        onnxSha256: onnx?.sha256 ?? null,
        onnxSize: onnx ? BigInt(onnx.size) : null,
        onnxPath: onnx?.path ?? null,
        signature: info ? json({ ...info.signature, ...(input.features ? { features: input.features } : {}) }) : undefined,
        metrics: metrics.length ? json(Object.fromEntries(metrics.map((m) => [m.key, m.value]))) : undefined,
        requirementsTxt: run?.requirementsTxt ?? null,
        dataFingerprint,
        goldenExamples: goldenExamples ? json(goldenExamples) : undefined,
        referenceStats: referenceStats ? json(referenceStats) : undefined,
        complete: missing.length === 0,
        missing,
        createdById: principalUserId(ctx.actor),
        createdByLabel: principalLabel(ctx.actor),
        createdAt: now,
        updatedAt: now,
        stageChangedAt: now,
        tags: { create: dedupeTags(input.tags) },
      },
    });
    await tx.registeredModel.update({ where: { id: model.id }, data: { updatedAt: now } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'model_version.created',
      subjectType: 'model_version',
      subjectId: version.id,
      after: { model: model.name, version: version.version, runId: run ? uuidToRunId(run.id) : null, onnxSha256: version.onnxSha256, complete: version.complete, missing },
    });
    await enqueueWebhookEvent(tx, now, model, 'version.created', { version: version.version, runId: run ? uuidToRunId(run.id) : null, complete: version.complete, missing });
    return version;
  });
}
