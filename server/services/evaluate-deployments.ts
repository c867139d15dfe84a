import type { Db } from '../db/client';
import type { Deployment, RegisteredModel } from '../db/generated/client';
import { decideCanary, type TCanaryDecision } from '../domain/canary-policy';
import { isDomainError } from '../domain/errors';
import { SLA_P99_LIMIT_MS } from '../domain/model-lifecycle';
import { AWAITING_SECOND_OWNER, DEPLOYMENT_EVALUATOR, deploymentApproval, lockDeployment, promoteDeploymentIn, rollbackDeploymentIn, toJson, updateDeploymentIn } from './deployment-core';
import { trafficWindow } from './read-version-traffic';
import { listLiveWorkers } from './record-worker-report';
import { newRequestId, type ServiceContext } from './service-context';

/*
 * The deployment evaluator, run every 30 s in-process and by `npm run jobs:evaluate`. Canary: the
 * candidate's window (since its current step started) against the stable version's trailing
 * hour, from version_traffic, decided by decideCanary -> roll back / next step / promote /
 * continue. Blue-green: promote once every live worker serving the model has the candidate ready
 * (its load, warm-up and golden check passed), roll back when one failed it. Each action runs
 * under the model's lock and re-checks that the deployment is still where it was evaluated, so
 * several replicas evaluating at once act once.
 */

export const EVALUATION_INTERVAL_MS = 30_000;
export const STABLE_BASELINE_MS = 3_600_000;

export type TEvaluation = { deploymentId: string; model: string; action: 'rollback' | 'advance' | 'promote' | 'continue' | 'wait' | 'error'; message: string; figures?: Record<string, unknown> };


export async function evaluateDeployments(opts: { db: Db; now?: Date; log?: (line: string) => void }): Promise<TEvaluation[]> {
  const now = opts.now ?? new Date();
  const active = await opts.db.deployment.findMany({ where: { activeModelId: { not: null } }, orderBy: { createdAt: 'asc' } });
  const results: TEvaluation[] = [];
  for (const d of active) {
    const ctx: ServiceContext = { db: opts.db, actor: DEPLOYMENT_EVALUATOR, requestId: newRequestId(), now: () => now };
    try {
      results.push(await evaluateOne(ctx, d, now));
    } catch (err) {
      const message = isDomainError(err) ? err.message : 'evaluation failed; see the server log';
      if (!isDomainError(err)) console.error(`[deployments] evaluating ${d.id} failed`, err);
      opts.log?.(`[deployments] ${d.id}: ${message}`);
      results.push({ deploymentId: d.id, model: d.modelId, action: 'error', message });
    }
  }
  return results;
}

/** The canary's figures now: the candidate since its step started, the stable version over the trailing hour. */
export async function canaryFigures(db: Db, d: Deployment, model: RegisteredModel, now: Date): Promise<TCanaryDecision> {
  const [candidate, stable] = await Promise.all([
    trafficWindow(db, d.candidateVersionId, d.stepStartedAt, now),
    d.stableVersionId ? trafficWindow(db, d.stableVersionId, new Date(now.getTime() - STABLE_BASELINE_MS), now) : null,
  ]);
  return decideCanary({
    candidate: { requests: candidate.requests, errors: candidate.errors, p99Ms: candidate.p99Ms },
    stable: { requests: stable?.requests ?? 0, errors: stable?.errors ?? 0 },
    slaP99Ms: SLA_P99_LIMIT_MS[model.slaClass],
    durationElapsed: now.getTime() - d.stepStartedAt.getTime() >= d.stepDurationS * 1000,
  });
}

async function evaluateOne(ctx: ServiceContext, seen: Deployment, now: Date): Promise<TEvaluation> {
  const model = await ctx.db.registeredModel.findUniqueOrThrow({ where: { id: seen.modelId } });
  const base = { deploymentId: seen.id, model: model.name };
  if (seen.strategy === 'ab_test') return { ...base, action: 'continue', message: 'A/B tests end by an owner\u2019s decision on the verdict' };
  if (seen.strategy === 'blue_green') return evaluateBlueGreen(ctx, seen, model, now);

  const decision = await canaryFigures(ctx.db, seen, model, now);
  const figures = { ...decision.figures, stepIndex: seen.stepIndex, candidateWeight: seen.candidateWeight };
  return ctx.db.$transaction(async (tx) => {
    const { deployment: d } = await lockDeployment(tx, seen.id);
    // Acted on meanwhile (another replica, an owner): this evaluation is stale.
    if (d.status !== seen.status || d.stepIndex !== seen.stepIndex || d.stepStartedAt.getTime() !== seen.stepStartedAt.getTime()) return { ...base, action: 'wait', message: 'changed while being evaluated' };
    if (decision.action === 'rollback') {
      await rollbackDeploymentIn(tx, ctx, model, d, { reason: `automated rollback (${decision.reason}): ${decision.message}`, figures, automated: true });
      return { ...base, action: 'rollback', message: decision.message, figures };
    }
    if (decision.action === 'promote' && d.status === 'running') {
      if (d.stepIndex < d.steps.length - 1) {
        const next = d.stepIndex + 1;
        await updateDeploymentIn(tx, ctx, model, d, 'step_advanced', { stepIndex: next, candidateWeight: d.steps[next]!, stepStartedAt: now, figures: toJson(figures), reason: decision.message }, `step ${next + 1} of ${d.steps.length}: ${decision.message}`);
        return { ...base, action: 'advance', message: `candidate at ${d.steps[next]! / 100}%`, figures };
      }
      const approval = await deploymentApproval(tx, model, d, ctx.actor);
      if (d.autoPromote && approval) {
        await promoteDeploymentIn(tx, ctx, model, d, { reason: decision.message, figures, approval });
        return { ...base, action: 'promote', message: decision.message, figures };
      }
      const waiting = `healthy at its end: ${approval ? 'waiting for an owner to promote' : AWAITING_SECOND_OWNER}`;
      await tx.deployment.update({ where: { id: d.id }, data: { figures: toJson(figures), reason: waiting, updatedAt: now } });
      return { ...base, action: 'wait', message: waiting, figures };
    }
    const message = d.status === 'paused' ? `paused (${decision.message})` : decision.message;
    await tx.deployment.update({ where: { id: d.id }, data: { figures: toJson(figures), reason: message, updatedAt: now } });
    return { ...base, action: 'continue', message, figures };
  });
}

async function evaluateBlueGreen(ctx: ServiceContext, seen: Deployment, model: RegisteredModel, now: Date): Promise<TEvaluation> {
  const base = { deploymentId: seen.id, model: model.name };
  const candidate = await ctx.db.modelVersion.findUniqueOrThrow({ where: { id: seen.candidateVersionId } });
  const workers = await listLiveWorkers(ctx.db, { now, modelName: model.name });
  const states = workers.map((w) => ({ worker: w.id, entry: w.serving.find((s) => s.version === candidate.version) ?? null }));
  const failed = states.find((s) => s.entry?.state === 'failed');
  const ready = states.filter((s) => s.entry?.state === 'ready').length;
  const figures = { liveWorkers: workers.length, candidateReady: ready };
  if (!failed && (seen.status !== 'running' || !workers.length || ready < workers.length)) {
    return { ...base, action: 'continue', message: workers.length ? `candidate ready on ${ready} of ${workers.length} live worker(s)` : 'waiting for a live worker serving the model', figures };
  }
  return ctx.db.$transaction(async (tx) => {
    const { deployment: d } = await lockDeployment(tx, seen.id);
    if (d.status !== seen.status) return { ...base, action: 'wait' as const, message: 'changed while being evaluated' };
    if (failed) {
      const reason = `automated rollback (health-check): version ${candidate.version} failed its check on worker ${failed.worker}: ${failed.entry?.failure ?? 'failed'}`;
      await rollbackDeploymentIn(tx, ctx, model, d, { reason, figures, automated: true });
      return { ...base, action: 'rollback' as const, message: reason, figures };
    }
    const approval = await deploymentApproval(tx, model, d, ctx.actor);
    if (!approval) {
      const waiting = `candidate healthy on all ${workers.length} live worker(s): ${AWAITING_SECOND_OWNER}`;
      await tx.deployment.update({ where: { id: d.id }, data: { figures: toJson(figures), reason: waiting, updatedAt: now } });
      return { ...base, action: 'wait' as const, message: waiting, figures };
    }
    const message = `candidate healthy on all ${workers.length} live worker(s): switching all traffic`;
    await promoteDeploymentIn(tx, ctx, model, d, { reason: message, figures, approval });
    return { ...base, action: 'promote' as const, message, figures };
  });
}
