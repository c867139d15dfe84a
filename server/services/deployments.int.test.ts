import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LATENCY_BUCKETS_MS, type TWorkerReport } from '../contracts/worker-report';
import { addVersion, callerAs, makeRegistryPeople, newModel, type TRegistry } from '../testing/deployment-fixtures';
import { testDb } from '../testing/fixtures';
import { evaluateDeployments } from './rollout/evaluate-deployments';
import { recordWorkerReport } from './record-worker-report';
import { resolveDesiredState } from './resolve-desired-state';

vi.hoisted(() => {
  // Its webhooks point at a (closed) loopback port over http: allowed explicitly, as an operator would.
  process.env.BALLAST_WEBHOOK_ALLOW_HTTP = 'on';
  process.env.BALLAST_WEBHOOK_ALLOW_HOSTS = '127.0.0.1';
});

let p: TRegistry;
beforeAll(async () => {
  p = await makeRegistryPeople();
});
afterAll(() => undefined);

const db = () => testDb().db;
const revision = async (name: string) => (await resolveDesiredState(db(), [`${name}@production`])).revision;

async function setup() {
  const name = await newModel(p);
  const stable = await addVersion(p, name, { stage: 'production' });
  const candidate = await addVersion(p, name);
  return { name, stable, candidate };
}

/** A worker's cumulative report for the stable and candidate versions, recorded at `at`. */
function report(name: string, worker: string, boot: Date, at: Date, v: { version: number; requests: number; errors: number; slow?: number; state?: 'ready' | 'failed' }[]): Promise<{ ok: true }> {
  const r: TWorkerReport = {
    worker_id: worker,
    hostname: 'h',
    started_at: boot.toISOString(),
    sent_at: at.toISOString(),
    uptime_s: 1,
    execution_provider: 'cpu',
    desired_revision: null,
    versions: v.map((x) => {
      const counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
      // `requests` here are attempts; the worker reports successes and errors apart.
      counts[0] = x.requests - x.errors - (x.slow ?? 0);
      counts[LATENCY_BUCKETS_MS.length - 1] = x.slow ?? 0; // (2500, 5000] ms
      return { model: name, version: x.version, state: x.state ?? 'ready', variant: null, weight: 0, requests: x.requests - x.errors, rows: x.requests, errors: x.errors, latency: { bounds_ms: [...LATENCY_BUCKETS_MS], counts, sum_ms: 0 }, last_served_at: at.toISOString(), failure: x.state === 'failed' ? 'golden example 0 mismatch' : null };
    }),
  };
  return recordWorkerReport(db(), r, at);
}

describe('deployments: bad input changes nothing', () => {
  it('refuses archived and incomplete versions (409), a split not summing to 100 (400), non-owners (403)', async () => {
    const { name, candidate } = await setup();
    const incomplete = await addVersion(p, name, { stage: 'development', pieces: false });
    const archived = await addVersion(p, name);
    const owner = callerAs(p.owner.principal);
    await owner.versions.archive({ modelName: name, version: archived.version });
    const before = await revision(name);
    const audits = await db().auditEvent.count();

    await expect(owner.deployments.create({ modelName: name, version: archived.version })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('archived') });
    await expect(owner.deployments.create({ modelName: name, version: incomplete.version })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('incomplete') });
    await expect(owner.deployments.create({ modelName: name, version: candidate.version, strategy: 'ab_test', split: { a: 60, b: 30 } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('sum to 100') });
    await expect(owner.deployments.create({ modelName: name, version: candidate.version, canary: { steps: [50, 25] } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(callerAs(p.outsider.principal).deployments.create({ modelName: name, version: candidate.version })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await revision(name)).toBe(before);
    expect(await db().auditEvent.count()).toBe(audits);
    expect(await db().deployment.count({ where: { modelId: (await db().registeredModel.findUniqueOrThrow({ where: { name } })).id } })).toBe(0);
  });

  it('two concurrent deployments of one model: exactly one starts, the other is a 409', async () => {
    const { name, candidate } = await setup();
    const other = await addVersion(p, name);
    const owner = callerAs(p.owner.principal);
    const results = await Promise.allSettled([
      owner.deployments.create({ modelName: name, version: candidate.version }),
      owner.deployments.create({ modelName: name, version: other.version, strategy: 'ab_test', split: { a: 50, b: 50 } }),
      callerAs(p.owner2.principal).deployments.create({ modelName: name, version: other.version, strategy: 'blue_green' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) expect(r.reason).toMatchObject({ code: 'CONFLICT' });
    const created = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ id: string }>).value;
    const before = await revision(name);
    await expect(owner.deployments.create({ modelName: name, version: other.version })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(created.id) });
    expect(await revision(name)).toBe(before);
  });
});

describe('deployments: owner actions go through the registry lifecycle, audited', () => {
  it('pause, resume and promote: the candidate becomes production, the old one previous', async () => {
    const { name, stable, candidate } = await setup();
    const owner = callerAs(p.owner.principal);
    const d = await owner.deployments.create({ modelName: name, version: candidate.version, canary: { percent: 10 } });
    await owner.deployments.pause({ deploymentId: d.id, reason: 'weekend' });
    await expect(owner.deployments.pause({ deploymentId: d.id })).rejects.toMatchObject({ code: 'CONFLICT' });
    await owner.deployments.resume({ deploymentId: d.id });
    await expect(callerAs(p.outsider.principal).deployments.promote({ deploymentId: d.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // Four-eyes: the owner who started it cannot also promote it to production.
    await expect(owner.deployments.promote({ deploymentId: d.id })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/you started this deployment: another owner/) });
    const promoted = await callerAs(p.owner2.principal).deployments.promote({ deploymentId: d.id, reason: 'looks good' });
    expect(promoted).toMatchObject({ status: 'promoted', activeModelId: null, candidateWeight: 10_000 });
    const state = await resolveDesiredState(db(), [`${name}@production`]);
    expect(state.models[0]!.versions.map((v) => [v.version, v.weight])).toEqual([
      [candidate.version, 10_000],
      [stable.version, 0],
    ]);
    const versions = await db().modelVersion.findMany({ where: { id: { in: [stable.id, candidate.id] } } });
    expect(Object.fromEntries(versions.map((v) => [v.version, v.stage]))).toEqual({ [stable.version]: 'staging', [candidate.version]: 'production' });
    const actions = (await db().auditEvent.findMany({ where: { subjectType: 'deployment', subjectId: d.id }, orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['deployment.created', 'deployment.paused', 'deployment.resumed', 'deployment.promoted']);
    await expect(owner.deployments.rollback({ deploymentId: d.id })).rejects.toMatchObject({ code: 'CONFLICT' });
    const view = await owner.deployments.get({ deploymentId: d.id });
    expect(view.history.map((h) => h.action)).toEqual(actions);
    expect((await owner.deployments.list({ modelName: name })).map((x) => x.id)).toEqual([d.id]);
  });
});

describe('deployment evaluation (injected clock)', () => {
  it('a healthy canary from an approved request steps 5 -> 50 -> promoted; the window starts with each step', async () => {
    const { name, stable, candidate } = await setup();
    const request = await callerAs(p.engineer.principal).promotions.request({ modelName: name, version: candidate.version, canary: { steps: [5, 50], durationS: 600 } });
    const { deploymentId } = await callerAs(p.owner.principal).promotions.approve({ requestId: request.id });
    const d = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId! } });
    const t0 = d.stepStartedAt;
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const boot = at(0);
    const w = `w-${name}`;
    await report(name, w, boot, at(30), [{ version: stable.version, requests: 1000, errors: 2 }, { version: candidate.version, requests: 300, errors: 0 }]);
    expect((await evaluateDeployments({ db: db(), now: at(60) })).find((r) => r.deploymentId === d.id)).toMatchObject({ action: 'continue' });
    expect((await evaluateDeployments({ db: db(), now: at(601) })).find((r) => r.deploymentId === d.id)).toMatchObject({ action: 'advance' });
    expect(await db().deployment.findUniqueOrThrow({ where: { id: d.id } })).toMatchObject({ stepIndex: 1, candidateWeight: 5_000 });
    // The new step has seen no candidate traffic yet: its duration alone does not promote.
    expect((await evaluateDeployments({ db: db(), now: at(1202) })).find((r) => r.deploymentId === d.id)).toMatchObject({ action: 'continue', message: expect.stringContaining('waiting for 200') });
    await report(name, w, boot, at(1210), [{ version: stable.version, requests: 2000, errors: 4 }, { version: candidate.version, requests: 700, errors: 1 }]);
    expect((await evaluateDeployments({ db: db(), now: at(1260) })).find((r) => r.deploymentId === d.id)).toMatchObject({ action: 'promote' });
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({ stage: 'production' });
    const promoted = await db().auditEvent.findFirstOrThrow({ where: { subjectId: d.id, action: 'deployment.promoted' } });
    expect(promoted.after).toMatchObject({ approvedBy: `${p.owner.email} (promotion request ${request.id})` });
  });

  it('a healthy canary an owner started directly waits at its end for a second owner (four-eyes)', async () => {
    const { name, stable, candidate } = await setup();
    const d = await callerAs(p.owner.principal).deployments.create({ modelName: name, version: candidate.version, canary: { percent: 10, durationS: 600 } });
    const at = (s: number) => new Date(d.stepStartedAt.getTime() + s * 1000);
    await report(name, `direct-${name}`, at(0), at(30), [{ version: stable.version, requests: 1000, errors: 1 }, { version: candidate.version, requests: 300, errors: 0 }]);
    expect((await evaluateDeployments({ db: db(), now: at(601) })).find((r) => r.deploymentId === d.id)).toMatchObject({ action: 'wait', message: expect.stringContaining('four-eyes') });
    expect(await db().deployment.findUniqueOrThrow({ where: { id: d.id } })).toMatchObject({ status: 'running', reason: expect.stringContaining('an owner other than the one who started it') });
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({ stage: 'staging' });
    await callerAs(p.owner2.principal).deployments.promote({ deploymentId: d.id });
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({ stage: 'production' });
  });

  it('an error spike rolls back with reason, figures, alert and webhook; a latency breach too', async () => {
    const { name, stable, candidate } = await setup();
    await callerAs(p.owner.principal).webhooks.create({ modelName: name, url: 'http://127.0.0.1:9/hook', events: ['rollback'] });
    const d = await callerAs(p.owner.principal).deployments.create({ modelName: name, version: candidate.version });
    const at = (s: number) => new Date(d.stepStartedAt.getTime() + s * 1000);
    // Stable 0.2% errors; candidate 3% over 250 requests: above 2 x max(0.2%, 0.5% floor) = 1%.
    await report(name, 'w1', at(0), at(20), [{ version: stable.version, requests: 5000, errors: 10 }, { version: candidate.version, requests: 250, errors: 8 }]);
    const [result] = (await evaluateDeployments({ db: db(), now: at(30) })).filter((r) => r.deploymentId === d.id);
    expect(result).toMatchObject({ action: 'rollback' });
    const after = await db().deployment.findUniqueOrThrow({ where: { id: d.id } });
    expect(after).toMatchObject({ status: 'rolled_back', candidateWeight: 0 });
    expect(after.reason).toContain('error-rate');
    expect(after.figures).toMatchObject({ candidateRequests: 250, candidateErrorRate: 8 / 250, stableErrorRate: 10 / 5000, errorRateThreshold: 0.01 });
    expect(await db().alert.count({ where: { deploymentId: d.id, kind: 'rollback' } })).toBe(1);
    expect(await db().webhookDelivery.count({ where: { event: 'rollback', webhook: { modelId: after.modelId } } })).toBe(1);
    expect((await resolveDesiredState(db(), [`${name}@production`], at(40))).models[0]!.versions.map((v) => [v.version, v.weight])).toEqual([
      [stable.version, 10_000],
      [candidate.version, 0],
    ]);

    const again = await addVersion(p, name);
    const d2 = await callerAs(p.owner.principal).deployments.create({ modelName: name, version: again.version });
    const at2 = (s: number) => new Date(d2.stepStartedAt.getTime() + s * 1000);
    await report(name, 'w2', at2(0), at2(10), [{ version: again.version, requests: 300, errors: 0, slow: 30 }]);
    expect((await evaluateDeployments({ db: db(), now: at2(20) })).find((r) => r.deploymentId === d2.id)).toMatchObject({ action: 'rollback', message: expect.stringContaining('SLA') });
  });

  it('blue-green is ready to switch once every live worker has the candidate ready, and rolls back when a check failed', async () => {
    const { name, stable, candidate } = await setup();
    const owner = callerAs(p.owner.principal);
    const d = await owner.deployments.create({ modelName: name, version: candidate.version, strategy: 'blue_green' });
    const now = new Date();
    await report(name, `bg-1-${name}`, now, now, [{ version: stable.version, requests: 10, errors: 0 }, { version: candidate.version, requests: 0, errors: 0, state: 'ready' }]);
    await report(name, `bg-2-${name}`, now, now, [{ version: stable.version, requests: 10, errors: 0 }]);
    expect((await evaluateDeployments({ db: db(), now })).find((r) => r.deploymentId === d.id)).toMatchObject({ action: 'continue', message: expect.stringContaining('1 of 2') });
    await report(name, `bg-2-${name}`, now, now, [{ version: stable.version, requests: 10, errors: 0 }, { version: candidate.version, requests: 0, errors: 0, state: 'ready' }]);
    // Ready everywhere; started by one owner, so a second one switches it (four-eyes).
    expect((await evaluateDeployments({ db: db(), now })).find((r) => r.deploymentId === d.id)).toMatchObject({ action: 'wait', message: expect.stringContaining('four-eyes') });
    await callerAs(p.owner2.principal).deployments.promote({ deploymentId: d.id });
    expect((await resolveDesiredState(db(), [`${name}@production`])).models[0]!.versions.map((v) => [v.version, v.weight])).toEqual([
      [candidate.version, 10_000],
      [stable.version, 0],
    ]);

    const next = await addVersion(p, name);
    const d2 = await owner.deployments.create({ modelName: name, version: next.version, strategy: 'blue_green' });
    await report(name, `bg-1-${name}`, now, now, [{ version: next.version, requests: 0, errors: 0, state: 'failed' }]);
    expect((await evaluateDeployments({ db: db(), now })).find((r) => r.deploymentId === d2.id)).toMatchObject({ action: 'rollback', message: expect.stringContaining('failed its check') });
  });
});
