import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as artifactRoute from '@/app/api/2.0/mlflow-artifacts/artifacts/[[...path]]/route';
import * as mlflowRoute from '@/app/api/2.0/mlflow/[...path]/route';
import * as trpcRoute from '@/app/api/trpc/[trpc]/route';
import { configHash, parseConfigYaml } from '@/server/domain/canonical-config';
import { runIdToUuid } from '@/server/domain/run-id';
import { createRegisteredModel } from '@/server/services/create-registered-model';
import { recordValidationResults, reportLatencyBenchmark } from '@/server/services/record-version-evidence';
import { addVersion, makeRegistryPeople } from '@/server/testing/deployment-fixtures';
import { ctxAs, makeToken, testDb } from '@/server/testing/fixtures';
import { buildMlpOnnx } from '@/server/testing/onnx-model';
import { startRouteServer, type TRouteServer } from '@/server/testing/route-server';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'clients/ts/cli.ts');

const CONFIG_YAML = `model:
  architecture: mlp
optimizer:
  name: sgd
  learning_rate: 0.1
lr_schedule:
  name: constant
batch_size_per_device: 64
max_epochs: 5
seed: 7
datasets:
  - name: iris
    version: md5:0123456789abcdef0123456789abcdef
`;

let server: TRouteServer;
let engineerToken: string;
let readOnlyToken: string;
let dir: string;

interface TResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ballast(args: string[], token: string | null = engineerToken): Promise<TResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, BALLAST_URL: server.url };
  if (token === null) delete env.BALLAST_TOKEN;
  else env.BALLAST_TOKEN = token;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env, timeout: 25_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  engineerToken = (await makeToken('engineer', ['ingest'])).token.secret;
  // API tokens carry grants, not roles: a `worker` grant reads models but may not change them.
  readOnlyToken = (await makeToken('admin', ['worker'])).token.secret;
  server = await startRouteServer({
    '/api/trpc/[trpc]': trpcRoute,
    '/api/2.0/mlflow/[...path]': mlflowRoute,
    '/api/2.0/mlflow-artifacts/artifacts/[...path]': artifactRoute,
  });
  dir = mkdtempSync(path.join(tmpdir(), 'ballast-cli-'));
  writeFileSync(path.join(dir, 'config.yaml'), CONFIG_YAML);
  writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify({ loss: [0.9, 0.5, 0.3], accuracy: 0.91 }));
  writeFileSync(path.join(dir, 'notes.txt'), 'trained by the CLI test\n');
});
afterAll(() => server?.close());

describe('ballast CLI against a real HTTP server', () => {
  it('whoami names the token and its scopes; a missing token exits 1', async () => {
    const ok = await ballast(['whoami']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/experiment:write/);

    const anon = await ballast(['whoami'], null);
    expect(anon.code).toBe(1);
    expect(anon.stderr.trim()).toMatch(/^error: not authenticated: set BALLAST_TOKEN/);

    const bad = await ballast(['whoami'], 'not-a-real-token');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^error: not authenticated/);
  });

  it('log-run logs the config, metrics and artifacts; the run has the config hash', async () => {
    const res = await ballast([
      'log-run',
      '--experiment',
      'cli-test',
      '--config',
      path.join(dir, 'config.yaml'),
      '--metrics',
      path.join(dir, 'metrics.json'),
      '--artifact',
      path.join(dir, 'notes.txt'),
      '--tag',
      'team=growth',
      '--json',
    ]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { runId: string; metrics: number; artifacts: string[] };
    expect(out.metrics).toBe(4);
    expect(out.artifacts).toEqual(['notes.txt']);

    const parsed = parseConfigYaml(CONFIG_YAML);
    if (!parsed.ok) throw new Error(parsed.message);
    const run = await testDb().db.run.findUniqueOrThrow({ where: { id: runIdToUuid(out.runId)! }, include: { tags: true, params: true } });
    expect(run.configHash).toBe(configHash(parsed.config));
    expect(run.status).toBe('FINISHED');
    expect(run.tags.find((t) => t.key === 'team')?.value).toBe('growth');
    expect(run.params.find((p) => p.key === 'optimizer.learning_rate')?.value).toBe('0.1');
    const metrics = await testDb().db.metric.count({ where: { runId: run.id } });
    expect(metrics).toBeGreaterThanOrEqual(4);
  });

  it('log-run with an invalid config exits 1 with the validation message, without creating a run', async () => {
    writeFileSync(path.join(dir, 'bad.yaml'), CONFIG_YAML.replace('seed: 7\n', ''));
    const res = await ballast(['log-run', '--experiment', 'cli-test', '--config', path.join(dir, 'bad.yaml')]);
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/^error: .*seed/);
  });

  it('register-dataset is idempotent; a mutable ref fails with the server message', async () => {
    const args = ['register-dataset', '--name', 'churn', '--version', 'md5:00112233445566778899aabbccddeeff', '--fingerprint', `sha256:${'ab'.repeat(32)}`];
    const first = await ballast(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const again = await ballast(args);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(await testDb().db.datasetVersion.count({ where: { dataset: { name: 'churn' } } })).toBe(1);

    const moving = await ballast(['register-dataset', '--name', 'churn', '--version', 'latest', '--fingerprint', `sha256:${'cd'.repeat(32)}`]);
    expect(moving.code).toBe(1);
    expect(moving.stderr.trim().split('\n')).toHaveLength(1);
    expect(moving.stderr).toMatch(/^error: .*latest/i);
  });

  it('status of an unknown model exits 1 with a clear message', async () => {
    const res = await ballast(['status', 'no-such-model']);
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe('error: Registered Model with name=no-such-model not found');
  });

  it('status without a model lists what there is', async () => {
    const res = await ballast(['status']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^models: none/m);
  });

  it('a token without model:write cannot request a promotion: exit 1 naming the permission', async () => {
    const res = await ballast(['request-promotion', '--model', 'churn', '--version', '1'], readOnlyToken);
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe('error: this needs the model:write permission');
  });

  it('usage errors exit 2', async () => {
    expect((await ballast(['request-promotion', '--model', 'churn'])).code).toBe(2);
    expect((await ballast(['request-promotion', '--model', 'churn', '--version', 'two'])).code).toBe(2);
    expect((await ballast(['frobnicate'])).code).toBe(2);
    expect((await ballast(['status', '--bogus'])).code).toBe(2);
  });
});

describe('the promotion lifecycle from the CLI', () => {
  it('withdraw (the requester) and reject (an owner, with a comment) close open requests', async () => {
    const p = await makeRegistryPeople();
    const approver = await makeToken('admin', ['admin']);
    const name = `cli-reject-${Date.now().toString(36)}`;
    await createRegisteredModel(ctxAs(p.owner.principal), { name, ownerEmails: [approver.user.email] });
    const v1 = await addVersion(p, name); // staging, validated and benchmarked
    const open = async () => (JSON.parse((await ballast(['request-promotion', '--model', name, '--version', String(v1.version), '--json'])).stdout) as { id: string }).id;

    const first = await open();
    const withdrawn = await ballast(['withdraw', '--request', first]);
    expect(withdrawn.stderr).toBe('');
    expect(withdrawn.stdout.trim()).toBe(`request ${first} withdrawn`);
    // Only the requester may withdraw; a closed request cannot be withdrawn again.
    expect((await ballast(['withdraw', '--request', first])).stderr).toMatch(/^error: the request is withdrawn, not open/);

    const second = await open();
    expect((await ballast(['withdraw', '--request', second], approver.token.secret)).stderr).toMatch(/^error: only the requester may withdraw/);
    expect((await ballast(['reject', '--request', second], approver.token.secret)).code).toBe(2);
    const rejected = await ballast(['reject', '--request', second, '--comment', 'log loss regressed on the holdout'], approver.token.secret);
    expect(rejected.stderr).toBe('');
    expect(rejected.code).toBe(0);
    expect(await testDb().db.promotionRequest.findUniqueOrThrow({ where: { id: second } })).toMatchObject({ status: 'rejected', decisionComment: 'log loss regressed on the holdout' });
    expect((await ballast(['reject', '--request', second, '--comment', 'again'], approver.token.secret)).stderr).toMatch(/^error: the request is rejected, not open/);
  });

  it('register-version, promote, request-promotion, approve (with model:approve), status, rollback', async () => {
    const p = await makeRegistryPeople();
    // The approver: an owner whose token carries model:approve (only an `admin` grant does).
    const approver = await makeToken('admin', ['admin']);
    const name = `cli-model-${Date.now().toString(36)}`;
    await createRegisteredModel(ctxAs(p.owner.principal), { name, ownerEmails: [approver.user.email] });
    await addVersion(p, name, { stage: 'production' }); // v1
    const v2 = await addVersion(p, name, { stage: 'development' });
    const adminToken = approver.token.secret;

    // development -> staging: refused with the gate's message until the version is validated.
    const early = await ballast(['promote', '--model', name, '--version', String(v2.version)], adminToken);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^error: .*validation/);
    const evidence = ctxAs(p.engineer.principal);
    await recordValidationResults(evidence, { modelName: name, version: v2.version, checks: [{ name: 'holdout-accuracy', metric: 'accuracy', comparator: '>=', threshold: 0.9, observed: 0.95 }] });
    const promoted = await ballast(['promote', '--model', name, '--version', String(v2.version)], adminToken);
    expect(promoted.stderr).toBe('');
    expect(promoted.code).toBe(0);
    await reportLatencyBenchmark(evidence, { modelName: name, version: v2.version, hardware: 'cpu-2', batchSize: 8, p50Ms: 2, p99Ms: 20, throughput: 1000 });

    const requested = await ballast(['request-promotion', '--model', name, '--version', String(v2.version), '--comment', 'better recall', '--json']);
    expect(requested.stderr).toBe('');
    expect(requested.code).toBe(0);
    const requestId = (JSON.parse(requested.stdout) as { id: string }).id;

    const status = await ballast(['status', name, '--json'], adminToken);
    expect(status.code).toBe(0);
    const open = JSON.parse(status.stdout) as { production: number; openRequests: { id: string }[] };
    expect(open.production).toBe(1);
    expect(open.openRequests.map((r) => r.id)).toEqual([requestId]);

    // An ingest token lacks model:approve.
    const denied = await ballast(['approve', '--request', requestId]);
    expect(denied.code).toBe(1);
    expect(denied.stderr.trim()).toBe('error: this needs the model:approve permission');
    const approved = await ballast(['approve', '--request', requestId, '--comment', 'ship it'], adminToken);
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);

    const after = JSON.parse((await ballast(['status', name, '--json'], adminToken)).stdout) as { production: number; previous: number; openRequests: unknown[] };
    expect(after).toMatchObject({ production: v2.version, previous: 1, openRequests: [] });

    const rolledBack = await ballast(['rollback', '--model', name, '--reason', 'error rate up'], adminToken);
    expect(rolledBack.stderr).toBe('');
    expect(rolledBack.code).toBe(0);
    const human = await ballast(['status', name], adminToken);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/production: v1/);

    // Again as a canary: the approval starts it instead of promoting at once.
    expect((await ballast(['request-promotion', '--model', name, '--version', String(v2.version), '--canary', 'ten'])).code).toBe(2);
    expect((await ballast(['request-promotion', '--model', name, '--version', String(v2.version), '--canary-minutes', '30'])).code).toBe(2);
    const tooBig = await ballast(['request-promotion', '--model', name, '--version', String(v2.version), '--canary', '150']);
    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toMatch(/^error: .*at most 100%/);
    const canaryRequest = await ballast(['request-promotion', '--model', name, '--version', String(v2.version), '--canary', '10', '--canary-minutes', '30']);
    expect(canaryRequest.stderr).toBe('');
    expect(canaryRequest.stdout).toMatch(/a 10% canary of .* v2 requested: request /);
    const canaryId = /request (\S+)$/.exec(canaryRequest.stdout.trim())![1]!;
    const canaryApproved = await ballast(['approve', '--request', canaryId], adminToken);
    expect(canaryApproved.stderr).toBe('');
    expect(canaryApproved.stdout).toMatch(/approved: canary deployment \S+ started/);
    expect(JSON.parse((await ballast(['status', name, '--json'], adminToken)).stdout)).toMatchObject({ production: 1 });

    // A version registered from a run the CLI logged, with its ONNX file.
    writeFileSync(path.join(dir, 'model.onnx'), buildMlpOnnx({ features: 4, hidden: [6], classes: 3, seed: 5 }).bytes);
    const logged = await ballast(['log-run', '--experiment', 'cli-lifecycle', '--config', path.join(dir, 'config.yaml'), '--artifact', path.join(dir, 'model.onnx'), '--json']);
    expect(logged.stderr).toBe('');
    const { runId } = JSON.parse(logged.stdout) as { runId: string };
    const wrongWidth = await ballast(['register-version', '--model', name, '--run', runId, '--features', 'tenure,charges']);
    expect(wrongWidth.code).toBe(1);
    expect(wrongWidth.stderr.trim()).toBe("error: features: 2 names given but the input 'input' has 4 columns");
    const registered = await ballast(['register-version', '--model', name, '--run', runId, '--features', 'tenure, charges, calls, age', '--json']);
    expect(registered.stderr).toBe('');
    expect(registered.code).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({ version: 3, signature: { features: ['tenure', 'charges', 'calls', 'age'] } });

    const unknownRun = await ballast(['register-version', '--model', name, '--run', 'f'.repeat(32)]);
    expect(unknownRun.code).toBe(1);
    expect(unknownRun.stderr).toMatch(/^error: .*not found/i);
  }, 120_000);
});
