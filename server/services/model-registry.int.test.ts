import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as benchmarkRoute from '@/app/api/v1/models/[name]/versions/[version]/benchmarks/route';
import * as modelFilesRoute from '@/app/api/v1/model-files/route';
import * as validationsRoute from '@/app/api/v1/models/[name]/versions/[version]/validations/route';
import { createCaller } from '../api/root';
import type { TPrincipal } from '../auth/principal';
import { verifyWebhookSignature } from '../domain/webhook-signature';
import { buildMlpOnnx, mlpGoldenExamples, sampleReferenceStats } from '../testing/onnx-model';
import { ctxAs, makeToken, makeUser, testDb } from '../testing/fixtures';
import { trainingConfigYaml } from '../testing/training-config-yaml';
import { ARCHIVAL_JOB, archiveStaleVersions } from './rollout/archive-stale-versions';
import { createExperiment } from './create-experiment';
import { createModelVersion } from './create-model-version';
import { createRegisteredModel } from './create-registered-model';
import { createRun } from './create-run';
import { deliverDueWebhooks } from './deliver-webhooks';
import { logRunInputs } from './link-run-datasets';
import { logRunData } from './log-run-data';
import { registerDatasetVersion } from './register-dataset-version';
import { resolveDesiredState } from './resolve-desired-state';
import { recordValidationResults, reportLatencyBenchmark } from './record-version-evidence';
import { putRunArtifact } from './run-artifacts';

type Person = Awaited<ReturnType<typeof makeUser>>;
const callerAs = (principal: TPrincipal) => createCaller({ db: testDb().db, principal, authError: null, requestId: 'test' });
const FP = (c: string) => `sha256:${c.repeat(64)}`;
const stream = (bytes: Uint8Array | string) => new Response(typeof bytes === 'string' ? bytes : new Uint8Array(bytes)).body;


let owner: Person;
let owner2: Person;
let engineer: Person;
let outsider: Person;
let admin: Person;
let seq = 0;

beforeAll(async () => {
  [owner, owner2, engineer, outsider, admin] = await Promise.all([makeUser('engineer'), makeUser('engineer'), makeUser('engineer'), makeUser('engineer'), makeUser('admin')]);
  await registerDatasetVersion(ctxAs(engineer.principal), { name: 'transactions', version: '1.0.0', fingerprint: FP('a') });
});

/** A finished run carrying every piece of a complete model artifact. */
async function trainRun(opts: { onnx?: Uint8Array; pieces?: boolean } = {}) {
  const ctx = ctxAs(engineer.principal);
  const { experimentId } = await createExperiment(ctx, { name: `exp-${Date.now()}-${seq++}` });
  const run = await createRun(ctx, { experiment_id: experimentId, run_name: 'train' });
  const mlp = buildMlpOnnx({ features: 4, hidden: [6], classes: 3, seed: seq });
  await putRunArtifact(ctx, { runId: run.runId, path: 'model/model.onnx', body: stream(opts.onnx ?? mlp.bytes) });
  if (opts.pieces !== false) {
    await putRunArtifact(ctx, { runId: run.runId, path: 'config.yaml', body: stream(trainingConfigYaml()) });
    await putRunArtifact(ctx, { runId: run.runId, path: 'requirements.txt', body: stream('numpy==2.1.0\nonnx==1.17.0\n') });
    await putRunArtifact(ctx, { runId: run.runId, path: 'model/golden_examples.json', body: stream(JSON.stringify(mlpGoldenExamples(mlp))) });
    await putRunArtifact(ctx, { runId: run.runId, path: 'model/reference_stats.json', body: stream(JSON.stringify(sampleReferenceStats(4))) });
    await logRunData(ctx, { runId: run.runId, metrics: [{ key: 'accuracy', value: 0.94, timestamp: 1, step: 1 }] });
    await logRunInputs(ctx, { run_id: run.runId, datasets: [{ tags: [{ key: 'ballast.dataset.version', value: '1.0.0' }, { key: 'ballast.dataset.fingerprint', value: FP('a') }], dataset: { name: 'transactions', digest: 'x' } }] });
  }
  return { run, mlp };
}

async function newModel(slaClass: 'realtime' | 'batch' = 'realtime') {
  const name = `model-${Date.now()}-${seq++}`;
  await createRegisteredModel(ctxAs(owner.principal), { name, slaClass, ownerEmails: [owner2.email] });
  return name;
}

/** A complete version with passing validation; `stage` staging also gets a passing benchmark. */
async function readyVersion(name: string, stage: 'development' | 'staging' = 'staging', p99Ms = 40) {
  const { run } = await trainRun();
  const v = await createModelVersion(ctxAs(engineer.principal), { modelName: name, runId: run.runId, source: `runs:/${run.runId}/model` });
  await recordValidationResults(ctxAs(engineer.principal), { modelName: name, version: v.version, checks: [{ name: 'holdout-accuracy', metric: 'accuracy', comparator: '>=', threshold: 0.9, observed: 0.94 }] });
  if (stage === 'staging') {
    await callerAs(owner.principal).versions.promote({ modelName: name, version: v.version });
    await reportLatencyBenchmark(ctxAs(engineer.principal), { modelName: name, version: v.version, hardware: 'cpu-16', batchSize: 8, p50Ms: 5, p99Ms, throughput: 1200 });
  }
  return v.version;
}

/** Everything the registry holds (and the audit count), to show a refused action changed nothing. */
async function snapshot() {
  const db = testDb().db;
  const rows = await Promise.all([
    db.registeredModel.findMany({ orderBy: { id: 'asc' } }),
    db.modelOwner.findMany({ orderBy: [{ modelId: 'asc' }, { userId: 'asc' }] }),
    db.modelVersion.findMany({ orderBy: { id: 'asc' } }),
    db.modelAlias.findMany({ orderBy: [{ modelId: 'asc' }, { alias: 'asc' }] }),
    db.modelAliasHistory.count(),
    db.promotionRequest.findMany({ orderBy: { id: 'asc' } }),
    db.validationCheck.count(),
    db.latencyBenchmark.count(),
    db.webhookDelivery.count(),
    db.auditEvent.count(),
  ]);
  return JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

async function promoteToProduction(name: string, version: number) {
  const request = await callerAs(engineer.principal).promotions.request({ modelName: name, version });
  await callerAs(owner.principal).promotions.approve({ requestId: request.id, comment: 'ship it' });
}

describe('versions: artifact set, lineage, signature from the ONNX file', () => {
  it('a version from a complete run is complete, with lineage and the signature read from the file', async () => {
    const name = await newModel();
    const { run } = await trainRun();
    const v = await createModelVersion(ctxAs(engineer.principal), { modelName: name, runId: run.runId, source: `runs:/${run.runId}/model` });
    expect(v).toMatchObject({ version: 1, stage: 'development', complete: true, missing: [], onnxPath: 'model/model.onnx', configYaml: expect.stringContaining('architecture: mlp'), requirementsTxt: expect.stringContaining('numpy') });
    expect(v.signature).toEqual({ inputs: [{ name: 'input', elemType: 'float32', shape: ['batch', 4] }], outputs: [{ name: 'probabilities', elemType: 'float32', shape: ['batch', 3] }] });
    expect(v.datasetVersions).toEqual([expect.objectContaining({ name: 'transactions', version: '1.0.0', fingerprint: FP('a') })]);
    expect(v.dataFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(v.metrics).toEqual({ accuracy: 0.94 });
    const details = await callerAs(outsider.principal).models.get({ name });
    expect(details.versions[0]!.lineage.run).toMatchObject({ runId: run.runId, name: 'train' });
    expect(details.owners.map((o) => o.email).sort()).toEqual([owner.email, owner2.email].sort());
  });

  it('a run missing pieces gives an incomplete version that cannot leave development (409 naming the pieces)', async () => {
    const name = await newModel();
    const { run } = await trainRun({ pieces: false });
    const v = await createModelVersion(ctxAs(engineer.principal), { modelName: name, runId: run.runId });
    expect(v.complete).toBe(false);
    expect(v.missing).toEqual(['config.yaml', 'metrics', 'requirements.txt', 'data_fingerprint', 'golden_examples', 'reference_stats']);
    await recordValidationResults(ctxAs(engineer.principal), { modelName: name, version: 1, checks: [{ name: 'acc', metric: 'accuracy', threshold: 0.9, observed: 0.95 }] });
    const before = await snapshot();
    await expect(callerAs(owner.principal).versions.promote({ modelName: name, version: 1 })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/complete: .*missing config.yaml/) });
    expect(await snapshot()).toBe(before);
  });

  it('invalid ONNX: 400 and no version; upload endpoint: 400 for non-ONNX bytes and for a sha256 mismatch', async () => {
    const name = await newModel();
    const { run } = await trainRun({ onnx: new TextEncoder().encode('definitely not a protobuf model') });
    const before = await snapshot();
    await expect(createModelVersion(ctxAs(engineer.principal), { modelName: name, runId: run.runId })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/not a valid ONNX model/) });
    expect(await snapshot()).toBe(before);

    const { bearer } = await makeToken('engineer', ['ingest']);
    const upload = (body: Uint8Array | string, sha?: string) =>
      modelFilesRoute.POST(new Request('http://localhost/api/v1/model-files', { method: 'POST', headers: { ...bearer, ...(sha ? { 'x-content-sha256': sha } : {}) }, body: typeof body === 'string' ? body : new Uint8Array(body) }));
    const mlp = buildMlpOnnx({ features: 2, classes: 2 });
    const ok = await upload(mlp.bytes);
    expect(ok.status).toBe(201);
    const uploaded = (await ok.json()) as { sha256: string; signature: unknown };
    expect(uploaded.signature).toEqual({ inputs: [{ name: 'input', elemType: 'float32', shape: ['batch', 2] }], outputs: [{ name: 'probabilities', elemType: 'float32', shape: ['batch', 2] }] });
    const bad = await upload('plain text, not onnx');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not a valid ONNX model/);
    const mismatch = await upload(mlp.bytes, 'f'.repeat(64));
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { error: { message: string } }).error.message).toMatch(/not the f{64}/);
    // A version from the uploaded file (no run): incomplete, but with the file's signature.
    const v = await createModelVersion(ctxAs(engineer.principal), { modelName: name, onnxSha256: uploaded.sha256 });
    expect(v).toMatchObject({ onnxSha256: uploaded.sha256, complete: false, signature: uploaded.signature });
    expect(await snapshot()).not.toBe(before);
  });
});

describe('feature names', () => {
  it('are checked against the ONNX width and the reference statistics, kept in the signature, and sent to workers', async () => {
    const name = await newModel();
    const { run } = await trainRun(); // 4 input columns; reference statistics for f0..f3
    const ctx = ctxAs(engineer.principal);
    const base = { modelName: name, runId: run.runId, source: `runs:/${run.runId}/model` };
    const before = await snapshot();
    await expect(createModelVersion(ctx, { ...base, features: ['f0', 'f1', 'f2'] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: "features: 3 names given but the input 'input' has 4 columns" });
    await expect(createModelVersion(ctx, { ...base, features: ['f0', 'f1', 'f2', 'age'] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: "features: the reference statistics describe 'f3', which the names do not list" });
    await expect(createModelVersion(ctx, { ...base, features: ['f0', 'f0', 'f1', 'f2'] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/feature names must be unique/) });
    expect(await snapshot()).toBe(before);

    const features = ['f3', 'f2', 'f1', 'f0'];
    const v = await createModelVersion(ctx, { ...base, features });
    expect(v.signature).toMatchObject({ inputs: [{ name: 'input', shape: ['batch', 4] }], features });
    const state = await resolveDesiredState(testDb().db, [`${name}@${v.version}`]);
    expect(state.models[0]!.versions[0]!.signature).toEqual({ features, allow_non_finite: false });
  });
});

describe('gates and promotion', () => {
  it('to staging needs passing validation: 409 listing the unmet gate, nothing changes', async () => {
    const name = await newModel();
    const { run } = await trainRun();
    await createModelVersion(ctxAs(engineer.principal), { modelName: name, runId: run.runId });
    await recordValidationResults(ctxAs(engineer.principal), { modelName: name, version: 1, checks: [{ name: 'holdout', metric: 'accuracy', threshold: 0.9, observed: 0.85 }] });
    const before = await snapshot();
    const err = await callerAs(owner.principal).versions.promote({ modelName: name, version: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/validation: validation failed: holdout \(accuracy 0.85 not >= 0.9\)/) });
    expect(await snapshot()).toBe(before);
  });

  it('a production request with a failed gate (benchmark over the SLA) is 409 listing it; nothing changes', async () => {
    const name = await newModel('realtime');
    const v = await readyVersion(name, 'staging', 250);
    const before = await snapshot();
    await expect(callerAs(engineer.principal).promotions.request({ modelName: name, version: v })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/benchmark: p99 250 ms breaks the realtime SLA \(p99 <= 100 ms\)/),
    });
    expect(await snapshot()).toBe(before);
  });

  it('four-eyes: the requester (even an owner) and non-owners get 403 and nothing changes; another owner approves', async () => {
    const name = await newModel();
    const v = await readyVersion(name);
    const request = await callerAs(owner.principal).promotions.request({ modelName: name, version: v, comment: 'please' });
    expect((await callerAs(owner2.principal).promotions.inbox()).find((r) => r.id === request.id)).toMatchObject({ canApprove: true });
    expect((await callerAs(owner.principal).promotions.inbox()).find((r) => r.id === request.id)).toMatchObject({ canApprove: false });
    const viewer = await makeUser('viewer');
    const before = await snapshot();
    await expect(callerAs(owner.principal).promotions.approve({ requestId: request.id })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/four-eyes/) });
    await expect(callerAs(outsider.principal).promotions.approve({ requestId: request.id })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/only an owner/) });
    await expect(callerAs(outsider.principal).promotions.reject({ requestId: request.id, comment: 'no' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(viewer.principal).promotions.approve({ requestId: request.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(admin.principal).promotions.approve({ requestId: request.id })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/written reason/) });
    expect(await snapshot()).toBe(before);

    await callerAs(owner2.principal).promotions.approve({ requestId: request.id, comment: 'looks good' });
    const details = await callerAs(owner.principal).models.get({ name });
    expect(details.versions.find((x) => x.version === v)).toMatchObject({ stage: 'production', aliases: ['production'] });
    expect(details.promotions[0]).toMatchObject({ status: 'approved', decidedBy: owner2.email, decisionComment: 'looks good' });
    const audit = await testDb().db.auditEvent.findMany({ where: { action: { in: ['promotion.requested', 'promotion.approved', 'model_version.stage_changed', 'model_alias.moved'] }, requestId: 'test' } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['promotion.requested', 'promotion.approved', 'model_version.stage_changed', 'model_alias.moved']));
  });

  it('an admin overrides four-eyes with a written reason, audited', async () => {
    const name = await newModel();
    const v = await readyVersion(name);
    const request = await callerAs(admin.principal).promotions.request({ modelName: name, version: v });
    await callerAs(admin.principal).promotions.approve({ requestId: request.id, overrideReason: 'incident 7: both owners are on leave' });
    const event = await testDb().db.auditEvent.findFirstOrThrow({ where: { action: 'promotion.approved_by_override', subjectId: request.id } });
    expect(event.reason).toBe('incident 7: both owners are on leave');
  });

  it('a request goes stale when its evidence changes; approving it is 409', async () => {
    const name = await newModel();
    const v = await readyVersion(name);
    const request = await callerAs(engineer.principal).promotions.request({ modelName: name, version: v });
    await reportLatencyBenchmark(ctxAs(engineer.principal), { modelName: name, version: v, hardware: 'gpu', batchSize: 32, p50Ms: 3, p99Ms: 20, throughput: 9000 });
    await expect(callerAs(owner.principal).promotions.approve({ requestId: request.id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/stale/) });
    const stored = await testDb().db.promotionRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(stored).toMatchObject({ status: 'stale', staleReason: expect.stringMatching(/benchmark/) });
  });

  it('a rejection needs a comment and is recorded', async () => {
    const name = await newModel();
    const v = await readyVersion(name);
    const request = await callerAs(engineer.principal).promotions.request({ modelName: name, version: v });
    await expect(callerAs(owner.principal).promotions.reject({ requestId: request.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await callerAs(owner.principal).promotions.reject({ requestId: request.id, comment: 'latency on GPU not measured' });
    expect(await testDb().db.promotionRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: 'rejected', decisionComment: 'latency on GPU not measured' });
  });

  it('two versions approved for production at the same moment: exactly one wins, the other gets 409', async () => {
    const name = await newModel();
    const [a, b] = [await readyVersion(name), await readyVersion(name)];
    const ra = await callerAs(engineer.principal).promotions.request({ modelName: name, version: a });
    const rb = await callerAs(engineer.principal).promotions.request({ modelName: name, version: b });
    const results = await Promise.allSettled([
      callerAs(owner.principal).promotions.approve({ requestId: ra.id }),
      callerAs(owner2.principal).promotions.approve({ requestId: rb.id }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason).toMatchObject({ code: 'CONFLICT' });
    const versions = await testDb().db.modelVersion.findMany({ where: { model: { name }, stage: 'production' } });
    expect(versions).toHaveLength(1);
    const aliases = await testDb().db.modelAlias.findMany({ where: { model: { name }, alias: 'production' } });
    expect(aliases).toEqual([expect.objectContaining({ versionId: versions[0]!.id })]);
  });
});

describe('aliases, rollback, served-at', () => {
  it('promotion moves production and sets previous; rollback moves production back in one step; history answers served-at', async () => {
    const name = await newModel();
    const v1 = await readyVersion(name);
    const v2 = await readyVersion(name);
    await promoteToProduction(name, v1);
    const afterV1 = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await promoteToProduction(name, v2);
    const afterV2 = new Date();
    await new Promise((r) => setTimeout(r, 20));

    let details = await callerAs(owner.principal).models.get({ name });
    expect(details.aliases.sort((x, y) => x.alias.localeCompare(y.alias))).toEqual([
      { alias: 'previous', version: v1 },
      { alias: 'production', version: v2 },
    ]);
    expect(details.versions.map((v) => v.stage)).toEqual(['staging', 'production']);

    const before = await snapshot();
    await expect(callerAs(outsider.principal).versions.rollback({ modelName: name })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await snapshot()).toBe(before);
    expect(await callerAs(owner2.principal).versions.rollback({ modelName: name, reason: 'error rate doubled' })).toEqual({ from: v2, to: v1 });
    details = await callerAs(owner.principal).models.get({ name });
    expect(details.aliases).toEqual([{ alias: 'production', version: v1 }]);
    expect(details.versions.map((v) => v.stage)).toEqual(['production', 'staging']);
    await expect(callerAs(owner.principal).versions.rollback({ modelName: name })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/no previous/) });

    const caller = callerAs(outsider.principal);
    expect((await caller.models.servedAt({ name, at: new Date(0) })).version).toBeNull();
    expect((await caller.models.servedAt({ name, at: afterV1 })).version).toBe(v1);
    expect((await caller.models.servedAt({ name, at: afterV2 })).version).toBe(v2);
    expect((await caller.models.servedAt({ name, at: new Date() })).version).toBe(v1);
    expect(details.aliasHistory.filter((h) => h.alias === 'production').map((h) => [h.fromVersion, h.toVersion, h.cause])).toEqual([
      [v2, v1, 'rollback'],
      [v1, v2, 'promotion'],
      [null, v1, 'promotion'],
    ]);
  });

  it('canary is owner-only; user-defined aliases are free; production cannot be set by hand', async () => {
    const name = await newModel();
    const v = await readyVersion(name, 'development');
    await expect(callerAs(engineer.principal).models.setAlias({ modelName: name, alias: 'canary', version: v })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await callerAs(owner.principal).models.setAlias({ modelName: name, alias: 'canary', version: v });
    await callerAs(engineer.principal).models.setAlias({ modelName: name, alias: 'champion', version: v });
    await expect(callerAs(owner.principal).models.setAlias({ modelName: name, alias: 'production', version: v })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await callerAs(owner.principal).models.get({ name })).aliases.map((a) => a.alias).sort()).toEqual(['canary', 'champion']);
  });
});

describe('archival', () => {
  it('archives versions not served for 90 days (injected clock), keeps them with their artifacts; owners archive by hand', async () => {
    const name = await newModel();
    const v1 = await readyVersion(name);
    const v2 = await readyVersion(name);
    await promoteToProduction(name, v1);
    await promoteToProduction(name, v2); // v1 left production now
    const db = testDb().db;
    const v1Row = await db.modelVersion.findFirstOrThrow({ where: { model: { name }, version: v1 } });
    expect(v1Row.leftProductionAt).not.toBeNull();
    const ctxAt = (days: number) => ({ db, actor: ARCHIVAL_JOB, requestId: 'archival', now: () => new Date(v1Row.leftProductionAt!.getTime() + days * 86_400_000) });

    expect((await archiveStaleVersions(ctxAt(89))).archived.filter((a) => a.model === name)).toEqual([]);
    expect((await archiveStaleVersions(ctxAt(90))).archived.filter((a) => a.model === name)).toEqual([{ model: name, version: v1 }]);
    const archived = await db.modelVersion.findFirstOrThrow({ where: { id: v1Row.id } });
    expect(archived).toMatchObject({ stage: 'archived', onnxSha256: v1Row.onnxSha256, goldenExamples: v1Row.goldenExamples });
    expect(await db.modelAlias.findMany({ where: { versionId: v1Row.id } })).toEqual([]); // previous was dropped
    // The production version is never archived by the job, however old.
    expect((await archiveStaleVersions(ctxAt(1000))).archived.filter((a) => a.model === name)).toEqual([]);
    // last_served_at (from workers) takes precedence over the time it left production.
    const v3 = await readyVersion(name);
    await db.modelVersion.update({ where: { modelId_version: { modelId: v1Row.modelId, version: v3 } }, data: { lastServedAt: new Date(Date.now() - 100 * 86_400_000) } });
    expect((await archiveStaleVersions({ db, actor: ARCHIVAL_JOB, requestId: 'a' })).archived.filter((a) => a.model === name)).toEqual([{ model: name, version: v3 }]);

    await expect(callerAs(outsider.principal).versions.archive({ modelName: name, version: v2 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await callerAs(owner.principal).versions.archive({ modelName: name, version: v2, reason: 'retired' });
    expect((await callerAs(owner.principal).models.get({ name })).aliases).toEqual([]);
    await expect(callerAs(owner.principal).versions.promote({ modelName: name, version: v2 })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/archived/) });
  });
});

describe('evidence over REST', () => {
  it('a worker token reports a benchmark (worker:report); an ingest token cannot; CI records validation', async () => {
    const name = await newModel();
    const v = await readyVersion(name, 'development');
    const worker = await makeToken('admin', ['worker']);
    const ingest = await makeToken('engineer', ['ingest']);
    const report = (headers: Record<string, string>) =>
      benchmarkRoute.POST(
        new Request(`http://localhost/api/v1/models/${name}/versions/${v}/benchmarks`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ hardware: 'a10g', batchSize: 16, p50Ms: 4, p99Ms: 12, throughput: 5000 }) }),
        { params: Promise.resolve({ name, version: String(v) }) },
      );
    const ok = await report(worker.bearer);
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ withinSla: true, slaClass: 'realtime', limitMs: 100 });
    expect((await report(ingest.bearer)).status).toBe(403);
    const validation = await validationsRoute.POST(
      new Request(`http://localhost/api/v1/models/${name}/versions/${v}/validations`, {
        method: 'POST',
        headers: { ...ingest.bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ checks: [{ name: 'signature-contract', metric: 'signature_match', comparator: '==', threshold: 1, observed: 1 }] }),
      }),
      { params: Promise.resolve({ name, version: String(v) }) },
    );
    expect(validation.status).toBe(201);
    const details = await callerAs(owner.principal).models.get({ name });
    expect(details.versions[0]!.evidence.benchmark).toMatchObject({ hardware: 'a10g', p99Ms: 12 });
    expect(details.versions[0]!.gates).toEqual([
      { gate: 'complete', met: true, reason: expect.any(String) },
      { gate: 'validation', met: true, reason: '2 validation check(s) passed' },
    ]);
  });
});

describe('webhooks', () => {
  let server: Server;
  let url: string;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let failNext = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(500).end('boom');
          return;
        }
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}/hook`;
    // The test receiver is on loopback over http: allowed explicitly, as an operator would.
    process.env.BALLAST_WEBHOOK_ALLOW_HTTP = 'on';
    process.env.BALLAST_WEBHOOK_ALLOW_HOSTS = '127.0.0.1';
  });
  afterAll(() => {
    delete process.env.BALLAST_WEBHOOK_ALLOW_HTTP;
    delete process.env.BALLAST_WEBHOOK_ALLOW_HOSTS;
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('signed events for version created, promotion requested/approved, stage changed, alias moved, rollback; retries with backoff; delivery log', async () => {
    const name = await newModel();
    const hook = await callerAs(owner.principal).webhooks.create({ modelName: name, url });
    expect(hook.secret).toMatch(/^whsec_/);
    await expect(callerAs(outsider.principal).webhooks.create({ modelName: name, url })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(owner.principal).webhooks.create({ url })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const v1 = await readyVersion(name);
    const v2 = await readyVersion(name);
    await promoteToProduction(name, v1);
    await promoteToProduction(name, v2);
    await callerAs(owner.principal).versions.rollback({ modelName: name });

    const db = testDb().db;
    failNext = 1;
    let clock = Date.now();
    const deliver = () => deliverDueWebhooks({ db, now: () => new Date(clock) });
    const first = await deliver();
    expect(first.sent).toBeGreaterThan(5);
    const [retrying] = await callerAs(owner.principal).webhooks.deliveries({ webhookId: hook.id, limit: 500 }).then((log) => log.filter((d) => d.status === 'pending'));
    expect(retrying).toMatchObject({ attempts: 1, responseCode: 500, lastError: 'receiver answered HTTP 500' });
    expect(await deliver()).toEqual({ sent: 0, failed: 0 }); // not due yet: backoff
    clock += 5_000;
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });

    const log = await callerAs(owner.principal).webhooks.deliveries({ webhookId: hook.id, limit: 500 });
    expect(log.every((d) => d.status === 'succeeded' && d.responseCode === 204)).toBe(true);
    expect(log.find((d) => d.attempts === 2)).toBeDefined();

    for (const r of received) {
      const ts = Number(r.headers['x-ballast-timestamp']);
      expect(verifyWebhookSignature(hook.secret, ts, r.body, String(r.headers['x-ballast-signature']), ts * 1000)).toBe(true);
      expect(verifyWebhookSignature('wrong-secret', ts, r.body, String(r.headers['x-ballast-signature']), ts * 1000)).toBe(false);
    }
    const events = received.map((r) => JSON.parse(r.body) as { event: string; model: string; data: Record<string, unknown> });
    expect(new Set(events.map((e) => e.event))).toEqual(new Set(['version.created', 'promotion.requested', 'promotion.approved', 'stage.changed', 'alias.moved', 'rollback']));
    expect(events.every((e) => e.model === name)).toBe(true);
    expect(events.find((e) => e.event === 'rollback')!.data).toMatchObject({ fromVersion: v2, toVersion: v1 });
    expect(received.every((r) => r.headers['x-ballast-event'] !== undefined)).toBe(true);
  });

  it('a receiver that never answers: attempts are spent, then the delivery is marked failed with the last error', async () => {
    const name = await newModel();
    await callerAs(owner.principal).webhooks.create({ modelName: name, url: 'http://127.0.0.1:9/unreachable', events: ['version.created'] });
    await readyVersion(name, 'development');
    const db = testDb().db;
    let clock = Date.now();
    for (let i = 0; i < 3; i++) {
      await deliverDueWebhooks({ db, now: () => new Date(clock), maxAttempts: 3, baseDelayMs: 1000 });
      clock += 10_000;
    }
    const [delivery] = await callerAs(owner.principal).webhooks.deliveries({ modelName: name });
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, responseCode: null, lastError: expect.stringMatching(/fetch failed|ECONNREFUSED|TypeError/) });
  });
});

describe('sessions reach the registry through tRPC only with the right scope', () => {
  it('a viewer reads but cannot create models', async () => {
    const viewer = await makeUser('viewer');
    await expect(callerAs(viewer.principal).models.create({ name: `v-${seq++}` })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(Array.isArray(await callerAs(viewer.principal).models.list())).toBe(true);
  });
});
