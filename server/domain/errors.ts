import type { ZodType } from 'zod';
import { formatZodIssues } from '../contracts/zod-issues';

/**
 * The one error type domain and service code throws, and the one table that maps its codes to
 * HTTP statuses (REST) and tRPC codes. Transport layers never invent their own mapping.
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
} as const;

export type TErrorCode = keyof typeof ERROR_TABLE;

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

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}

/** 5xx messages may carry internals (SQL, paths): callers only ever see this. */
export const INTERNAL_ERROR_MESSAGE = 'Internal error: the server logged the details. Try again, or contact an administrator.';

/** Parses input at a service boundary: a failure is a 400 whose message names each field and rule. */
export function parseInput<T>(schema: ZodType<T>, raw: unknown, what = 'input'): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = formatZodIssues(parsed.error);
  throw new DomainError('BAD_REQUEST', `invalid ${what}: ${issues.join('; ')}`, { issues });
}
