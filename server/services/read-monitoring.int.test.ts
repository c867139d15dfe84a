import { describe, expect, it } from 'vitest';
import { createCaller } from '../api/root';
import type { TPrincipal } from '../auth/principal';
import { makeUser, testDb } from '../testing/fixtures';
import { insertPredictionLogs, makeDeployment, makeMonitoredModel } from '../testing/monitoring-fixtures';

const callerAs = (principal: TPrincipal) => createCaller({ db: testDb().db, principal, authError: null, requestId: 'test' });

describe('monitoring reads', () => {
  it('model overview, per-minute series with merged latency histograms, and the confidence distribution', async () => {
    const db = testDb().db;
    const { model, versions } = await makeMonitoredModel(db);
    const [stable, candidate] = versions as [(typeof versions)[0], (typeof versions)[0]];
    await makeDeployment(db, model.id, { stableVersionId: stable.id, candidateVersionId: candidate.id, strategy: 'canary', candidateWeight: 500 });
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000);
    const bounds = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
    // Two workers in the same minute: 100 requests in (5, 10] ms and 100 in (50, 100] ms once merged.
    for (const [workerId, counts] of [
      ['w1', [0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
      ['w2', [0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0]],
    ] as const) {
      await db.versionTraffic.create({ data: { modelVersionId: stable.id, workerId, minute, requests: 100, errors: workerId === 'w1' ? 4 : 0, latencyCounts: [...counts], latencyBoundsMs: bounds } });
    }
    await insertPredictionLogs(db, [0.05, 0.93, 0.97, 0.99, 1].map((confidence, i) => ({ ts: new Date(Date.now() - 60_000), requestId: `c${i}`, modelVersionId: stable.id, variant: 'stable', confidence })));

    const caller = callerAs((await makeUser('viewer')).principal);
    const overview = await caller.monitoring.modelOverview({ modelName: model.name });
    expect(overview.split).toEqual([
      { version: 1, variant: 'stable', percent: 95 },
      { version: 2, variant: 'canary', percent: 5 },
    ]);
    expect(overview.deployment).toMatchObject({ strategy: 'canary', status: 'running', candidatePercent: 5 });
    expect(overview.versions.find((v) => v.version === 1)!.lastHour).toMatchObject({ requests: 200, errors: 4, errorRate: 0.02 });

    const series = await caller.monitoring.versionSeries({ modelName: model.name });
    const point = series.series.find((s) => s.version === 1)!.points[0]!;
    // Rank 100 of 200 ends the (5, 10] bucket: p50 = 10 ms; rank 198 is 98% into (50, 100]: p99 = 99 ms.
    expect(point).toMatchObject({ requests: 200, errors: 4, errorRate: 0.02, p50Ms: 10, p99Ms: 99 });
    expect(point.throughputPerS).toBeCloseTo(200 / 60, 12);

    const confidence = await caller.monitoring.confidence({ modelName: model.name, version: 1, bins: 10 });
    expect(confidence.counts).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 4]);
    expect(confidence.binEdges).toHaveLength(11);
  });
});
