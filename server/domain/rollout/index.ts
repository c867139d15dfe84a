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
export { REFUSAL_FAMILY, isRefusal, type TEvaluationOutcome, type TRefusalFamily, type TRolloutDecision, type TRolloutRefusal, type TRolloutRefusalCode } from './refusal';
export * from './snapshot';
