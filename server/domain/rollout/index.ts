/*
 * The rollout rules of one model - lifecycle steps, gates, four-eyes, "a running deployment
 * decides production", the canary plan and verdict - as one pure module: decide(snapshot,
 * command, actor) -> refusal | effects, and allowedActions built from it.
 */
export { decide } from './decide';
export { allowedActions, candidateCommands, type TRolloutAction } from './allowed-actions';
export { nextGates, nextStageOf } from './next-gates';
export { planTraffic, type TTrafficPlan } from './deployment-plan';
export { AWAITING_SECOND_OWNER } from './deployments';
export { EVIDENCE_GATES } from './promotion-requests';
export type { TRolloutActor } from './actor';
export type { TRolloutCommand, TRolloutCommandKind } from './commands';
export { COMMAND_KINDS } from './commands';
export type * from './effects';
export { isRefusal, ROLLOUT_REFUSAL_CODES, type TEvaluationOutcome, type TRolloutDecision, type TRolloutRefusal, type TRolloutRefusalCode, type TRolloutRefusalDetails } from './refusal';
export * from './snapshot';

// The rule tables and policies the decisions are made of, from one import for the services that
// will apply commands (they still live in model-lifecycle.ts and canary-policy.ts, which have
// their own tests; moving the code here is left for when nothing else imports them).
export { ARCHIVE_AFTER_DAYS, checkApprover, checkTransition, evaluateGates, isArchivable, SLA_P99_LIMIT_MS, TRANSITIONS, unmetGates, type TGateName, type TGateResult, type TTransitionCause } from '../model-lifecycle';
export { decideCanary, ERROR_RATE_FACTOR, ERROR_RATE_FLOOR, MIN_CANDIDATE_REQUESTS, STABLE_BASELINE_MS, type TCanaryDecision } from '../canary-policy';
export { canaryVerdict } from './canary-verdict';
