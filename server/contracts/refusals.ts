/*
 * What a refusal tells its caller, as data: the code that names the rule (the same name in tRPC's
 * `error.data.code` and REST's `error.code`) and the `details` each code carries. The dashboard
 * renders gate lists and reasons from these details; nobody parses a message. The HTTP status and
 * tRPC code of each code live in the one table, server/domain/errors.ts (ERROR_TABLE).
 */

/** Codes of a request's shape or of transport, named by the HTTP situation. */
export const GENERIC_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNPROCESSABLE',
  'TOO_MANY_REQUESTS',
  'INTERNAL',
  'UNAVAILABLE',
] as const;

/** Codes that name the rule that refused. */
export const RULE_ERROR_CODES = [
  /** A lifecycle step's gates (complete, validation, benchmark, approval) are not all met. */
  'GATES_UNMET',
  /** The stage change is not in the lifecycle table (or not for this cause). */
  'INVALID_TRANSITION',
  /** Four-eyes: the person asking may not also approve (or promote) it. */
  'FOUR_EYES',
  /** An owner-only action by someone who does not own the model. */
  'NOT_OWNER',
  /** Only the requester may do this to a promotion request. */
  'NOT_REQUESTER',
  /** A running or paused deployment decides production until it ends. */
  'DEPLOYMENT_RUNNING',
  /** What the action was decided on changed meanwhile (request closed, production or evidence moved). */
  'STALE_SNAPSHOT',
  /** The change would leave no active admin. */
  'LAST_ACTIVE_ADMIN',
  /** A signed-in state change came from a foreign page (cross-site request forgery guard). */
  'SAME_ORIGIN',
  /** A signed-in state change that must carry JSON did not declare application/json. */
  'JSON_CONTENT_TYPE',
] as const;

export type TGenericErrorCode = (typeof GENERIC_ERROR_CODES)[number];
export type TRuleErrorCode = (typeof RULE_ERROR_CODES)[number];
export type TErrorCode = TGenericErrorCode | TRuleErrorCode;

export type TGateName = 'complete' | 'validation' | 'benchmark' | 'approval';

/** One gate as the lifecycle judged it, with the reason in words. */
export type TGateResult = { gate: TGateName; met: boolean; reason: string };

/** `to`: the stage the version was to reach (a deployment's candidate: production, where it ends). */
export type TGatesUnmetDetails = { model: string; version: number; to: string; unmet: TGateResult[]; mlflowErrorCode?: string };
export type TInvalidTransitionDetails = { from: string; to: string; cause: string; mlflowErrorCode?: string };
export type TFourEyesDetails = {
  /** Whether an admin could do it anyway with a written reason of `minReasonLength` characters. */
  adminOverride: boolean;
  minReasonLength: number;
};
export type TNotOwnerDetails = { model: string; action: string };
export type TNotRequesterDetails = { requestId: string };
export type TDeploymentRunningDetails = { deploymentId: string; status: string; strategy: string; mlflowErrorCode?: string };
export type TStaleSnapshotDetails = {
  /** What changed since the action was decided on. */
  changed: 'request' | 'production' | 'evidence' | 'deployment-baseline';
  /** The request's status now, when `changed` is 'request'. */
  status?: string;
};
export type TRuleDetails = { rule: string };

/** The details each rule code carries (generic codes carry loose details: issues, field, limits). */
export interface TRefusalDetailsByCode {
  GATES_UNMET: TGatesUnmetDetails;
  INVALID_TRANSITION: TInvalidTransitionDetails;
  FOUR_EYES: TFourEyesDetails;
  NOT_OWNER: TNotOwnerDetails;
  NOT_REQUESTER: TNotRequesterDetails;
  DEPLOYMENT_RUNNING: TDeploymentRunningDetails;
  STALE_SNAPSHOT: TStaleSnapshotDetails;
  LAST_ACTIVE_ADMIN: TRuleDetails;
  SAME_ORIGIN: TRuleDetails;
  JSON_CONTENT_TYPE: TRuleDetails;
}

/**
 * `error.data` of a tRPC error as the server's formatter writes it: the code (a rule code for a
 * domain refusal), the HTTP status, and for a 4xx the details; `zodIssues` for input the
 * procedure's schema refused. A 5xx carries neither details nor internals.
 */
export type TErrorData = {
  code: string;
  httpStatus: number;
  details?: Record<string, unknown>;
  zodIssues?: string[];
};

/** Narrows an error's data to one rule code, so its details are typed. */
export function refusalOf<C extends keyof TRefusalDetailsByCode>(data: unknown, code: C): TRefusalDetailsByCode[C] | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Partial<TErrorData>;
  return d.code === code && d.details && typeof d.details === 'object' ? (d.details as unknown as TRefusalDetailsByCode[C]) : null;
}
