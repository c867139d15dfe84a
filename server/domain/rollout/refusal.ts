import type { TErrorCode, TRefusalDetailsByCode } from '../../contracts/refusals';
import type { TRolloutEffect } from './effects';

/*
 * What `decide` answers: a refusal naming the rule it broke, or the effects to write. The codes
 * are error codes of the contract (server/contracts/refusals.ts, where each is documented and its
 * details typed), so a caller throws `new DomainError(code, message, details)` and the one error
 * table (server/domain/errors.ts) gives its HTTP status and tRPC code.
 */

/** The codes the rollout rules refuse with: rule codes of the contract, and the generic NOT_FOUND. */
export const ROLLOUT_REFUSAL_CODES = [
  'SCOPE_MISSING',
  'NOT_OWNER',
  'FOUR_EYES',
  'ADMIN_REASON_REQUIRED',
  'PERSON_REQUIRED',
  'SYSTEM_ONLY',
  'NOT_REQUESTER',
  'NOT_FOUND',
  'INVALID_TRANSITION',
  'GATES_UNMET',
  'DEPLOYMENT_RUNNING',
  'DEPLOYMENT_NOT_ACTIVE',
  'ALREADY_PAUSED',
  'NOT_PAUSED',
  'REQUEST_ALREADY_OPEN',
  'STALE_SNAPSHOT',
  'NO_PRODUCTION',
  'NO_PREVIOUS',
  'NOT_ARCHIVABLE',
  'RESERVED_ALIAS',
  'COMMENT_REQUIRED',
  'INVALID_PLAN',
  'NO_LIVE_FIGURES',
] as const satisfies readonly TErrorCode[];

export type TRolloutRefusalCode = (typeof ROLLOUT_REFUSAL_CODES)[number];

/** The details of each code: the contract's for a rule code, loose ones for NOT_FOUND (what was looked for). */
export type TRolloutRefusalDetails<C extends TRolloutRefusalCode> = C extends keyof TRefusalDetailsByCode ? TRefusalDetailsByCode[C] : Record<string, unknown>;

/** One refusal; its details typed by its code when the code is known. */
export type TRolloutRefusal<C extends TRolloutRefusalCode = TRolloutRefusalCode> = { [K in C]: { code: K; message: string; details: TRolloutRefusalDetails<K> } }[C];

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

/** Refuses the command with the rule `code` names; the details are the ones the contract gives that code. */
export function refuse<C extends TRolloutRefusalCode>(code: C, message: string, details: TRolloutRefusalDetails<C>): never {
  throw new RolloutRefused({ code, message, details } as TRolloutRefusal);
}

export const isRefusal = (d: TRolloutDecision): d is { refusal: TRolloutRefusal } => 'refusal' in d;
