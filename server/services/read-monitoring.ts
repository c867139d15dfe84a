import type { z } from 'zod';
import { ZReferenceStats } from '../contracts/model-registry';
import { ZConfidenceQuery, ZDriftSeriesQuery, ZModelOverviewQuery, ZTrainingVsLiveQuery, ZVersionSeriesQuery } from '../contracts/monitoring';
import { MODEL_REF_RE } from '../contracts/worker-model';
import { LATENCY_BUCKETS_MS } from '../contracts/worker-report';
import { SPLIT_BUCKETS } from '../contracts/worker-desired-state';
import type { DbOrTx } from '../db/client';
import { MEAN_SHIFT_ALERT, PSI_WARN } from '../domain/drift-statistics';
import { PREDICTION_FEATURE } from '../domain/drift-window';
import { DomainError, parseInput } from '../domain/errors';
import { histogramQuantile } from '../domain/latency-histogram';
import { resolveDesiredState } from './resolve-desired-state';
import { trafficWindow } from './read-version-traffic';

/*
 * What the monitoring page draws, per model and version: traffic (throughput, error rate,
 * p50/p99 per minute from version_traffic, latency histograms merged across workers), the live
 * split, the confidence distribution, drift series with their thresholds, and training vs live
 * histograms. Every read aggregates in SQL; none loads prediction rows.
 */

const HOUR_MS = 3_600_000;
const MAX_RANGE_MS = 7 * 24 * HOUR_MS;

function range(q: { from?: Date; to?: Date }, now: Date): { from: Date; to: Date } {
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - HOUR_MS);
  if (!(from < to)) throw new DomainError('BAD_REQUEST', 'from must be before to');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new DomainError('BAD_REQUEST', 'a range spans at most 7 days');
  return { from, to };
}

async function modelByName(db: DbOrTx, name: string) {
  const model = await db.registeredModel.findUnique({ where: { name }, select: { id: true, name: true, slaClass: true } });
  if (!model) throw new DomainError('NOT_FOUND', `no registered model named ${name}`);
  return model;
}

async function versionOf(db: DbOrTx, modelName: string, version: number) {
  const model = await modelByName(db, modelName);
  const v = await db.modelVersion.findUnique({ where: { modelId_version: { modelId: model.id, version } }, select: { id: true, version: true, referenceStats: true } });
  if (!v) throw new DomainError('NOT_FOUND', `${modelName} has no version ${version}`);
  return { model, version: v };
}

export interface TSplitSlot {
  version: number;
  variant: string;
  percent: number;
}

/**
 * The split workers are told to serve (the desired-state logic itself), falling back to the
 * active deployment's rows for names the worker reference syntax cannot express.
 */
export async function liveSplit(db: DbOrTx, model: { id: string; name: string }, now: Date): Promise<TSplitSlot[]> {
  const ref = `${model.name}@production`;
  if (MODEL_REF_RE.test(ref)) {
    const state = await resolveDesiredState(db, [ref], now);
    const m = state.models.find((x) => x.name === model.name);
    return (m?.versions ?? []).map((v) => ({ version: v.version, variant: v.variant, percent: (v.weight / SPLIT_BUCKETS) * 100 }));
  }
  const d = await db.deployment.findUnique({ where: { activeModelId: model.id } });
  if (!d) return [];
  const versions = await db.modelVersion.findMany({ where: { id: { in: [d.candidateVersionId, ...(d.stableVersionId ? [d.stableVersionId] : [])] } }, select: { id: true, version: true } });
  const num = (id: string) => versions.find((v) => v.id === id)!.version;
  const candidate = { version: num(d.candidateVersionId), variant: d.strategy === 'ab_test' ? 'b' : 'canary', percent: d.candidateWeight / 100 };
  return d.stableVersionId ? [{ version: num(d.stableVersionId), variant: d.strategy === 'ab_test' ? 'a' : 'stable', percent: 100 - candidate.percent }, candidate] : [candidate];
}

export async function modelOverview(db: DbOrTx, raw: z.input<typeof ZModelOverviewQuery>, now: Date = new Date()) {
  const q = parseInput(ZModelOverviewQuery, raw, 'overview query');
  const model = await modelByName(db, q.modelName);
  const [split, deployment, openAlerts, versions] = await Promise.all([
    liveSplit(db, model, now),
    db.deployment.findUnique({ where: { activeModelId: model.id } }),
    db.alert.count({ where: { modelId: model.id, status: 'open' } }),
    db.modelVersion.findMany({ where: { modelId: model.id, stage: { not: 'archived' } }, select: { id: true, version: true, stage: true }, orderBy: { version: 'desc' } }),
  ]);
  const served = versions.filter((v) => split.some((s) => s.version === v.version));
  const since = new Date(now.getTime() - HOUR_MS);
  const perVersion = await Promise.all(
    served.map(async (v) => {
      const [traffic, drift] = await Promise.all([
        trafficWindow(db, v.id, since, now),
        db.$queryRaw<{ feature: string; meanShift: number; psi: number; ks: number | null; alert: boolean; windowStart: Date }[]>`
          SELECT DISTINCT ON (feature) feature, mean_shift AS "meanShift", psi, ks, alert, window_start AS "windowStart"
          FROM drift_windows WHERE model_version_id = ${v.id}::uuid AND window_s = 300 AND window_start >= ${new Date(now.getTime() - 3 * HOUR_MS)}
          ORDER BY feature, window_start DESC`,
      ]);
      return {
        version: v.version,
        stage: v.stage,
        variants: split.filter((s) => s.version === v.version).map((s) => s.variant),
        percent: split.filter((s) => s.version === v.version).reduce((a, s) => a + s.percent, 0),
        lastHour: { ...traffic, throughputPerS: traffic.requests / 3600 },
        drift: { latest: drift, alerting: drift.filter((d) => d.alert).map((d) => d.feature) },
      };
    }),
  );
  return {
    model: model.name,
    slaClass: model.slaClass,
    split,
    deployment: deployment ? { id: deployment.id, strategy: deployment.strategy, status: deployment.status, candidatePercent: deployment.candidateWeight / 100 } : null,
    openAlerts,
    versions: perVersion,
    thresholds: { meanShift: MEAN_SHIFT_ALERT, psi: PSI_WARN },
  };
}

/** Per minute and version: requests, throughput, error rate and p50/p99 from the merged latency histograms. */
export async function versionSeries(db: DbOrTx, raw: z.input<typeof ZVersionSeriesQuery>, now: Date = new Date()) {
  const q = parseInput(ZVersionSeriesQuery, raw, 'series query');
  const { from, to } = range(q, now);
  const model = await modelByName(db, q.modelName);
  const wanted = q.versions ?? (await liveSplit(db, model, now)).map((s) => s.version);
  const versions = await db.modelVersion.findMany({ where: { modelId: model.id, version: { in: wanted } }, select: { id: true, version: true } });
  if (!versions.length) return { from, to, boundsMs: [...LATENCY_BUCKETS_MS], series: [] };
  const ids = versions.map((v) => v.id);
  const [totals, buckets] = await Promise.all([
    db.$queryRaw<{ minute: Date; versionId: string; requests: bigint; errors: bigint }[]>`
      SELECT minute, model_version_id::text AS "versionId", sum(requests)::bigint AS requests, sum(errors)::bigint AS errors
      FROM version_traffic WHERE model_version_id = ANY(${ids}::uuid[]) AND minute >= ${from} AND minute <= ${to}
      GROUP BY 1, 2 ORDER BY 1`,
    db.$queryRaw<{ minute: Date; versionId: string; i: number; c: bigint }[]>`
      SELECT t.minute, t.model_version_id::text AS "versionId", u.i::int AS i, sum(u.c)::bigint AS c
      FROM version_traffic t, unnest(t.latency_counts) WITH ORDINALITY AS u(c, i)
      WHERE t.model_version_id = ANY(${ids}::uuid[]) AND t.minute >= ${from} AND t.minute <= ${to}
      GROUP BY 1, 2, 3`,
  ]);
  const key = (m: Date, v: string) => `${v}|${m.getTime()}`;
  const hist = new Map<string, number[]>();
  for (const b of buckets) {
    const k = key(b.minute, b.versionId);
    const counts = hist.get(k) ?? new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    if (b.i >= 1 && b.i <= counts.length) counts[b.i - 1] = Number(b.c);
    hist.set(k, counts);
  }
  return {
    from,
    to,
    boundsMs: [...LATENCY_BUCKETS_MS],
    series: versions.map((v) => ({
      version: v.version,
      points: totals
        .filter((t) => t.versionId === v.id)
        .map((t) => {
          const requests = Number(t.requests);
          const errors = Number(t.errors);
          const counts = hist.get(key(t.minute, v.id)) ?? [];
          return {
            minute: t.minute,
            requests,
            throughputPerS: requests / 60,
            errors,
            errorRate: requests ? errors / requests : null,
            p50Ms: histogramQuantile(0.5, LATENCY_BUCKETS_MS, counts),
            p99Ms: histogramQuantile(0.99, LATENCY_BUCKETS_MS, counts),
          };
        }),
    })),
  };
}

/** Drift per feature over time, with the thresholds the charts draw. */
export async function driftSeries(db: DbOrTx, raw: z.input<typeof ZDriftSeriesQuery>, now: Date = new Date()) {
  const q = parseInput(ZDriftSeriesQuery, raw, 'drift query');
  const { from, to } = range({ from: q.from ?? new Date((q.to ?? now).getTime() - 24 * HOUR_MS), to: q.to }, now);
  const { version } = await versionOf(db, q.modelName, q.version);
  const rows = await db.driftWindow.findMany({
    where: { modelVersionId: version.id, windowS: q.windowS, windowStart: { gte: from, lte: to }, ...(q.features ? { feature: { in: q.features } } : {}) },
    orderBy: [{ feature: 'asc' }, { windowStart: 'asc' }],
    select: { feature: true, windowStart: true, count: true, mean: true, meanShift: true, psi: true, ks: true, alert: true },
  });
  const features = [...new Set(rows.map((r) => r.feature))].sort((a, b) => (a === PREDICTION_FEATURE ? -1 : b === PREDICTION_FEATURE ? 1 : a.localeCompare(b, 'en', { numeric: true })));
  return {
    windowS: q.windowS,
    thresholds: { meanShift: MEAN_SHIFT_ALERT, psi: PSI_WARN },
    features: features.map((f) => ({
      feature: f,
      points: rows.filter((r) => r.feature === f).map(({ feature: _f, ...p }) => ({ ...p, psiWarning: p.psi > PSI_WARN })),
    })),
  };
}

/** The confidence distribution of a version's logged predictions (equal-width bins over [0, 1]). */
export async function confidenceHistogram(db: DbOrTx, raw: z.input<typeof ZConfidenceQuery>, now: Date = new Date()) {
  const q = parseInput(ZConfidenceQuery, raw, 'confidence query');
  const { from, to } = range(q, now);
  const { version } = await versionOf(db, q.modelName, q.version);
  const rows = await db.$queryRaw<{ b: number; n: bigint }[]>`
    SELECT least(greatest(width_bucket(confidence, 0, 1, ${q.bins}), 1), ${q.bins})::int AS b, count(*)::bigint AS n
    FROM prediction_logs WHERE model_version_id = ${version.id}::uuid AND ts >= ${from} AND ts < ${to} AND confidence IS NOT NULL
    GROUP BY 1 ORDER BY 1`;
  const counts = new Array<number>(q.bins).fill(0);
  for (const r of rows) counts[r.b - 1] = Number(r.n);
  return { from, to, binEdges: Array.from({ length: q.bins + 1 }, (_, i) => i / q.bins), counts, total: counts.reduce((a, b) => a + b, 0) };
}

/** The training histogram of one feature (or "__prediction__") beside the latest live window's, as proportions on the same bins. */
export async function trainingVsLive(db: DbOrTx, raw: z.input<typeof ZTrainingVsLiveQuery>) {
  const q = parseInput(ZTrainingVsLiveQuery, raw, 'histogram query');
  const { version } = await versionOf(db, q.modelName, q.version);
  const ref = ZReferenceStats.safeParse(version.referenceStats);
  if (!ref.success) throw new DomainError('CONFLICT', `${q.modelName} v${q.version} has no reference statistics`);
  const stats = q.feature === PREDICTION_FEATURE ? ref.data.prediction : ref.data.features[q.feature];
  if (!stats) throw new DomainError('NOT_FOUND', `${q.modelName} v${q.version} has no feature ${q.feature}`);
  const live = await db.driftWindow.findFirst({ where: { modelVersionId: version.id, feature: q.feature, windowS: q.windowS }, orderBy: { windowStart: 'desc' } });
  const share = (counts: readonly number[]) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((c) => (total ? c / total : 0));
  };
  return {
    feature: q.feature,
    binEdges: stats.histogram.binEdges,
    training: { count: stats.count, mean: stats.mean, std: stats.std, share: share(stats.histogram.counts) },
    live: live ? { windowStart: live.windowStart, windowS: live.windowS, count: live.count, mean: live.mean, share: share(live.liveCounts), meanShift: live.meanShift, psi: live.psi, ks: live.ks } : null,
  };
}
