import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { hasScope, type TScope } from '../auth/permissions';
import type { TPrincipal } from '../auth/principal';
import { assertSameSiteRequest } from '../auth/request-guard';
import { resolvePrincipal } from '../auth/resolve-principal';
import { db } from '../db/client';
import { domainErrorOf } from '../db/storage-errors';
import { DomainError, ERROR_TABLE, INTERNAL_ERROR_MESSAGE, isDomainError } from '../domain/errors';
import { newRequestId } from '../services/service-context';
import { findUnsafeJson } from '../contracts/safe-text';
import type { TErrorData } from '../contracts/refusals';
import { formatZodIssues } from '../contracts/zod-issues';

export interface TRPCMeta {
  /** The scope a caller needs; omitted only on public procedures. */
  scope?: TScope;
}

/** A DomainError as tRPC throws it: its code from the one error table, its message kept. */
export function trpcErrorOf(err: DomainError): TRPCError {
  return new TRPCError({ code: ERROR_TABLE[err.code].trpc, message: err.message, cause: err });
}

export async function createTRPCContext(opts: { headers: Headers; request?: Pick<Request, 'method' | 'url'> }) {
  const requestId = opts.headers.get('x-request-id') ?? newRequestId();
  // Decided here, enforced on mutations by the middleware below (an error thrown while making the
  // context would reach the caller as a 500).
  let crossSiteRefusal: DomainError | null = null;
  if (opts.request) {
    try {
      assertSameSiteRequest({ method: opts.request.method, url: opts.request.url, headers: opts.headers }, { expectsJson: true });
    } catch (err) {
      if (!isDomainError(err)) throw err;
      crossSiteRefusal = err;
    }
  }
  let principal: TPrincipal | null = null;
  let authError: string | null = null;
  try {
    principal = await resolvePrincipal(opts.headers);
  } catch (err) {
    if (!isDomainError(err)) throw err;
    authError = err.message;
  }
  return { db: db(), principal, authError, requestId, crossSiteRefusal };
}
// Server-side callers (createCaller) make no HTTP request, so they carry no cross-site verdict.
export type TRPCContext = Omit<Awaited<ReturnType<typeof createTRPCContext>>, 'crossSiteRefusal'> & { crossSiteRefusal?: DomainError | null };

const t = initTRPC
  .context<TRPCContext>()
  .meta<TRPCMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }): Omit<typeof shape, 'data'> & { data: TErrorData & { path?: string } } {
      // A refusal keeps its meaning: data.code is the domain code (GATES_UNMET, FOUR_EYES, ... or a
      // generic one) and data.details what it carries (server/contracts/refusals.ts), as REST
      // answers them. Errors outside a procedure (creating the context reads the database) skip
      // the middleware below; the same table maps them here, and the status follows data.httpStatus.
      const mapped = domainErrorOf(error.cause);
      const path = shape.data.path;
      if (mapped && mapped.httpStatus < 500) {
        return { ...shape, message: mapped.message, data: { code: mapped.code, httpStatus: mapped.httpStatus, path, ...(mapped.details ? { details: mapped.details } : {}) } };
      }
      // 5xx: never internals (no details, no stack; a deliberate 503 keeps its message, an error nobody expected reads as the generic one).
      if (mapped) return { ...shape, message: mapped.code === 'INTERNAL' ? INTERNAL_ERROR_MESSAGE : mapped.message, data: { code: mapped.code, httpStatus: mapped.httpStatus, path } };
      if (error.code === 'INTERNAL_SERVER_ERROR') return { ...shape, message: INTERNAL_ERROR_MESSAGE, data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path } };
      const zodIssues = error.cause instanceof ZodError ? formatZodIssues(error.cause) : undefined;
      return { ...shape, data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path, ...(zodIssues ? { zodIssues } : {}) } };
    },
  });

// Domain errors, and database refusals the request caused (a duplicate name, a value past its
// column), keep their message and get their code from the one error table; anything unexpected
// is logged here and reaches the caller as a bare 500.
const errorMapping = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    const mapped = domainErrorOf(cause);
    if (mapped) throw trpcErrorOf(mapped);
    if (cause instanceof ZodError) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: formatZodIssues(cause).join('; '), cause });
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path} failed`, result.error.cause ?? result.error);
  }
  return result;
});

// The floor under every input schema, before any of them runs: no string a column cannot store
// (NUL, lone surrogates), no nesting deep enough to hurt a recursive reader; the 400 names the field.
const safeInput = t.middleware(async ({ next, getRawInput }) => {
  const unsafe = findUnsafeJson(await getRawInput());
  if (unsafe) {
    const issue = unsafe.path ? `${unsafe.path}: ${unsafe.problem}` : `input ${unsafe.problem}`;
    throw new DomainError('BAD_REQUEST', issue, { issues: [issue] });
  }
  return next();
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
// A signed-in mutation from a foreign page (or not sent as JSON) is refused: see server/auth/cross-site.ts.
const crossSiteGuard = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && ctx.crossSiteRefusal) throw trpcErrorOf(ctx.crossSiteRefusal);
  return next();
});

export const publicProcedure = t.procedure.use(errorMapping).use(crossSiteGuard).use(safeInput);

/** Signed in (or a valid token) and holding the scope the procedure's meta names. */
export const protectedProcedure = publicProcedure.use(({ ctx, meta, next, path }) => {
  if (!ctx.principal) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: ctx.authError ?? 'sign in first' });
  }
  if (!meta?.scope) throw new Error(`procedure ${path} declares no scope`);
  if (!hasScope(ctx.principal.scopes, meta.scope)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `this needs the ${meta.scope} permission` });
  }
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});
