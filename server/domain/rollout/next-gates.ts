import type { TModelStage } from '../../contracts/model-registry';
import { evaluateGates, TRANSITIONS, type TGateResult } from '../model-lifecycle';
import { activeDeployment, gateEvidenceOf, type TRolloutSnapshot, type TVersionFacts } from './snapshot';

/*
 * The gates checklist of a version's next step forward, read from the lifecycle table (not a
 * copy of it): development -> staging, staging -> production.
 */

export function nextStageOf(stage: TModelStage): { to: TModelStage; gates: readonly TGateResult['gate'][] } | null {
  const step = TRANSITIONS.find((t) => t.from === stage && t.cause === 'promote');
  return step ? { to: step.to, gates: step.gates } : null;
}

/**
 * The next step and its gate results. Approval moves a version to production at once (or starts
 * its canary), so an approval a staging version got earlier is history - except the one the
 * running canary carries, which meets the candidate's approval gate while the canary decides.
 */
export function nextGates(s: TRolloutSnapshot, v: TVersionFacts): { to: TModelStage; gates: TGateResult[] } | null {
  const next = nextStageOf(v.stage);
  if (!next) return null;
  const active = activeDeployment(s);
  const carried = active?.candidateVersionId === v.id && active.promotionRequest?.status === 'approved' && active.promotionRequest.decidedByLabel ? active.promotionRequest : null;
  const approval = carried ? { approvedBy: carried.decidedByLabel!, override: carried.overrideReason } : null;
  return { to: next.to, gates: evaluateGates(next.gates, gateEvidenceOf(s, v, approval)) };
}
