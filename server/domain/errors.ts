import type { ZodType } from 'zod';
import type { TErrorCode, TRefusalDetailsByCode } from '../contracts/refusals';
import { formatZodIssues } from '../contracts/zod-issues';

export type { TErrorCode } from '../contracts/refusals';

/**
 * The one error type domain and service code throws, and the one table that maps its codes to
 * HTTP statuses (REST) and tRPC codes. Transport layers never invent their own mapping. A refusal
 * by a rule names the rule (GATES_UNMET, FOUR_EYES, ...: their details are typed in
 * server/contracts/refusals.ts), so callers branch on the code and render the details, never the
 * message; its status is the one the generic code it refines always had.
 */
export const ERROR_TABLE = {
  BAD_REQUEST: { http: 400, trpc: 'BAD_REQUEST' },
  UNAUTHORIZED: { http: 401, trpc: 'UNAUTHORIZED' },
  FORBIDDEN: { http: 403, trpc: 'FORBIDDEN' },
  NOT_FOUND: { http: 404, trpc: 'NOT_FOUND' },
  CONFLICT: { http: 409, trpc: 'CONFLICT' },
  PAYLOAD_TOO_LARGE: { http: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  UNPROCESSABLE: { http: 422, trpc: 'UNPROCESSABLE_CONTENT' },
  TOO_MANY_REQUESTS: { http: 429, trpc: 'TOO_MANY_REQUESTS' },
  INTERNAL: { http: 500, trpc: 'INTERNAL_SERVER_ERROR' },
  UNAVAILABLE: { http: 503, trpc: 'SERVICE_UNAVAILABLE' },
  // Rules of reaching production. An unmet gate is a conflict with the version's state (409, as
  // before): the same request succeeds once the evidence is there.
  GATES_UNMET: { http: 409, trpc: 'CONFLICT' },
  INVALID_TRANSITION: { http: 409, trpc: 'CONFLICT' },
  FOUR_EYES: { http: 403, trpc: 'FORBIDDEN' },
  NOT_OWNER: { http: 403, trpc: 'FORBIDDEN' },
  NOT_REQUESTER: { http: 403, trpc: 'FORBIDDEN' },
  DEPLOYMENT_RUNNING: { http: 409, trpc: 'CONFLICT' },
  STALE_SNAPSHOT: { http: 409, trpc: 'CONFLICT' },
  // Rules of the rollout module (server/domain/rollout): who may act is a 403, a state that does
  // not allow the step a 409, an impossible input a 400 - each the family the services used.
  SCOPE_MISSING: { http: 403, trpc: 'FORBIDDEN' },
  ADMIN_REASON_REQUIRED: { http: 403, trpc: 'FORBIDDEN' },
  PERSON_REQUIRED: { http: 403, trpc: 'FORBIDDEN' },
  SYSTEM_ONLY: { http: 403, trpc: 'FORBIDDEN' },
  DEPLOYMENT_NOT_ACTIVE: { http: 409, trpc: 'CONFLICT' },
  ALREADY_PAUSED: { http: 409, trpc: 'CONFLICT' },
  NOT_PAUSED: { http: 409, trpc: 'CONFLICT' },
  REQUEST_ALREADY_OPEN: { http: 409, trpc: 'CONFLICT' },
  NO_PRODUCTION: { http: 409, trpc: 'CONFLICT' },
  NO_PREVIOUS: { http: 409, trpc: 'CONFLICT' },
  NOT_ARCHIVABLE: { http: 409, trpc: 'CONFLICT' },
  NO_LIVE_FIGURES: { http: 409, trpc: 'CONFLICT' },
  RESERVED_ALIAS: { http: 400, trpc: 'BAD_REQUEST' },
  COMMENT_REQUIRED: { http: 400, trpc: 'BAD_REQUEST' },
  INVALID_PLAN: { http: 400, trpc: 'BAD_REQUEST' },
  // Users.
  LAST_ACTIVE_ADMIN: { http: 409, trpc: 'CONFLICT' },
  // The cross-site request guard (server/auth/cross-site.ts).
  SAME_ORIGIN: { http: 403, trpc: 'FORBIDDEN' },
  JSON_CONTENT_TYPE: { http: 403, trpc: 'FORBIDDEN' },
} as const satisfies Record<TErrorCode, { http: number; trpc: string }>;

export class DomainError extends Error {
  constructor(
    readonly code: TErrorCode,
    message: string,
    /** Structured detail safe to show the caller (e.g. the unmet gates, the offending field). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get httpStatus(): number {
    return ERROR_TABLE[this.code].http;
  }
}

/** A refusal by a named rule, its details typed by the code (server/contracts/refusals.ts). */
export function refusal<C extends keyof TRefusalDetailsByCode>(code: C, message: string, details: TRefusalDetailsByCode[C]): DomainError {
  return new DomainError(code, message, details as unknown as Record<string, unknown>);
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}

/**
 * What a refusal by the database means for the caller, keyed by Prisma error code (P....) or
 * PostgreSQL SQLSTATE. These are all caused by the request (a duplicate, a value no column can
 * hold, a race with another request), so they are 4xx; anything not listed stays a 500. The
 * Prisma-aware reading of an error (server/db/storage-errors.ts) only looks codes up here.
 */
export const STORAGE_ERROR_TABLE: Readonly<Record<string, { code: TErrorCode; message: string }>> = {
  // Unique violation: concurrent creates of one name end here even when a service checked first.
  P2002: { code: 'CONFLICT', message: 'already exists' },
  '23505': { code: 'CONFLICT', message: 'already exists' },
  // Value too long for a sized column.
  P2000: { code: 'BAD_REQUEST', message: 'a value is longer than its column allows' },
  '22001': { code: 'BAD_REQUEST', message: 'a value is longer than its column allows' },
  // Text PostgreSQL cannot store: U+0000, or bytes that are not UTF-8.
  '22021': { code: 'BAD_REQUEST', message: 'a text value is not valid UTF-8 or contains a NUL character (U+0000)' },
  '22P05': { code: 'BAD_REQUEST', message: 'a text value has a character the database cannot store' },
  // Numbers and dates past their column's range (int4 ids and versions, timestamps).
  P2020: { code: 'BAD_REQUEST', message: 'a value is out of range for its column' },
  '22003': { code: 'BAD_REQUEST', message: 'a number is out of range for its column' },
  '22007': { code: 'BAD_REQUEST', message: 'a date or time is not in a valid format' },
  '22008': { code: 'BAD_REQUEST', message: 'a date or time is out of range' },
  '22009': { code: 'BAD_REQUEST', message: 'a date or time is out of range' },
  // A value too large for an index (a 1 MB name), or in the wrong format for its column type.
  '54000': { code: 'BAD_REQUEST', message: 'a value is too large to be stored in an indexed column' },
  P2023: { code: 'BAD_REQUEST', message: 'a value has the wrong format for its column' },
  '22P02': { code: 'BAD_REQUEST', message: 'a value has the wrong format for its column' },
  // Another request changed or removed the same rows at the same time.
  P2034: { code: 'CONFLICT', message: 'a concurrent change conflicted with this one; try again' },
  '40001': { code: 'CONFLICT', message: 'a concurrent change conflicted with this one; try again' },
  '40P01': { code: 'CONFLICT', message: 'a concurrent change conflicted with this one; try again' },
  P2025: { code: 'NOT_FOUND', message: 'a record this needs does not exist (it may just have been removed)' },
};

/** 5xx messages may carry internals (SQL, paths): callers only ever see this. */
export const INTERNAL_ERROR_MESSAGE = 'Internal error: the server logged the details. Try again, or contact an administrator.';

/** Parses input at a service boundary: a failure is a 400 whose message names each field and rule. */
export function parseInput<T>(schema: ZodType<T>, raw: unknown, what = 'input'): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = formatZodIssues(parsed.error);
  throw new DomainError('BAD_REQUEST', `invalid ${what}: ${issues.join('; ')}`, { issues });
}
