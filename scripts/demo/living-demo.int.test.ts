/*
 * A later `npm start` after a first start that stopped half-way: the demo finishes itself instead
 * of asking the user to delete their data (the route handlers and a real worker, as in
 * seed-demo.int.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDb } from '@/server/testing/fixtures';
import { startDemoTestServer, type TDemoTestServer } from './demo-test-server';
import { DEMO_MODEL } from './demo-workspace';
import { startLivingDemo } from './living-demo';
import { demoState, seedDemo } from './seed-demo';

vi.hoisted(() => {
  process.env.BALLAST_DEMO_TRAFFIC = 'off';
});

let t: TDemoTestServer;
beforeAll(async () => {
  t = await startDemoTestServer();
}, 60_000);
afterAll(() => t?.close());

describe('the living demo on a later start', () => {
  it('finishes a first start that stopped half-way: its versions archived, the workspace made again', async () => {
    const url = t.server.url;
    // The first start gives up waiting for benchmarks: two versions in staging, nothing in production.
    await expect(seedDemo({ url, people: t.people, log: () => undefined, workerUrl: t.workerUrl, benchmarkTimeoutMs: 1 })).rejects.toThrow(/no benchmark of churn/);
    expect(await demoState(url, t.people.admin.token)).toEqual({ kind: 'incomplete', versions: 2 });

    const lines: string[] = [];
    const demo = await startLivingDemo({ url, workerUrl: t.workerUrl, people: t.people, log: (l) => lines.push(l) });
    expect(demo).toEqual({ traffic: null, ready: true });
    expect(lines).toContainEqual(expect.stringMatching(/stopped half-way: archived the 2 version\(s\) it left/));
    expect(await demoState(url, t.people.admin.token)).toEqual({ kind: 'ready', productionVersion: 3 });

    const db = testDb().db;
    const model = await db.registeredModel.findUniqueOrThrow({ where: { name: DEMO_MODEL } });
    const versions = await db.modelVersion.findMany({ where: { modelId: model.id }, orderBy: { version: 'asc' } });
    expect(versions.map((v) => [v.version, v.stage])).toEqual([
      [1, 'archived'],
      [2, 'archived'],
      [3, 'production'],
      [4, 'staging'],
    ]);
    expect(await db.deployment.findFirstOrThrow({ where: { modelId: model.id } })).toMatchObject({ status: 'running', candidateVersionId: versions[3]!.id });

    // And the start after that simply reuses it.
    const again: string[] = [];
    expect(await startLivingDemo({ url, workerUrl: t.workerUrl, people: t.people, log: (l) => again.push(l) })).toEqual({ traffic: null, ready: true });
    expect(again[0]).toMatch(/reusing the demo workspace \(churn v3 in production\)/);
  }, 120_000);
});
