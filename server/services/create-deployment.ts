import { principalUserId } from '../auth/principal';
import { DEFAULT_CANARY_DURATION_S, DEFAULT_CANARY_PERCENT, ZCreateDeploymentInput, type TCreateDeploymentInput } from '../contracts/deployments';
import { SPLIT_BUCKETS } from '../contracts/worker-desired-state';
import { DomainError, parseInput, refusal } from '../domain/errors';
import { describeUnmet, unmetGates } from '../domain/model-lifecycle';
import type { Tx } from '../db/client';
import type { RegisteredModel } from '../db/generated/client';
import { aliasTarget, enqueueWebhookEvent, gateEvidence, loadVersion, lockModel, moveAlias, nowOf, requireOwner } from './model-registry-core';
import { recordAuditEvent } from './record-audit-event';
import type { ServiceContext } from './service-context';

/*
 * Starts a deployment of a candidate version: blue-green, canary (default 5% for 24 h, optional
 * steps) or an A/B test. Every refusal throws before anything is written, so a refused deployment
 * never changes what workers serve. One active deployment per model: the model's row lock
 * serialises two concurrent starts, and the unique activeModelId backs it up.
 */

const toBps = (percent: number) => Math.round(percent * 100);

export async function createDeployment(ctx: ServiceContext, raw: TCreateDeploymentInput) {
  const input = parseInput(ZCreateDeploymentInput, raw, 'deployment');
  try {
    return await ctx.db.$transaction(async (tx) => {
      const model = await lockModel(tx, input.modelName);
      await requireOwner(tx, model, ctx.actor, 'deploy a version');
      return await startDeploymentIn(tx, ctx, model, input);
    });
  } catch (err) {
    // Two starts that raced past the check: the unique active-model index refuses the second.
    if ((err as { code?: unknown } | null)?.code === 'P2002') {
      const model = await ctx.db.registeredModel.findUnique({ where: { name: input.modelName }, select: { id: true } });
      const active = model ? await ctx.db.deployment.findUnique({ where: { activeModelId: model.id }, select: { id: true, status: true, strategy: true } }) : null;
      if (active) throw refusal('DEPLOYMENT_RUNNING', `model ${input.modelName} already has a ${active.status} deployment (${active.id})`, { deploymentId: active.id, status: active.status, strategy: active.strategy });
      throw new DomainError('CONFLICT', `model ${input.modelName} already has an active deployment`);
    }
    throw err;
  }
}

/**
 * Starts a deployment inside the caller's transaction (the model's row locked, the caller's right
 * to deploy checked). `promotionRequestId`: the approved request this canary carries out.
 */
export async function startDeploymentIn(tx: Tx, ctx: ServiceContext, model: RegisteredModel, input: TDeploymentPlanInput, promotionRequestId: string | null = null) {
  const plan = planTraffic(input);
  const now = nowOf(ctx);
  const candidate = await loadVersion(tx, model, input.version);
  if (candidate.stage === 'archived') throw new DomainError('CONFLICT', `version ${candidate.version} of ${model.name} is archived; archived versions are never served`);
  if (!candidate.complete) throw new DomainError('CONFLICT', `version ${candidate.version} of ${model.name} is incomplete (missing ${candidate.missing.join(', ')}) and cannot be deployed`, { missing: candidate.missing });
  if (candidate.stage === 'production') throw new DomainError('CONFLICT', `version ${candidate.version} of ${model.name} is already in production`);
  if (candidate.stage !== 'staging') throw new DomainError('CONFLICT', `version ${candidate.version} of ${model.name} is in ${candidate.stage}; deploy a version from staging`);
  const active = await tx.deployment.findUnique({ where: { activeModelId: model.id } });
  if (active) {
    throw refusal('DEPLOYMENT_RUNNING', `model ${model.name} already has a ${active.status} deployment (${active.id}); promote or roll it back first`, { deploymentId: active.id, status: active.status, strategy: active.strategy });
  }
  // The candidate must be able to reach production at the end, so its gates (all but the approval this deployment carries) are checked now.
  const unmet = unmetGates(['complete', 'validation', 'benchmark'], await gateEvidence(tx, model, candidate));
  if (unmet.length) throw refusal('GATES_UNMET', `version ${candidate.version} of ${model.name} cannot be deployed; unmet gates: ${describeUnmet(unmet)}`, {
      model: model.name,
      version: candidate.version,
      to: 'production',
      unmet,
    });
  const stable = await aliasTarget(tx, model.id, 'production');
  if (!stable && input.strategy !== 'blue_green') throw new DomainError('CONFLICT', `model ${model.name} has no production version to compare a ${input.strategy.replace('_', ' ')} against; use blue_green for a first deployment`);
  const deployment = await tx.deployment.create({
    data: {
      modelId: model.id,
      activeModelId: model.id,
      strategy: input.strategy,
      status: 'running',
      stableVersionId: stable?.id ?? null,
      candidateVersionId: candidate.id,
      candidateWeight: plan.candidateWeight,
      steps: plan.steps,
      stepIndex: 0,
      stepDurationS: plan.stepDurationS,
      stepStartedAt: now,
      autoPromote: plan.autoPromote,
      outcomeKind: input.strategy === 'ab_test' ? (input.outcomeKind ?? 'binary') : null,
      reason: input.comment || null,
      createdById: principalUserId(ctx.actor),
      promotionRequestId,
      createdAt: now,
      updatedAt: now,
    },
  });
  await moveAlias(tx, ctx, model, 'canary', candidate, 'deployment started');
  await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
    action: 'deployment.created',
    subjectType: 'deployment',
    subjectId: deployment.id,
    after: { model: model.name, strategy: input.strategy, candidate: candidate.version, stable: stable?.version ?? null, candidateWeight: plan.candidateWeight, steps: plan.steps, stepDurationS: plan.stepDurationS, promotionRequestId },
    reason: input.comment || null,
  });
  await enqueueWebhookEvent(tx, now, model, 'deployment.created', {
    deploymentId: deployment.id,
    strategy: input.strategy,
    candidate: candidate.version,
    stable: stable?.version ?? null,
    candidateWeight: plan.candidateWeight,
    promotionRequestId,
  });
  return deployment;
}

type TDeploymentPlanInput = ReturnType<typeof ZCreateDeploymentInput.parse>;

function planTraffic(input: TDeploymentPlanInput) {
  const stepDurationS = input.canary?.durationS ?? DEFAULT_CANARY_DURATION_S;
  const autoPromote = input.canary?.autoPromote ?? true;
  switch (input.strategy) {
    case 'blue_green':
      return { candidateWeight: 0, steps: [] as number[], stepDurationS, autoPromote };
    case 'ab_test': {
      const split = input.split ?? { a: 50, b: 50 };
      if (Math.abs(split.a + split.b - 100) > 1e-9) throw new DomainError('BAD_REQUEST', `split: a (${split.a}%) and b (${split.b}%) must sum to 100%`);
      if (split.a === 0 || split.b === 0) throw new DomainError('BAD_REQUEST', 'split: an A/B test needs traffic on both versions');
      return { candidateWeight: toBps(split.b), steps: [] as number[], stepDurationS, autoPromote: false };
    }
    case 'canary': {
      const steps = (input.canary?.steps ?? [input.canary?.percent ?? DEFAULT_CANARY_PERCENT]).map(toBps);
      if (steps.some((s) => s > SPLIT_BUCKETS)) throw new DomainError('BAD_REQUEST', 'canary steps must be at most 100%');
      return { candidateWeight: steps[0]!, steps, stepDurationS, autoPromote };
    }
  }
}
