import type { ZodType } from 'zod';
import { hasScope, type TScope } from '../auth/permissions';
import type { TPrincipal } from '../auth/principal';
import { assertSameSiteRequest } from '../auth/request-guard';
import { resolvePrincipal } from '../auth/resolve-principal';
import { findUnsafeJson } from '../contracts/safe-text';
import { formatZodIssues } from '../contracts/zod-issues';
import { db, type Db } from '../db/client';
import { domainErrorOf } from '../db/storage-errors';
import { DomainError, INTERNAL_ERROR_MESSAGE } from '../domain/errors';
import { newRequestId } from '../services/service-context';
import { DEFAULT_MAX_BODY_BYTES, readBodyText } from './read-body';
import { strictSearchParams } from '../domain/percent-decoding';

type TRawParams = Record<string, string | string[]>;

export interface RestArgs<B, Q, P = TRawParams> {
  request: Request;
  principal: TPrincipal;
  body: B;
  query: Q;
  /** The dynamic path segments, parsed by `spec.params` when the route gives one. */
  params: P;
  requestId: string;
  db: Db;
}

/** How a family of routes shapes its errors (Ballast's own, or e.g. MLflow's). */
export type ErrorBody = (err: DomainError) => unknown;

export interface RestSpec<B, Q, R, P = TRawParams> {
  /** The scope the caller needs; `null` marks a public route. */
  scope: TScope | null;
  body?: ZodType<B>;
  query?: ZodType<Q>;
  /** The dynamic path segments (strings, as Next decodes them); a failure is a 400 naming the segment. */
  params?: ZodType<P, TRawParams>;
  response?: ZodType<R>;
  /** The body is bytes (an upload), not JSON: the cross-site guard then checks the origin only. */
  rawBody?: boolean;
  /**
   * The service judges the body's records one by one (prediction-log ingest), so a bad record
   * must not refuse its batch here: the NUL / depth floor is left to each record's schema.
   */
  judgesEachRecord?: boolean;
  /** Largest accepted body in bytes (default 1 MiB); larger ones, chunked included, get 413 before they are read in full. */
  maxBodyBytes?: number;
  status?: number;
  errorBody?: ErrorBody;
}

const defaultErrorBody: ErrorBody = (err) => ({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });

type RouteContext = { params: Promise<TRawParams> };

/**
 * The one wrapper every REST route handler goes through: authentication (session or token),
 * the scope check, body and query parsing with zod, response validation, and the shared
 * error table (4xx messages kept, 5xx details logged and hidden).
 */
export function restHandler<B = undefined, Q = undefined, R = unknown, P = TRawParams>(
  spec: RestSpec<B, Q, R, P>,
  fn: (args: RestArgs<B, Q, P>) => Promise<R | Response>,
) {
  const errorBody = spec.errorBody ?? defaultErrorBody;
  return async (request: Request, context?: RouteContext): Promise<Response> => {
    const requestId = request.headers.get('x-request-id') ?? newRequestId();
    const headers = { 'x-request-id': requestId };
    try {
      const principal = await authenticate(request, spec);
      const body = spec.body ? await parseBody(request, spec.body, spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, !spec.judgesEachRecord) : (undefined as B);
      const query = spec.query ? parseQuery(request, spec.query) : (undefined as Q);
      const params = parseParams((await context?.params) ?? {}, spec.params);
      const result = await fn({ request, principal, body, query, params, requestId, db: db() });
      if (result instanceof Response) return result;
      const payload = spec.response ? spec.response.parse(result) : result;
      return Response.json(payload ?? {}, { status: spec.status ?? 200, headers });
    } catch (caught) {
      // Domain refusals, and database refusals the request caused (a duplicate, a value past its column), keep their 4xx.
      const err = domainErrorOf(caught);
      if (err) {
        const extra: Record<string, string> = err.code === 'TOO_MANY_REQUESTS' ? { 'retry-after': '60' } : {};
        return Response.json(errorBody(err), { status: err.httpStatus, headers: { ...headers, ...extra } });
      }
      console.error(`[rest] ${request.method} ${new URL(request.url).pathname} failed (request ${requestId})`, caught);
      return Response.json(errorBody(new DomainError('INTERNAL', INTERNAL_ERROR_MESSAGE)), { status: 500, headers });
    }
  };
}

const ANONYMOUS: TPrincipal = { kind: 'system', name: 'anonymous', scopes: [] };

async function authenticate(request: Request, { scope, rawBody }: { scope: TScope | null; rawBody?: boolean }): Promise<TPrincipal> {
  assertSameSiteRequest(request, { expectsJson: !rawBody });
  if (scope === null) return (await resolvePrincipal(request.headers).catch(() => null)) ?? ANONYMOUS;
  const principal = await resolvePrincipal(request.headers);
  if (!principal) throw new DomainError('UNAUTHORIZED', 'authentication required: sign in, or send "Authorization: Bearer <API token>"');
  if (!hasScope(principal.scopes, scope)) throw new DomainError('FORBIDDEN', `this needs the ${scope} permission, which your credentials do not grant`);
  return principal;
}

async function parseBody<B>(request: Request, schema: ZodType<B>, maxBytes: number, floor: boolean): Promise<B> {
  const text = await readBodyText(request, maxBytes);
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw new DomainError('BAD_REQUEST', `request body is not valid JSON (${(err as Error).message})`);
  }
  if (floor) refuseUnsafeJson(json, 'request body');
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new DomainError('BAD_REQUEST', `invalid request body: ${formatZodIssues(parsed.error).join('; ')}`, { issues: formatZodIssues(parsed.error) });
  return parsed.data;
}

/** The floor under every schema: no string a column cannot store, no nesting deep enough to hurt. */
function refuseUnsafeJson(value: unknown, what: string): void {
  const unsafe = findUnsafeJson(value);
  if (!unsafe) return;
  const issue = unsafe.path ? `${unsafe.path}: ${unsafe.problem}` : unsafe.problem;
  throw new DomainError('BAD_REQUEST', `invalid ${what}: ${issue}`, { issues: [issue] });
}

function parseParams<P>(raw: TRawParams, schema: ZodType<P, TRawParams> | undefined): P {
  if (!schema) return raw as P;
  refuseUnsafeJson(raw, 'path');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DomainError('BAD_REQUEST', `invalid path: ${formatZodIssues(parsed.error).join('; ')}`, { issues: formatZodIssues(parsed.error) });
  return parsed.data;
}

function parseQuery<Q>(request: Request, schema: ZodType<Q>): Q {
  const raw = strictSearchParams(new URL(request.url).search);
  refuseUnsafeJson(raw, 'query');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DomainError('BAD_REQUEST', `invalid query: ${formatZodIssues(parsed.error).join('; ')}`);
  return parsed.data;
}
