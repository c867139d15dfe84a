import type { TRolloutEffect } from './effects';

/*
 * What `decide` answers: a refusal naming the rule it broke, or the effects to write. The codes
 * name rules, not HTTP statuses; REFUSAL_STATUS says which DomainError family each belongs to,
 * for the one error table in server/domain/errors.ts to map.
 */

export type TRolloutRefusalCode =
  /** The credentials lack the scope the command needs (details.scope). */
  | 'SCOPE_MISSING'
  /** Only an owner of the model (or an admin) may do this. */
  | 'NOT_OWNER'
  /** Four-eyes: the requester / the one who started the deployment may not approve it. */
  | 'FOUR_EYES'
  /** An admin acting where the rule needs an owner: only with a written reason of 10+ characters. */
  | 'ADMIN_REASON_REQUIRED'
  /** The step needs a person (an approval), not the system. */
  | 'PERSON_REQUIRED'
  /** The step is the system's (the evaluator, the archival job). */
  | 'SYSTEM_ONLY'
  /** Only the requester may withdraw a request. */
  | 'NOT_REQUESTER'
  /** No such version, request, deployment or alias on this model. */
  | 'NOT_FOUND'
  /** The lifecycle table has no such step from the version's stage (details.stage, details.to). */
  | 'INVALID_TRANSITION'
  /** Gates of the step are unmet (details.unmet: the gate results). */
  | 'GATES_UNMET'
  /** A running deployment decides production (details.deploymentId). */
  | 'DEPLOYMENT_RUNNING'
  /** The deployment has ended (details.status). */
  | 'DEPLOYMENT_NOT_ACTIVE'
  | 'ALREADY_PAUSED'
  | 'NOT_PAUSED'
  /** The request is not open (details.status). */
  | 'REQUEST_NOT_OPEN'
  /** The version already has an open request (details.requestId). */
  | 'REQUEST_ALREADY_OPEN'
  /** What the command was decided on changed since (details.stale: revision | production | evidence | baseline). */
  | 'STALE_SNAPSHOT'
  /** A canary or an A/B test needs a production version to compare against; a rollback needs one to roll back. */
  | 'NO_PRODUCTION'
  /** A rollback needs a previous version that served production. */
  | 'NO_PREVIOUS'
  /** The archival job archives only versions not served for the archival period. */
  | 'NOT_ARCHIVABLE'
  /** production and previous move only through promotion and rollback. */
  | 'RESERVED_ALIAS'
  /** A rejection says why. */
  | 'COMMENT_REQUIRED'
  /** The traffic plan is impossible (a split not summing to 100, a step over 100%). */
  | 'INVALID_PLAN'
  /** The evaluator has no live figures for the deployment. */
  | 'NO_LIVE_FIGURES';

export type TRefusalFamily = 'FORBIDDEN' | 'CONFLICT' | 'BAD_REQUEST' | 'NOT_FOUND';

/** The DomainError family of each code: what the services throw today for the same refusal. */
export const REFUSAL_FAMILY: Record<TRolloutRefusalCode, TRefusalFamily> = {
  SCOPE_MISSING: 'FORBIDDEN',
  NOT_OWNER: 'FORBIDDEN',
  FOUR_EYES: 'FORBIDDEN',
  ADMIN_REASON_REQUIRED: 'FORBIDDEN',
  PERSON_REQUIRED: 'FORBIDDEN',
  SYSTEM_ONLY: 'FORBIDDEN',
  NOT_REQUESTER: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_TRANSITION: 'CONFLICT',
  GATES_UNMET: 'CONFLICT',
  DEPLOYMENT_RUNNING: 'CONFLICT',
  DEPLOYMENT_NOT_ACTIVE: 'CONFLICT',
  ALREADY_PAUSED: 'CONFLICT',
  NOT_PAUSED: 'CONFLICT',
  REQUEST_NOT_OPEN: 'CONFLICT',
  REQUEST_ALREADY_OPEN: 'CONFLICT',
  STALE_SNAPSHOT: 'CONFLICT',
  NO_PRODUCTION: 'CONFLICT',
  NO_PREVIOUS: 'CONFLICT',
  NOT_ARCHIVABLE: 'CONFLICT',
  RESERVED_ALIAS: 'BAD_REQUEST',
  COMMENT_REQUIRED: 'BAD_REQUEST',
  INVALID_PLAN: 'BAD_REQUEST',
  NO_LIVE_FIGURES: 'CONFLICT',
};

export type TRolloutRefusal = { code: TRolloutRefusalCode; message: string; details: Record<string, unknown> };

/** An evaluation's verdict, for the caller to report (the effects say what is written). */
export type TEvaluationOutcome = { action: 'rollback' | 'advance' | 'promote' | 'continue' | 'wait'; message: string; figures?: Record<string, number> };

export type TRolloutDecision = { refusal: TRolloutRefusal } | { effects: TRolloutEffect[]; outcome?: TEvaluationOutcome };

/** Thrown inside the rule functions and caught by `decide`: the first broken rule ends the decision. */
export class RolloutRefused extends Error {
  constructor(readonly refusal: TRolloutRefusal) {
    super(refusal.message);
    this.name = 'RolloutRefused';
  }
}

export function refuse(code: TRolloutRefusalCode, message: string, details: Record<string, unknown> = {}): never {
  throw new RolloutRefused({ code, message, details });
}

export const isRefusal = (d: TRolloutDecision): d is { refusal: TRolloutRefusal } => 'refusal' in d;
