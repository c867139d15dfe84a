import { describe, expect, it } from 'vitest';
import { createCaller } from '../api/root';
import type { TPrincipal } from '../auth/principal';
import { uuidToRunId } from '../domain/run-id';
import { makeUser, testDb } from '../testing/fixtures';
import { makeDeployment, makeMonitoredModel } from '../testing/monitoring-fixtures';

/*
 * The A/B verdict against values computed independently with SciPy 1.17 (the commands are in
 * each test's comment), from the same counts and the same deterministic continuous samples.
 */

const callerAs = (principal: TPrincipal) => createCaller({ db: testDb().db, principal, authError: null, requestId: 'test' });

/** An A/B deployment two hours old with `predictions` logged per variant inside it (and a few before it, which do not count). */
async function abTest(kind: 'binary' | 'continuous', predictions: [number, number]) {
  const db = testDb().db;
  const fixture = await makeMonitoredModel(db);
  const [a, b] = fixture.versions as [(typeof fixture.versions)[0], (typeof fixture.versions)[0]];
  const createdAt = new Date(Date.now() - 2 * 3_600_000);
  const d = await makeDeployment(db, fixture.model.id, { stableVersionId: a.id, candidateVersionId: b.id, outcomeKind: kind, createdAt });
  await db.$executeRaw`
    INSERT INTO prediction_logs (ts, request_id, model_version_id, variant, input_hash, latency_ms)
    SELECT ${createdAt}::timestamptz + (g || ' seconds')::interval, 'a-' || g, ${a.id}::uuid, 'a', 'h', 5 FROM generate_series(1, ${predictions[0]}) g
    UNION ALL
    SELECT ${createdAt}::timestamptz + (g || ' seconds')::interval, 'b-' || g, ${b.id}::uuid, 'b', 'h', 5 FROM generate_series(1, ${predictions[1]}) g
    UNION ALL
    SELECT ${createdAt}::timestamptz - (g || ' seconds')::interval, 'early-' || g, ${a.id}::uuid, 'stable', 'h', 5 FROM generate_series(1, 50) g`;
  return { fixture, a, b, deployment: d };
}

/** Outcomes straight into the feedback table (the feedback API has its own test). */
async function outcomes(deploymentId: string, versionId: string, variant: string, kind: string, values: number[]) {
  await testDb().db.$executeRaw`
    INSERT INTO feedback (request_id, model_version_id, deployment_id, variant, kind, value)
    SELECT ${deploymentId} || '-' || ${variant} || '-' || i, ${versionId}::uuid, ${deploymentId}::uuid, ${variant}, ${kind}, v
    FROM unnest(${values}::float8[]) WITH ORDINALITY AS u(v, i)`;
}

const binary = (n: number, successes: number) => Array.from({ length: n }, (_, i) => (i < successes ? 1 : 0));

describe('A/B results', () => {
  it('binary: the two-proportion z-test, intervals and effect size match SciPy', async () => {
    const { a, b, deployment, fixture } = await abTest('binary', [1200, 1100]);
    await outcomes(deployment.id, a.id, 'a', 'binary', binary(1050, 126));
    await outcomes(deployment.id, b.id, 'b', 'binary', binary(1020, 163));
    const viewer = await makeUser('viewer');
    const r = await callerAs(viewer.principal).monitoring.abResults({ modelName: fixture.model.name });

    expect(r.kind).toBe('binary');
    expect(r.variants.map((v) => [v.variant, v.version, v.predictions, v.outcomes])).toEqual([
      ['a', 1, 1200, 1050],
      ['b', 2, 1100, 1020],
    ]);
    expect(r.readiness).toEqual({ ready: true });
    // python3 -c "from scipy import stats; import math; na,xa,nb,xb=1050,126,1020,163; pa,pb=xa/na,xb/nb; p=(xa+xb)/(na+nb);
    //   z=(pb-pa)/math.sqrt(p*(1-p)*(1/na+1/nb)); se=math.sqrt(pa*(1-pa)/na+pb*(1-pb)/nb); c=stats.norm.ppf(0.975);
    //   print(pb-pa, z, 2*stats.norm.sf(abs(z)), pb-pa-c*se, pb-pa+c*se, 2*math.asin(math.sqrt(pb))-2*math.asin(math.sqrt(pa)),
    //   pa-c*math.sqrt(pa*(1-pa)/na), pa+c*math.sqrt(pa*(1-pa)/na))"
    const v = r.verdict!;
    expect(v.test).toBe('two-proportion z-test');
    expect(v.effect).toBeCloseTo(0.03980392156862744, 10);
    expect(v.statistic).toBeCloseTo(2.6123110582457616, 6);
    expect(v.pValue).toBeCloseTo(0.008993238715844254, 6);
    expect(v.interval[0]).toBeCloseTo(0.009937428691358972, 6);
    expect(v.interval[1]).toBeCloseTo(0.06967041444589592, 6);
    expect(v.effectSize).toBeCloseTo(0.11501549984334192, 8);
    expect(v.significant).toBe(true);
    expect(v.winner).toBe('b');
    expect(r.variants[0]!.estimate).toBeCloseTo(126 / 1050, 12);
    expect(r.variants[0]!.interval![0]).toBeCloseTo(0.10034444095438841, 6);
    expect(r.variants[0]!.interval![1]).toBeCloseTo(0.13965555904561158, 6);

    // Each variant links to its training run and experiment.
    const runA = await testDb().db.run.findUniqueOrThrow({ where: { id: a.runId! } });
    expect(r.variants[0]!.run).toEqual({ id: uuidToRunId(runA.id), name: 'train-v1' });
    expect(r.variants[1]!.experiment).toEqual({ id: String(fixture.experiment.id), name: fixture.experiment.name });
  });

  it("continuous: Welch's t-test matches SciPy's ttest_ind(equal_var=False)", async () => {
    const { a, b, deployment } = await abTest('continuous', [1300, 1250]);
    const valuesA = Array.from({ length: 1010 }, (_, i) => 20 + ((i * 37) % 101) / 10);
    const valuesB = Array.from({ length: 1005 }, (_, i) => 20.4 + ((i * 53) % 97) / 10);
    await outcomes(deployment.id, a.id, 'a', 'continuous', valuesA);
    await outcomes(deployment.id, b.id, 'b', 'continuous', valuesB);
    const viewer = await makeUser('viewer');
    const r = await callerAs(viewer.principal).monitoring.abResults({ deploymentId: deployment.id });

    // import numpy as np; from scipy import stats
    // a=np.array([20+((i*37)%101)/10 for i in range(1010)]); b=np.array([20.4+((i*53)%97)/10 for i in range(1005)])
    // r=stats.ttest_ind(b, a, equal_var=False); ci=r.confidence_interval(0.95)
    // print(b.mean()-a.mean(), r.statistic, r.pvalue, r.df, ci.low, ci.high)
    // sp=np.sqrt((1009*a.var(ddof=1)+1004*b.var(ddof=1))/2013); print((b.mean()-a.mean())/sp)
    // print(stats.t.interval(0.95, 1009, loc=a.mean(), scale=stats.sem(a)))
    const v = r.verdict!;
    expect(v.test).toBe("Welch's t-test");
    expect(v.effect).toBeCloseTo(0.18825870646765708, 8);
    expect(v.statistic).toBeCloseTo(1.4772447283603305, 6);
    expect(v.pValue).toBeCloseTo(0.13976666447087244, 5);
    expect(v.df!).toBeCloseTo(2010.5467497657473, 3);
    expect(v.interval[0]).toBeCloseTo(-0.061667753150760424, 5);
    expect(v.interval[1]).toBeCloseTo(0.4381851660860746, 5);
    expect(v.effectSize!).toBeCloseTo(0.06581172048197123, 6);
    expect(v.significant).toBe(false);
    expect(v.winner).toBeNull();
    expect(r.variants[0]!.estimate).toBeCloseTo(25.0, 10);
    expect(r.variants[0]!.interval![0]).toBeCloseTo(24.81989190252828, 5);
    expect(r.variants[0]!.interval![1]).toBeCloseTo(25.18010809747172, 5);
  });

  it('no verdict before 1,000 predictions and 1,000 outcomes per variant: progress instead', async () => {
    const { a, b, deployment } = await abTest('binary', [1500, 800]);
    await outcomes(deployment.id, a.id, 'a', 'binary', binary(1200, 100));
    await outcomes(deployment.id, b.id, 'b', 'binary', binary(600, 90));
    const viewer = await makeUser('viewer');
    const r = await callerAs(viewer.principal).monitoring.abResults({ deploymentId: deployment.id });
    expect(r.verdict).toBeNull();
    expect(r.readiness).toEqual({ ready: false, progress: 0.6, missing: ['B: 800/1000 predictions', 'B: 600/1000 outcomes'] });
    // The per-variant figures are still shown while it runs.
    expect(r.variants[1]!.estimate).toBeCloseTo(0.15, 12);
  });
});
