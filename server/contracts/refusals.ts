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
  /** The credentials lack the permission (scope) the action needs. */
  'SCOPE_MISSING',
  /** An admin acting where the rule needs someone else (an owner, a second person): only with a written reason. */
  'ADMIN_REASON_REQUIRED',
  /** The step needs a person acting (an approval), not the system. */
  'PERSON_REQUIRED',
  /** The step is the system's alone (the deployment evaluator, the archival job). */
  'SYSTEM_ONLY',
  /** The deployment has ended (promoted or rolled back): nothing more can be done to it. */
  'DEPLOYMENT_NOT_ACTIVE',
  /** Pausing a deployment that is already paused. */
  'ALREADY_PAUSED',
  /** Resuming a deployment that is not paused. */
  'NOT_PAUSED',
  /** The version already has an open promotion request. */
  'REQUEST_ALREADY_OPEN',
  /** A canary or A/B test needs a production version to compare against; a rollback needs one to roll back. */
  'NO_PRODUCTION',
  /** A rollback needs a previous version that served production. */
  'NO_PREVIOUS',
  /** The archival job archives only versions not served for the archival period. */
  'NOT_ARCHIVABLE',
  /** `production` and `previous` move only through promotion and rollback, never by hand. */
  'RESERVED_ALIAS',
  /** A rejection says why. */
  'COMMENT_REQUIRED',
  /** The traffic plan of a deployment is impossible (a split not summing to 100%, a step over 100%). */
  'INVALID_PLAN',
  /** The evaluator has no live figures for the deployment to judge it by. */
  'NO_LIVE_FIGURES',
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

/**
 * `to`: the stage the version was to reach (a deployment's candidate: production, where it ends).
 * `missing`: the files an incomplete version lacks, when the complete gate is the one unmet.
 */
export type TGatesUnmetDetails = { model: string; version: number; to: string; unmet: TGateResult[]; missing?: string[]; mlflowErrorCode?: string };
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
  /**
   * What changed since the action was decided on: the request (closed), production, the evidence,
   * the production version a deployment compared against, or the model as a whole (its revision).
   */
  changed: 'request' | 'production' | 'evidence' | 'deployment-baseline' | 'revision';
  /** The request's status now, when `changed` is 'request'. */
  status?: string;
  /** The revision the caller decided on and the model's revision now, when `changed` is 'revision'. */
  expectedRevision?: string;
  revision?: string;
};
export type TRuleDetails = { rule: string };
/** Details of a refusal that has nothing to add to its code and message. */
export type TNoDetails = Record<never, never>;
export type TScopeMissingDetails = { scope: string };
/** `field`: the input that carries the reason; `minLength`: the characters it needs. */
export type TAdminReasonRequiredDetails = { field: string; minLength: number };
export type TDeploymentStateDetails = { deploymentId: string; status: string };
export type TDeploymentDetails = { deploymentId: string };
export type TRequestDetails = { requestId: string };
export type TNoProductionDetails = { mlflowErrorCode?: string };
/** `version`: the previous version, when there is one that never served production. */
export type TNoPreviousDetails = { version?: number; mlflowErrorCode?: string };
export type TNotArchivableDetails = { stage: string; days: number };
export type TAliasDetails = { alias: string };
/** The input field that is missing or wrong. */
export type TFieldDetails = { field: string };

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
  SCOPE_MISSING: TScopeMissingDetails;
  ADMIN_REASON_REQUIRED: TAdminReasonRequiredDetails;
  PERSON_REQUIRED: TNoDetails;
  SYSTEM_ONLY: TNoDetails;
  DEPLOYMENT_NOT_ACTIVE: TDeploymentStateDetails;
  ALREADY_PAUSED: TDeploymentDetails;
  NOT_PAUSED: TDeploymentStateDetails;
  REQUEST_ALREADY_OPEN: TRequestDetails;
  NO_PRODUCTION: TNoProductionDetails;
  NO_PREVIOUS: TNoPreviousDetails;
  NOT_ARCHIVABLE: TNotArchivableDetails;
  RESERVED_ALIAS: TAliasDetails;
  COMMENT_REQUIRED: TFieldDetails;
  INVALID_PLAN: TFieldDetails;
  NO_LIVE_FIGURES: TDeploymentDetails;
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
