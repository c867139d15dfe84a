import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../api/root';
import type { TPrincipal } from '../auth/principal';
import { createDb, type Db } from '../db/client';
import { renderControlPlaneMetrics } from '../services/render-control-plane-metrics';
import { makeUser, testDb } from '../testing/fixtures';
import type { TJob } from './job';
import { createJobRunner, type TJobRunner, type TTickOutcome } from './job-runner';

/*
 * Two control-plane replicas on one database: two runners, each with its own Prisma client and
 * pool (as two processes would have), running the same jobs. On embedded PostgreSQL a process
 * may hold one connection only (EMBEDDED_POOL_MAX), so there both runners share it; the
 * acceptance run uses a PostgreSQL server (DATABASE_URL), where the pools are separate.
 */

const EVERY_MS = 60_000;
// The fake clock starts tomorrow, on the hour: a lease taken on it is live by the real clock too
// (jobs.list reads "running" against the real time).
const T0 = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000;

let dbA: Db;
let dbB: Db;
const extraClients: Db[] = [];
const separatePools = () => dbA !== dbB;

function client(): Db {
  if (testDb().embedded) return testDb().db;
  const c = createDb(testDb().url, 4);
  extraClients.push(c);
  return c;
}

beforeAll(() => {
  dbA = client();
  dbB = client();
});
afterAll(async () => {
  await Promise.all(extraClients.map((c) => c.$disconnect()));
});

type TRan = { runner: string; job: string; intervalStart: number };

/** The same job definitions as both replicas load them: each run is noted with the runner that did it. */
function jobsFor(runner: string, ran: TRan[], prefix: string): TJob[] {
  return [
    {
      name: `${prefix}-count`,
      everyMs: EVERY_MS,
      async run({ db, intervalStart }) {
        // A real round trip on the runner's own pool while the other runner claims.
        await db.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.02)`;
        ran.push({ runner, job: `${prefix}-count`, intervalStart: intervalStart.getTime() });
        return 'counted';
      },
    },
    {
      name: `${prefix}-fail`,
      everyMs: EVERY_MS,
      async run({ intervalStart }) {
        ran.push({ runner, job: `${prefix}-fail`, intervalStart: intervalStart.getTime() });
        throw new Error(`the job broke in the interval from ${intervalStart.toISOString()}`);
      },
    },
  ];
}

describe('two runners on one database', () => {
  it('run each job exactly once per interval; the other runner skips; a failing job records its error and both go on', async () => {
    const ran: TRan[] = [];
    let clock = T0 + 250;
    const outcomes: (TTickOutcome & { runner: string })[] = [];
    const runner = (id: string, db: Db) =>
      createJobRunner({ id, db, jobs: jobsFor(id, ran, 'two'), now: () => new Date(clock), log: () => {}, logError: () => {}, onOutcome: (o) => outcomes.push({ ...o, runner: id }) });
    const a = runner('replica-a', dbA);
    const b = runner('replica-b', dbB);

    for (let k = 0; k < 4; k++) {
      clock = T0 + k * EVERY_MS + 250 + k * 7_000;
      // Both replicas tick at the same moment (their claims race), then each again right after
      // the first run finished: the interval is taken, so nobody runs it a second time.
      await Promise.all([a.tick(), b.tick()]);
      await b.tick();
      await a.tick();
    }

    for (const job of ['two-count', 'two-fail']) {
      const runs = ran.filter((r) => r.job === job);
      expect(runs.map((r) => r.intervalStart)).toEqual([0, 1, 2, 3].map((k) => T0 + k * EVERY_MS));
      const ticks = outcomes.filter((o) => o.job === job);
      expect(ticks).toHaveLength(16);
      expect(ticks.filter((o) => o.outcome === 'ran')).toHaveLength(4);
      // Every other tick skipped: racing the claim (locked), during the run (running) or after it (done).
      const skips = ticks.filter((o) => o.outcome === 'skipped');
      expect(skips).toHaveLength(12);
      for (const s of skips) expect(['locked', 'running', 'done']).toContain(s.outcome === 'skipped' && s.reason);
    }

    const rows = await dbA.jobRun.findMany({ where: { name: { startsWith: 'two-' } }, orderBy: { name: 'asc' } });
    expect(rows).toMatchObject([
      { name: 'two-count', everyMs: EVERY_MS, runs: 4, failures: 0, lastError: null, runningBy: null, leaseUntil: null, intervalStart: new Date(T0 + 3 * EVERY_MS), lastStartedAt: new Date(clock) },
      { name: 'two-fail', runs: 4, failures: 4, lastSuccessAt: null, runningBy: null, lastError: `Error: the job broke in the interval from ${new Date(T0 + 3 * EVERY_MS).toISOString()}` },
    ]);
    expect(rows[0]!.lastSuccessAt).toEqual(new Date(clock));
    expect(rows[0]!.lastDurationMs).toBe(0); // the fake clock did not move during the run
    expect([a.id, b.id]).toContain(rows[0]!.lastRunner);

    // Exported as metrics, the same from either replica's database client.
    const metrics = await renderControlPlaneMetrics(dbB, new Date(clock));
    expect(metrics).toContain('ballast_job_runs_total{job="two-count"} 4');
    expect(metrics).toContain('ballast_job_failures_total{job="two-fail"} 4');
    expect(metrics).toContain('ballast_job_last_run_failed{job="two-fail"} 1');
    expect(metrics).toContain('ballast_job_last_run_failed{job="two-count"} 0');
    expect(metrics).toContain('ballast_job_running{job="two-count"} 0');
    expect(metrics).toContain(`ballast_job_last_success_timestamp_seconds{job="two-count"} ${clock / 1000}`);
    expect(metrics).toContain('ballast_job_interval_seconds{job="two-count"} 60');
    expect(metrics).not.toContain('ballast_job_last_success_timestamp_seconds{job="two-fail"}');
  });

  it('a run in flight on one replica keeps the other off, across intervals, until it ends or its lease expires', async () => {
    const ran: TRan[] = [];
    let clock = T0 + 100;
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const slow = (runner: string): TJob => ({
      name: 'lease-slow',
      everyMs: EVERY_MS,
      leaseMs: 5 * EVERY_MS,
      async run({ intervalStart }) {
        ran.push({ runner, job: 'lease-slow', intervalStart: intervalStart.getTime() });
        if (runner !== 'replica-a') return;
        started();
        await new Promise<void>((resolve) => (release = resolve));
      },
    });
    const a = createJobRunner({ id: 'replica-a', db: dbA, jobs: [slow('replica-a')], now: () => new Date(clock), log: () => {} });
    const b = createJobRunner({ id: 'replica-b', db: dbB, jobs: [slow('replica-b')], now: () => new Date(clock), log: () => {} });

    const first = a.tick();
    await running;
    clock = T0 + EVERY_MS + 100; // the next interval, while A's run goes on
    expect(await b.tick()).toEqual([{ job: 'lease-slow', outcome: 'skipped', reason: 'running' }]);
    expect((await createCaller({ db: dbB, principal: (await makeUser('admin')).principal, authError: null, requestId: 'test' }).jobs.list()).find((j) => j.name === 'lease-slow')).toMatchObject({
      running: true,
      runningBy: 'replica-a',
      runs: 0,
    });
    release();
    expect(await first).toMatchObject([{ outcome: 'ran', intervalStart: new Date(T0) }]);
    expect(await b.tick()).toMatchObject([{ outcome: 'ran', intervalStart: new Date(T0 + EVERY_MS) }]);

    // A replica that died mid-run: its lease holds the job until it expires, then another takes over.
    clock = T0 + 2 * EVERY_MS + 100;
    await dbA.jobRun.update({ where: { name: 'lease-slow' }, data: { runningBy: 'replica-dead', leaseUntil: new Date(T0 + 3 * EVERY_MS + 100), intervalStart: new Date(T0 + 2 * EVERY_MS) } });
    expect(await b.tick()).toEqual([{ job: 'lease-slow', outcome: 'skipped', reason: 'running' }]);
    clock = T0 + 3 * EVERY_MS + 100;
    expect(await b.tick()).toMatchObject([{ outcome: 'ran', intervalStart: new Date(T0 + 3 * EVERY_MS) }]);
    expect(ran.map((r) => `${r.runner}@${(r.intervalStart - T0) / EVERY_MS}`)).toEqual(['replica-a@0', 'replica-b@1', 'replica-b@3']);
    expect(await dbA.jobRun.findUniqueOrThrow({ where: { name: 'lease-slow' } })).toMatchObject({ runs: 3, runningBy: null, leaseUntil: null });
  });

  it('a claim racing another replica that holds the job\u2019s advisory lock skips at once', async () => {
    // Needs two connections at a time; on embedded PostgreSQL the single connection serializes
    // every claim, so this race cannot arise there.
    if (!separatePools()) return;
    const ran: TRan[] = [];
    const b = createJobRunner({ id: 'replica-b', db: dbB, jobs: jobsFor('replica-b', ran, 'race'), now: () => new Date(T0), log: () => {}, logError: () => {} });
    const during = await dbA.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('ballast.jobs'), hashtext('race-count'))`;
      return b.tick(['race-count']);
    });
    expect(during).toEqual([{ job: 'race-count', outcome: 'skipped', reason: 'locked' }]);
    expect(await b.tick(['race-count'])).toMatchObject([{ outcome: 'ran' }]);
    expect(ran).toHaveLength(1);
  });

  it('started on real timers, two runners still run each interval once and stop cleanly', async () => {
    const ran: TRan[] = [];
    const outcomes: TTickOutcome[] = [];
    const everyMs = 300;
    const make = (id: string, db: Db): TJobRunner =>
      createJobRunner({ id, db, jobs: [{ ...jobsFor(id, ran, 'timed')[0]!, everyMs }], log: () => {}, onOutcome: (o) => outcomes.push(o) });
    const a = make('replica-a', dbA);
    const b = make('replica-b', dbB);
    a.start();
    b.start();
    const deadline = Date.now() + 25_000;
    while (ran.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await Promise.all([a.stop(), b.stop()]);
    const after = ran.length;
    expect(after).toBeGreaterThanOrEqual(4);
    const starts = ran.map((r) => r.intervalStart);
    expect(new Set(starts).size).toBe(starts.length); // no interval ran twice
    expect(starts.every((s) => s % everyMs === 0)).toBe(true);
    expect(outcomes.filter((o) => o.outcome === 'ran')).toHaveLength(after);
    expect(outcomes.some((o) => o.outcome === 'skipped')).toBe(true);
    const row = await dbA.jobRun.findUniqueOrThrow({ where: { name: 'timed-count' } });
    expect(row).toMatchObject({ runs: after, failures: 0, runningBy: null });
    // Stopped: no timer left to start another run.
    await new Promise((r) => setTimeout(r, 2 * everyMs));
    expect(ran).toHaveLength(after);
  });

  it('jobs.list is for admins only', async () => {
    const engineer = await makeUser('engineer');
    const admin = await makeUser('admin');
    const callerAs = (principal: TPrincipal) => createCaller({ db: dbA, principal, authError: null, requestId: 'test' });
    const refused = await callerAs(engineer.principal)
      .jobs.list()
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe('FORBIDDEN');
    expect((refused as TRPCError).message).toMatch(/job:read/);
    const listed = await callerAs(admin.principal).jobs.list();
    expect(listed.map((j) => j.name)).toEqual([...listed.map((j) => j.name)].sort());
    expect(listed.find((j) => j.name === 'two-fail')).toMatchObject({ failures: 4, running: false, lastError: expect.stringMatching(/^Error: the job broke/) });
  });
});
