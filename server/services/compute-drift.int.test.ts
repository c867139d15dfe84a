import { beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../api/root';
import type { TPrincipal } from '../auth/principal';
import { histogramCounts, populationStabilityIndex } from '../domain/drift-statistics';
import { EXACT_HISTOGRAM_MAX_ROWS, PREDICTION_FEATURE } from '../domain/drift-window';
import { makeUser, testDb } from '../testing/fixtures';
import { insertPredictionLogs, makeMonitoredModel, seededNormal, type TLogRow } from '../testing/monitoring-fixtures';
import { computeDrift } from './compute-drift';

/*
 * Acceptance: prediction logs drawn (seeded) from the training reference distribution raise no
 * drift alert over 50 consecutive 5-minute windows, while the same traffic with one input feature
 * shifted by 3 training SDs raises one (deduplicated) alert, whose drift.detected webhook carries
 * the model, version and figures.
 */

const WINDOW_MS = 300_000;
const WINDOWS = 50;
const ROWS_PER_WINDOW = 40;
const callerAs = (principal: TPrincipal) => createCaller({ db: testDb().db, principal, authError: null, requestId: 'test' });

const alignedNow = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS;
const base = alignedNow - WINDOWS * WINDOW_MS;
const now = new Date(alignedNow + 120_000);
const lookbackS = ((WINDOWS + 1) * WINDOW_MS) / 1000;

let fixture: Awaited<ReturnType<typeof makeMonitoredModel>>;
const logs: TLogRow[] = [];

beforeAll(async () => {
  const db = testDb().db;
  fixture = await makeMonitoredModel(db, { versions: 2, features: 4 });
  await db.webhook.create({ data: { url: 'http://127.0.0.1:9/retrain', secret: 's'.repeat(32), events: ['drift.detected'], modelId: fixture.model.id } });
  const normal = seededNormal(20240611);
  for (let w = 0; w < WINDOWS; w++) {
    for (let i = 0; i < ROWS_PER_WINDOW; i++) {
      const ts = new Date(base + w * WINDOW_MS + Math.floor((i + 0.5) * (WINDOW_MS / ROWS_PER_WINDOW)));
      for (const [k, v] of fixture.versions.entries()) {
        // Reference: features ~ N(0, 1), prediction ~ N(0.5, 0.2) (sampleReferenceStats). v2 shifts f2 by +3 SDs.
        const inputs = [normal(), normal(), normal() + (k === 1 ? 3 : 0), normal()];
        logs.push({ ts, requestId: `w${w}-${i}-v${v.version}`, modelVersionId: v.id, variant: 'stable', inputs, prediction: 0.5 + 0.2 * normal(), confidence: 0.9 });
      }
    }
  }
  await insertPredictionLogs(db, logs);
});

describe('computeDrift', () => {
  it('raises a drift alert for the shifted feature and none over 50 windows of reference traffic', async () => {
    const db = testDb().db;
    const [stable, shifted] = fixture.versions as [(typeof fixture.versions)[0], (typeof fixture.versions)[0]];
    const result = await computeDrift({ db, now, lookbackS });
    expect(result.alerts).toBe(1);

    // Every 5-minute window was computed for both versions, for the prediction and the four inputs.
    for (const v of [stable, shifted]) {
      expect(await db.driftWindow.count({ where: { modelVersionId: v.id, windowS: 300 } })).toBe(WINDOWS * 5);
    }
    // False-alarm check: 50 windows x 5 series of reference traffic, not one over the threshold.
    expect(await db.driftWindow.count({ where: { modelVersionId: stable.id, alert: true } })).toBe(0);
    expect(await db.alert.count({ where: { modelVersionId: stable.id } })).toBe(0);
    // The shifted feature is over it in every window; nothing else is.
    expect(await db.driftWindow.count({ where: { modelVersionId: shifted.id, windowS: 300, feature: 'f2', alert: true } })).toBe(WINDOWS);
    expect(await db.driftWindow.count({ where: { modelVersionId: shifted.id, feature: { not: 'f2' }, alert: true } })).toBe(0);

    const alerts = await db.alert.findMany({ where: { modelVersionId: shifted.id } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'drift', status: 'open', dedupeKey: `drift:${shifted.id}:f2` });

    // The retraining webhook: drift.detected with the model, the version and the figures.
    const delivery = await db.webhookDelivery.findFirstOrThrow({ where: { event: 'drift.detected' } });
    const payload = delivery.payload as { model: string; data: { versionId: string; figures: Record<string, unknown> } };
    expect(payload.model).toBe(fixture.model.name);
    expect(payload.data.versionId).toBe(shifted.id);
    expect(payload.data.figures).toMatchObject({ model: fixture.model.name, version: 2, feature: 'f2', windowS: 300, referenceMean: 0, referenceStd: 1 });
    expect(payload.data.figures.meanShift as number).toBeGreaterThan(2);
    expect(typeof payload.data.figures.psi).toBe('number');
  });

  it('stores what the SQL aggregate saw: counts, means and bins agree with the rows logged', async () => {
    const db = testDb().db;
    const v = fixture.versions[1]!;
    const start = new Date(base + 7 * WINDOW_MS);
    const rows = logs.filter((l) => l.modelVersionId === v.id && l.ts >= start && l.ts.getTime() < start.getTime() + WINDOW_MS);
    const stored = await db.driftWindow.findUniqueOrThrow({ where: { modelVersionId_feature_windowS_windowStart: { modelVersionId: v.id, feature: 'f2', windowS: 300, windowStart: start } } });
    const values = rows.map((r) => r.inputs![2]!);
    expect(stored.count).toBe(ROWS_PER_WINDOW);
    expect(stored.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
    expect(stored.liveCounts).toEqual(histogramCounts(values, [-3, -1, 1, 3]));
    expect(stored.ks).not.toBeNull();
    const prediction = await db.driftWindow.findUniqueOrThrow({ where: { modelVersionId_feature_windowS_windowStart: { modelVersionId: v.id, feature: PREDICTION_FEATURE, windowS: 300, windowStart: start } } });
    expect(prediction.liveCounts).toEqual(histogramCounts(rows.map((r) => r.prediction!), [-2.5, -0.5, 1.5, 3.5]));
  });

  it('is incremental: a second run computes nothing new; hour windows merge their 5-minute windows', async () => {
    const db = testDb().db;
    expect(await computeDrift({ db, now, lookbackS })).toEqual({ windows: 0, alerts: 0 });
    const v = fixture.versions[0]!;
    const hours = await db.driftWindow.findMany({ where: { modelVersionId: v.id, windowS: 3600, feature: 'f0' } });
    expect(hours.length).toBeGreaterThanOrEqual(3);
    for (const h of hours) {
      const parts = await db.driftWindow.findMany({ where: { modelVersionId: v.id, windowS: 300, feature: 'f0', windowStart: { gte: h.windowStart, lt: new Date(h.windowStart.getTime() + 3_600_000) } } });
      expect(h.count).toBe(parts.reduce((n, p) => n + p.count, 0));
    }
  });

  it('serves the drift series with thresholds, and training vs live histograms', async () => {
    const viewer = await makeUser('viewer');
    const caller = callerAs(viewer.principal);
    const series = await caller.monitoring.driftSeries({ modelName: fixture.model.name, version: 2, windowS: 300, from: new Date(base), to: now });
    expect(series.thresholds).toEqual({ meanShift: 2, psi: 0.2 });
    expect(series.features.map((f) => f.feature)).toEqual([PREDICTION_FEATURE, 'f0', 'f1', 'f2', 'f3']);
    expect(series.features.find((f) => f.feature === 'f2')!.points).toHaveLength(WINDOWS);
    const hist = await caller.monitoring.trainingVsLive({ modelName: fixture.model.name, version: 2, feature: 'f2', windowS: 300 });
    expect(hist.binEdges).toEqual([-3, -1, 1, 3]);
    expect(hist.training.share).toEqual([0.16, 0.68, 0.16]);
    expect(hist.live!.share.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('keeps count and mean exact over a large window, whose histograms come from a sample', async () => {
    const db = testDb().db;
    const big = await makeMonitoredModel(db, { versions: 1, features: 4 });
    const v = big.versions[0]!;
    // An hour-aligned window a day before the others (outside their lookback), so no hour window is due.
    const start = new Date(Math.floor(base / 3_600_000) * 3_600_000 - 24 * 3_600_000);
    const rows = EXACT_HISTOGRAM_MAX_ROWS + 10_000;
    // Deterministic N(0, 1) values (Box-Muller on a hash of g), f1 shifted by 0.5; ten rows carry
    // Infinity in f1, one row has no prediction and every 1000th row no inputs (not sampled for
    // input logging), so the per-column exact recount runs too.
    const u = (k: number) => `(0.0005 + (abs(sin(g * ${k}.9898) * 43758.5453) - floor(abs(sin(g * ${k}.9898) * 43758.5453))) * 0.999)`;
    const normal = (k: number) => `(sqrt(-2 * ln(${u(k)})) * cos(2 * pi() * ${u(k + 7)}))`;
    await db.$executeRawUnsafe(
      `INSERT INTO prediction_logs (ts, request_id, model_version_id, variant, input_hash, inputs, prediction, confidence, latency_ms)
       SELECT $1::timestamptz + (g % 299000) * interval '1 millisecond', 'big-' || g, $2::uuid, 'stable', 'h',
              CASE WHEN g % 1000 = 1 THEN '{}'::float8[]
                   ELSE ARRAY[${normal(11)}, CASE WHEN g % 6000 = 0 THEN 'Infinity'::float8 ELSE ${normal(23)} + 0.5 END, ${normal(37)}, ${normal(53)}] END,
              CASE WHEN g = 17 THEN NULL ELSE 0.5 + 0.2 * ${normal(71)} END, 0.9, 5
       FROM generate_series(1, $3::int) g`,
      start,
      v.id,
      rows,
    );
    expect(await computeDrift({ db, now: new Date(start.getTime() + WINDOW_MS + 61_000), lookbackS: 600, versionIds: [v.id] })).toMatchObject({ windows: 1 });

    const edges: Record<string, number[]> = { [PREDICTION_FEATURE]: [-2.5, -0.5, 1.5, 3.5], f0: [-3, -1, 1, 3], f1: [-3, -1, 1, 3] };
    const column: Record<string, string> = { [PREDICTION_FEATURE]: 'prediction', f0: 'inputs[1]', f1: 'inputs[2]' };
    for (const [feature, count] of [[PREDICTION_FEATURE, rows - 1], ['f0', rows - 60], ['f1', rows - 70]] as const) {
      const stored = await db.driftWindow.findUniqueOrThrow({ where: { modelVersionId_feature_windowS_windowStart: { modelVersionId: v.id, feature, windowS: 300, windowStart: start } } });
      const [truth] = await db.$queryRawUnsafe<{ values: number[] }[]>(
        `SELECT array_agg(${column[feature]}) FILTER (WHERE abs(${column[feature]}) < 'Infinity') AS values FROM prediction_logs WHERE model_version_id = $1::uuid`,
        v.id,
      );
      const values = truth!.values;
      expect(values).toHaveLength(count);
      // Exact: the count, and the mean to 1e-9 of the values' own.
      expect(stored.count).toBe(count);
      expect(stored.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
      // Sampled: bin counts scaled to the exact count, each share within 0.03 of the exact share
      // (a 5,000-row sample's standard error on a share is at most 0.007).
      expect(stored.liveCounts.reduce((a, b) => a + b, 0)).toBe(count);
      const exact = histogramCounts(values, edges[feature]!);
      stored.liveCounts.forEach((c, b) => expect(Math.abs(c / count - exact[b]! / count)).toBeLessThan(0.03));
      // PSI on the sample is PSI on every value, up to sampling noise.
      expect(Math.abs(stored.psi - populationStabilityIndex([160, 680, 160], exact))).toBeLessThan(0.02);
      expect(stored.ks).not.toBeNull();
    }
    const f1 = await db.driftWindow.findUniqueOrThrow({ where: { modelVersionId_feature_windowS_windowStart: { modelVersionId: v.id, feature: 'f1', windowS: 300, windowStart: start } } });
    expect(f1.meanShift).toBeCloseTo(0.5, 1);
  });
});
