import { DomainError, isDomainError, STORAGE_ERROR_TABLE } from '../domain/errors';

/*
 * Reads a database error (Prisma with the pg driver adapter, or pg itself) for the one thing the
 * transports need: whether the request caused it, and which DomainError it is then. The meaning of
 * each code lives in STORAGE_ERROR_TABLE (server/domain/errors.ts); this file only knows where
 * Prisma 7 and pg keep the codes. Used by the REST wrapper and by tRPC's error mapping alike.
 */

interface TAdapterCause {
  originalCode?: unknown;
  code?: unknown;
  kind?: unknown;
  constraint?: { fields?: unknown; index?: unknown } | unknown;
  table?: unknown;
}

interface TPrismaLike {
  name?: unknown;
  code?: unknown;
  meta?: { modelName?: unknown; target?: unknown; driverAdapterError?: { cause?: TAdapterCause } };
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const PRISMA_CODE = /^P\d{4}$/;

function sqlStateOf(err: TPrismaLike): string | null {
  const cause = err.meta?.driverAdapterError?.cause;
  for (const candidate of [cause?.originalCode, cause?.code]) {
    if (typeof candidate === 'string' && SQLSTATE.test(candidate)) return candidate;
  }
  // pg's own DatabaseError (raw client use) carries the SQLSTATE as `code`.
  if (err.name === 'error' || err.name === 'DatabaseError') {
    if (typeof err.code === 'string' && SQLSTATE.test(err.code)) return err.code;
  }
  return null;
}

/** "RegisteredModel" -> "registered model". */
function modelWords(name: unknown): string | null {
  return typeof name === 'string' && name ? name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase() : null;
}

/** The columns of a unique violation: Prisma's fields when it names them, else read from the index name. */
function uniqueFields(err: TPrismaLike): string[] {
  const cause = err.meta?.driverAdapterError?.cause;
  const constraint = (cause?.constraint ?? {}) as { fields?: unknown; index?: unknown };
  if (Array.isArray(constraint.fields) && constraint.fields.every((f) => typeof f === 'string')) return constraint.fields as string[];
  if (Array.isArray(err.meta?.target)) return (err.meta!.target as unknown[]).filter((f): f is string => typeof f === 'string');
  if (typeof constraint.index === 'string' && typeof cause?.table === 'string') {
    const m = new RegExp(`^${cause.table}_(.+)_key$`).exec(constraint.index);
    if (m) return [m[1]!];
  }
  return [];
}

/**
 * The DomainError a caller should get for `err`: DomainErrors as they are, database refusals
 * the request caused as their 4xx, and null for everything else (a 500, logged by the caller).
 */
export function domainErrorOf(err: unknown): DomainError | null {
  if (isDomainError(err)) return err;
  if (!err || typeof err !== 'object') return null;
  const e = err as TPrismaLike;
  const sqlState = sqlStateOf(e);
  const prismaCode = typeof e.code === 'string' && PRISMA_CODE.test(e.code) ? e.code : null;
  const entry = (sqlState && STORAGE_ERROR_TABLE[sqlState]) || (prismaCode && STORAGE_ERROR_TABLE[prismaCode]) || null;
  if (!entry) return null;
  const details: Record<string, unknown> = { storageCode: sqlState ?? prismaCode };
  let message = entry.message;
  if (sqlState === '23505' || prismaCode === 'P2002') {
    const fields = uniqueFields(e);
    const what = modelWords(e.meta?.modelName) ?? 'record';
    message = fields.length ? `a ${what} with this ${fields.join(' and ')} already exists` : `this ${what} already exists`;
    if (fields.length) details.fields = fields;
  }
  return new DomainError(entry.code, message, details);
}
