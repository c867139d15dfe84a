import { ZListDeploymentsInput, type TCanaryDecisionView, type TCanaryPolicyView, type TListDeploymentsInput } from '../contracts/deployments';
import type { Db } from '../db/client';
import type { Deployment, RegisteredModel } from '../db/generated/client';
import { ERROR_RATE_FACTOR, ERROR_RATE_FLOOR, errorRateThreshold, MIN_CANDIDATE_REQUESTS, STABLE_BASELINE_MS, type TCanaryDecision } from '../domain/canary-policy';
import { DomainError, parseInput } from '../domain/errors';
import { SLA_P99_LIMIT_MS } from '../domain/model-lifecycle';
import { canaryVerdict } from '../domain/rollout';
import { trafficSeries, trafficWindow } from './read-version-traffic';
import { loadLiveFigures } from './rollout/load-live-figures';

/* Deployment views for the UI and clients: the list, and one deployment with its live figures and history. */

async function withVersions(db: Db, rows: Deployment[]) {
  const ids = [...new Set(rows.flatMap((d) => [d.candidateVersionId, d.stableVersionId].filter((x): x is string => !!x)))];
  const modelIds = [...new Set(rows.map((d) => d.modelId))];
  const [versions, models] = await Promise.all([
    db.modelVersion.findMany({ where: { id: { in: ids } }, select: { id: true, version: true, stage: true, runId: true } }),
    db.registeredModel.findMany({ where: { id: { in: modelIds } }, select: { id: true, name: true, slaClass: true } }),
  ]);
  const v = new Map(versions.map((x) => [x.id, x]));
  const m = new Map(models.map((x) => [x.id, x]));
  return rows.map((d) => ({
    ...d,
    modelName: m.get(d.modelId)?.name ?? '',
    candidate: v.get(d.candidateVersionId) ?? null,
    stable: d.stableVersionId ? (v.get(d.stableVersionId) ?? null) : null,
    candidatePercent: d.candidateWeight / 100,
    stepsPercent: d.steps.map((s) => s / 100),
  }));
}

export async function listDeployments(db: Db, raw: TListDeploymentsInput = {}) {
  const input = parseInput(ZListDeploymentsInput, raw, 'deployment query');
  const model = input.modelName ? await db.registeredModel.findUnique({ where: { name: input.modelName }, select: { id: true } }) : null;
  if (input.modelName && !model) throw new DomainError('NOT_FOUND', `Registered Model with name=${input.modelName} not found`);
  const rows = await db.deployment.findMany({
    where: { ...(model ? { modelId: model.id } : {}), ...(input.active === undefined ? {} : input.active ? { activeModelId: { not: null } } : { activeModelId: null }) },
    orderBy: { createdAt: 'desc' },
    take: input.limit,
  });
  return withVersions(db, rows);
}

/** One deployment: the recorded figures, the live window figures, per-minute traffic of both versions, and its audit history. */
export async function getDeployment(db: Db, deploymentId: string, opts: { now?: Date; viewerId?: string | null } = {}) {
  const now = opts.now ?? new Date();
  const d = await db.deployment.findUnique({ where: { id: deploymentId }, include: { promotionRequest: { select: { id: true, decidedByLabel: true, requestedByLabel: true } } } });
  if (!d) throw new DomainError('NOT_FOUND', `no deployment ${deploymentId}`);
  const { promotionRequest, ...row } = d;
  const [view] = await withVersions(db, [row]);
  const model = await db.registeredModel.findUniqueOrThrow({ where: { id: d.modelId } });
  const until = d.endedAt ?? now;
  const since = new Date(Math.min(d.createdAt.getTime(), until.getTime() - STABLE_BASELINE_MS));
  const [candidateWindow, stableWindow, series, history, live] = await Promise.all([
    trafficWindow(db, d.candidateVersionId, d.stepStartedAt, until),
    d.stableVersionId ? trafficWindow(db, d.stableVersionId, new Date(until.getTime() - STABLE_BASELINE_MS), until) : null,
    trafficSeries(db, [d.candidateVersionId, ...(d.stableVersionId ? [d.stableVersionId] : [])], since, until),
    db.auditEvent.findMany({ where: { subjectType: 'deployment', subjectId: d.id }, orderBy: { id: 'asc' }, select: { id: true, at: true, action: true, actorLabel: true, reason: true, after: true } }),
    d.strategy === 'canary' && d.activeModelId ? liveCanaryVerdict(db, row, model, now) : null,
  ]);
  return {
    ...view!,
    windows: { candidate: candidateWindow, stable: stableWindow },
    liveDecision: live ? decisionView(live) : null,
    canaryPolicy: d.strategy === 'canary' ? canaryPolicy(live, d.figures, stableWindow?.errorRate ?? null, SLA_P99_LIMIT_MS[model.slaClass]) : null,
    traffic: series.map((s) => ({ ...s, role: s.versionId === d.candidateVersionId ? ('candidate' as const) : ('stable' as const) })),
    history: history.map((h) => ({ ...h, id: String(h.id) })),
    // Four-eyes (domain/rollout/deployments.ts): who approved the promotion this deployment ends in, or that a second owner must.
    approval: promotionRequest ? { requestId: promotionRequest.id, requestedBy: promotionRequest.requestedByLabel, approvedBy: promotionRequest.decidedByLabel } : null,
    viewerStartedIt: opts.viewerId != null && opts.viewerId === d.createdById,
  };
}

/** What the evaluator would decide on the canary's figures now (the same verdict it acts on). */
async function liveCanaryVerdict(db: Db, d: Deployment, model: Pick<RegisteredModel, 'name' | 'slaClass'>, now: Date): Promise<TCanaryDecision | null> {
  const live = await loadLiveFigures(db, d, model, now);
  return live?.kind === 'canary' ? canaryVerdict(d, live, model.slaClass, now) : null;
}

/** The live decision with its figures as the contract types them (no p99 yet is null, not NaN). */
function decisionView(live: TCanaryDecision): TCanaryDecisionView {
  const p99 = live.figures.candidateP99Ms;
  return {
    action: live.action,
    reason: live.action === 'rollback' ? live.reason : null,
    message: live.message,
    figures: { ...live.figures, candidateP99Ms: Number.isNaN(p99) ? null : p99 },
  };
}

/** The limits this canary is judged by: the threshold of the live evaluation, else the last recorded one, else the stable window's. */
function canaryPolicy(live: TCanaryDecision | null, recorded: unknown, stableErrorRate: number | null, slaP99Ms: number): TCanaryPolicyView {
  const recordedThreshold = recorded && typeof recorded === 'object' ? (recorded as Record<string, unknown>).errorRateThreshold : undefined;
  const threshold = live?.figures.errorRateThreshold ?? (typeof recordedThreshold === 'number' ? recordedThreshold : errorRateThreshold(stableErrorRate ?? 0));
  return { minCandidateRequests: MIN_CANDIDATE_REQUESTS, errorRateFactor: ERROR_RATE_FACTOR, errorRateFloor: ERROR_RATE_FLOOR, lowestErrorRateThreshold: errorRateThreshold(0), errorRateThreshold: threshold, slaP99Ms };
}
