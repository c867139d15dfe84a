import { ZAbResultsQuery, type TAbResultsQuery } from '../contracts/monitoring';
import type { DbOrTx } from '../db/client';
import { cohensD, cohensH, meanInterval, rateInterval } from '../domain/ab-effect-size';
import { AB_ALPHA, AB_MIN_PER_VARIANT, abReadiness, twoProportionZTest, welchTTest, type TAbReadiness } from '../domain/ab-significance';
import { DomainError, parseInput } from '../domain/errors';
import { uuidToRunId } from '../domain/run-id';

/*
 * The A/B verdict of a deployment: per variant the predictions it served during the test and the
 * outcomes posted for them (count, rate or mean, interval), aggregated in SQL (count, avg,
 * var_samp), then the two-proportion z-test or Welch's t-test once both variants have enough.
 */

export interface TAbVariant {
  variant: 'a' | 'b';
  versionId: string;
  version: number;
  predictions: number;
  outcomes: number;
  /** Conversion rate (binary) or mean value (continuous); null without outcomes. */
  estimate: number | null;
  variance: number | null;
  interval: [number, number] | null;
  run: { id: string; name: string } | null;
  experiment: { id: string; name: string } | null;
}

export interface TAbVerdict {
  test: 'two-proportion z-test' | "Welch's t-test";
  /** B minus A. */
  effect: number;
  /** Effect relative to A (lift); null when A's estimate is 0. */
  relativeEffect: number | null;
  /** Cohen's h (binary) or Cohen's d (continuous). */
  effectSize: number | null;
  effectSizeName: "Cohen's h" | "Cohen's d";
  interval: [number, number];
  statistic: number;
  df: number | null;
  pValue: number;
  significant: boolean;
  winner: 'a' | 'b' | null;
}

export interface TAbResults {
  deploymentId: string;
  model: string;
  status: string;
  kind: 'binary' | 'continuous' | null;
  alpha: number;
  minPerVariant: number;
  startedAt: Date;
  endedAt: Date | null;
  variants: TAbVariant[];
  readiness: TAbReadiness;
  /** Null until both variants have enough predictions and outcomes (no peeking). */
  verdict: TAbVerdict | null;
}

async function findDeployment(db: DbOrTx, query: TAbResultsQuery) {
  if ('deploymentId' in query) {
    const d = await db.deployment.findUnique({ where: { id: query.deploymentId } });
    if (!d) throw new DomainError('NOT_FOUND', `no deployment ${query.deploymentId}`);
    return d;
  }
  const model = await db.registeredModel.findUnique({ where: { name: query.modelName }, select: { id: true } });
  if (!model) throw new DomainError('NOT_FOUND', `no registered model named ${query.modelName}`);
  const d = await db.deployment.findFirst({ where: { modelId: model.id, strategy: 'ab_test' }, orderBy: { createdAt: 'desc' } });
  if (!d) throw new DomainError('NOT_FOUND', `${query.modelName} has no A/B test`);
  return d;
}

export async function readAbResults(db: DbOrTx, raw: TAbResultsQuery, now: Date = new Date()): Promise<TAbResults> {
  const query = parseInput(ZAbResultsQuery, raw, 'A/B results query');
  const d = await findDeployment(db, query);
  if (!d.stableVersionId) throw new DomainError('CONFLICT', `deployment ${d.id} has a single version: there is nothing to compare`);
  const ids = [d.stableVersionId, d.candidateVersionId];
  const until = d.endedAt ?? now;
  const [model, versions, predictionRows, outcomeRows] = await Promise.all([
    db.registeredModel.findUniqueOrThrow({ where: { id: d.modelId }, select: { name: true } }),
    db.modelVersion.findMany({ where: { id: { in: ids } }, select: { id: true, version: true, runId: true } }),
    db.$queryRaw<{ versionId: string; n: bigint }[]>`
      SELECT model_version_id::text AS "versionId", count(*)::bigint AS n FROM prediction_logs
      WHERE model_version_id = ANY(${ids}::uuid[]) AND ts >= ${d.createdAt} AND ts <= ${until}
      GROUP BY model_version_id`,
    db.$queryRaw<{ versionId: string; kind: string; n: bigint; mean: number | null; variance: number | null; successes: number | null }[]>`
      SELECT model_version_id::text AS "versionId", kind, count(*)::bigint AS n, avg(value)::float8 AS mean, var_samp(value)::float8 AS variance, sum(value)::float8 AS successes
      FROM feedback WHERE deployment_id = ${d.id}::uuid
      GROUP BY model_version_id, kind`,
  ]);
  const kind = (d.outcomeKind ?? majorityKind(outcomeRows)) as 'binary' | 'continuous' | null;
  const runs = await db.run.findMany({
    where: { id: { in: versions.flatMap((v) => (v.runId ? [v.runId] : [])) } },
    select: { id: true, name: true, experiment: { select: { id: true, name: true } } },
  });

  const variants: TAbVariant[] = ids.map((id, i) => {
    const v = versions.find((x) => x.id === id)!;
    const predictions = Number(predictionRows.find((r) => r.versionId === id)?.n ?? 0);
    const o = outcomeRows.find((r) => r.versionId === id && r.kind === kind);
    const n = Number(o?.n ?? 0);
    const run = runs.find((r) => r.id === v.runId);
    const estimate = n > 0 ? o!.mean : null;
    return {
      variant: i === 0 ? 'a' : 'b',
      versionId: id,
      version: v.version,
      predictions,
      outcomes: n,
      estimate,
      variance: o?.variance ?? null,
      interval: !o || n === 0 ? null : kind === 'binary' ? rateInterval(o.successes ?? 0, n) : meanInterval(n, o.mean ?? 0, o.variance ?? 0),
      run: run ? { id: uuidToRunId(run.id), name: run.name } : null,
      experiment: run ? { id: String(run.experiment.id), name: run.experiment.name } : null,
    };
  });

  const readiness = abReadiness(variants.map((v) => ({ name: v.variant.toUpperCase(), predictions: v.predictions, outcomes: v.outcomes })));
  const verdict = readiness.ready && kind ? verdictOf(kind, variants, outcomeRows.filter((r) => r.kind === kind)) : null;
  return {
    deploymentId: d.id,
    model: model.name,
    status: d.status,
    kind,
    alpha: AB_ALPHA,
    minPerVariant: AB_MIN_PER_VARIANT,
    startedAt: d.createdAt,
    endedAt: d.endedAt,
    variants,
    readiness,
    verdict,
  };
}

function majorityKind(rows: { kind: string; n: bigint }[]): string | null {
  const byKind = new Map<string, number>();
  for (const r of rows) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + Number(r.n));
  return [...byKind.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] ?? null;
}

function verdictOf(kind: 'binary' | 'continuous', variants: TAbVariant[], rows: { versionId: string; successes: number | null }[]): TAbVerdict {
  const [a, b] = variants as [TAbVariant, TAbVariant];
  const relative = (effect: number) => (a.estimate ? effect / a.estimate : null);
  if (kind === 'binary') {
    const successes = (v: TAbVariant) => Math.round(rows.find((r) => r.versionId === v.versionId)?.successes ?? 0);
    const t = twoProportionZTest({ successes: successes(a), n: a.outcomes }, { successes: successes(b), n: b.outcomes });
    return {
      test: 'two-proportion z-test',
      effect: t.effect,
      relativeEffect: relative(t.effect),
      effectSize: cohensH(a.estimate ?? 0, b.estimate ?? 0),
      effectSizeName: "Cohen's h",
      interval: t.interval,
      statistic: t.statistic,
      df: null,
      pValue: t.pValue,
      significant: t.significant,
      winner: t.significant ? (t.effect > 0 ? 'b' : 'a') : null,
    };
  }
  const sample = (v: TAbVariant) => ({ n: v.outcomes, mean: v.estimate ?? 0, variance: v.variance ?? 0 });
  const t = welchTTest(sample(a), sample(b));
  return {
    test: "Welch's t-test",
    effect: t.effect,
    relativeEffect: relative(t.effect),
    effectSize: cohensD(sample(a), sample(b)),
    effectSizeName: "Cohen's d",
    interval: t.interval,
    statistic: t.statistic,
    df: t.df,
    pValue: t.pValue,
    significant: t.significant,
    winner: t.significant ? (t.effect > 0 ? 'b' : 'a') : null,
  };
}
