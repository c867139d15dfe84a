import { decideCanary } from '../canary-policy';
import { SLA_P99_LIMIT_MS } from '../model-lifecycle';
import { requireSystem } from './actor';
import type { TRolloutCommand } from './commands';
import { AWAITING_SECOND_OWNER, deploymentApproval, findDeployment, promoteDeploymentSteps, requireActive, rollbackDeploymentSteps, updateDeploymentSteps } from './deployments';
import type { Draft } from './lifecycle-steps';
import { refuse, type TEvaluationOutcome } from './refusal';
import { versionById, type TDeploymentFacts } from './snapshot';

/*
 * The evaluator's verdict on an active deployment, from the live figures in the snapshot.
 * Canary: decideCanary (canary-policy.ts) -> roll back / next step / promote / continue; a canary
 * promotes itself only with an approved request behind it, otherwise it waits for a second owner.
 * Blue-green: promote once every live worker has the candidate ready, roll back when one failed
 * its check. A/B tests end by an owner's decision, never here.
 */

type C<K extends TRolloutCommand['kind']> = Extract<TRolloutCommand, { kind: K }>;

export function evaluateDeployment(d: Draft, c: C<'evaluateDeployment'>): TEvaluationOutcome {
  requireSystem(d.actor, 'evaluates deployments (the deployment evaluator)');
  const dep = findDeployment(d, c.deploymentId);
  requireActive(dep, 'evaluate');
  if (dep.strategy === 'ab_test') return { action: 'continue', message: 'A/B tests end by an owner\u2019s decision on the verdict' };
  if (!dep.live || dep.live.kind !== dep.strategy) refuse('NO_LIVE_FIGURES', `no live ${dep.strategy.replace('_', ' ')} figures for deployment ${dep.id}`, { deploymentId: dep.id });
  return dep.strategy === 'blue_green' ? evaluateBlueGreen(d, dep) : evaluateCanary(d, dep);
}

function evaluateCanary(d: Draft, dep: TDeploymentFacts): TEvaluationOutcome {
  const live = dep.live as Extract<TDeploymentFacts['live'], { kind: 'canary' }>;
  const decision = decideCanary({
    candidate: live.candidate,
    stable: dep.stableVersionId ? live.stable : { requests: 0, errors: 0 },
    slaP99Ms: SLA_P99_LIMIT_MS[d.s.model.slaClass],
    durationElapsed: d.now.getTime() - dep.stepStartedAt.getTime() >= dep.stepDurationS * 1000,
  });
  const figures = { ...decision.figures, stepIndex: dep.stepIndex, candidateWeight: dep.candidateWeight };
  if (decision.action === 'rollback') {
    rollbackDeploymentSteps(d, dep, { reason: `automated rollback (${decision.reason}): ${decision.message}`, figures, automated: true });
    return { action: 'rollback', message: decision.message, figures };
  }
  if (decision.action === 'promote' && dep.status === 'running') {
    if (dep.stepIndex < dep.steps.length - 1) {
      const next = dep.stepIndex + 1;
      const weight = dep.steps[next]!;
      updateDeploymentSteps(d, dep, 'step_advanced', { stepIndex: next, candidateWeight: weight, stepStartedAt: d.now, figures, reason: decision.message }, `step ${next + 1} of ${dep.steps.length}: ${decision.message}`);
      return { action: 'advance', message: `candidate at ${weight / 100}%`, figures };
    }
    const approval = deploymentApproval(d, dep, d.actor);
    if (dep.autoPromote && approval) {
      promoteDeploymentSteps(d, dep, { reason: decision.message, figures, approval });
      return { action: 'promote', message: decision.message, figures };
    }
    const waiting = `healthy at its end: ${approval ? 'waiting for an owner to promote' : AWAITING_SECOND_OWNER}`;
    d.push({ type: 'deploymentFiguresRecorded', deploymentId: dep.id, figures, reason: waiting, at: d.now });
    return { action: 'wait', message: waiting, figures };
  }
  const message = dep.status === 'paused' ? `paused (${decision.message})` : decision.message;
  d.push({ type: 'deploymentFiguresRecorded', deploymentId: dep.id, figures, reason: message, at: d.now });
  return { action: 'continue', message, figures };
}

function evaluateBlueGreen(d: Draft, dep: TDeploymentFacts): TEvaluationOutcome {
  const live = dep.live as Extract<TDeploymentFacts['live'], { kind: 'blue_green' }>;
  const figures = { liveWorkers: live.liveWorkers, candidateReady: live.candidateReady };
  if (!live.failed && (dep.status !== 'running' || !live.liveWorkers || live.candidateReady < live.liveWorkers)) {
    return {
      action: 'continue',
      message: live.liveWorkers ? `candidate ready on ${live.candidateReady} of ${live.liveWorkers} live worker(s)` : 'waiting for a live worker serving the model',
      figures,
    };
  }
  if (live.failed) {
    const version = versionById(d.s, dep.candidateVersionId)?.version ?? '?';
    const reason = `automated rollback (health-check): version ${version} failed its check on worker ${live.failed.worker}: ${live.failed.failure ?? 'failed'}`;
    rollbackDeploymentSteps(d, dep, { reason, figures, automated: true });
    return { action: 'rollback', message: reason, figures };
  }
  const approval = deploymentApproval(d, dep, d.actor);
  if (!approval) {
    const waiting = `candidate healthy on all ${live.liveWorkers} live worker(s): ${AWAITING_SECOND_OWNER}`;
    d.push({ type: 'deploymentFiguresRecorded', deploymentId: dep.id, figures, reason: waiting, at: d.now });
    return { action: 'wait', message: waiting, figures };
  }
  const message = `candidate healthy on all ${live.liveWorkers} live worker(s): switching all traffic`;
  promoteDeploymentSteps(d, dep, { reason: message, figures, approval });
  return { action: 'promote', message, figures };
}
