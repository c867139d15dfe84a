import type { IncomingMessage, ServerResponse } from 'node:http';
import { findUnsafeJson, MAX_JSON_DEPTH, unsafeTextProblem } from '../server/contracts/safe-text';
import { DomainError } from '../server/domain/errors';

/** Body reading with a hard size cap, and JSON replies: the only HTTP plumbing the worker needs. */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new HttpError(413, `body of ${declared} bytes is over the limit of ${limit} bytes`, 'body_too_large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `body is over the limit of ${limit} bytes`, 'body_too_large'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    // A client that goes away (or a stalled body timed out by the server) is not a worker fault.
    req.on('error', (err) => reject(new HttpError(400, `the request body was not received: ${err.message}`, 'body_aborted')));
  });
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new HttpError(400, 'body is empty; send a JSON object', 'malformed_json');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `body is not valid JSON: ${(err as Error).message}`, 'malformed_json');
  }
}

/** Recursion bounded by `depthLeft` (<= MAX_JSON_DEPTH), so deep input cannot overflow the stack. */
function isSafeJson(value: unknown, depthLeft: number): boolean {
  if (typeof value === 'string') return unsafeTextProblem(value, 'text') === null;
  if (value === null || typeof value !== 'object') return true;
  if (depthLeft <= 0) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'number' && !isSafeJson(v, depthLeft - 1)) return false;
    }
    return true;
  }
  for (const key in value) {
    if (unsafeTextProblem(key, 'text') !== null || !isSafeJson((value as Record<string, unknown>)[key], depthLeft - 1)) return false;
  }
  return true;
}

/**
 * The floor every body stands on, before any schema or hash looks inside: no NUL or lone surrogate
 * in any string or key, nesting at most MAX_JSON_DEPTH. A fast pass without paths (bodies are mostly
 * numbers); only a body that fails it is walked again for the path to name.
 */
export function refuseUnsafeJson(body: unknown): void {
  if (isSafeJson(body, MAX_JSON_DEPTH)) return;
  const found = findUnsafeJson(body, MAX_JSON_DEPTH);
  // The path may hold the offending key itself: cut short, so it cannot flood the answer.
  const where = found && (found.path.length > 200 ? `${found.path.slice(0, 200)}…` : found.path || '(body)');
  if (found) throw new HttpError(400, `invalid request: ${where}: ${found.problem}`, 'invalid_request');
}

/** A path segment, percent-decoded; malformed encoding is the caller's 400, never a URIError 500. */
export function decodeSegment(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `${what}: malformed percent-encoding in the path segment '${segment.slice(0, 64)}'`, 'malformed_path');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

/** Status, message and metric reason of any error a handler threw; 5xx never leak internals. */
export function describeError(err: unknown): { status: number; message: string; reason: string; headers: Record<string, string> } {
  if (err instanceof HttpError) return { status: err.status, message: err.message, reason: err.reason, headers: err.headers };
  if (err instanceof DomainError) {
    const headers: Record<string, string> = {};
    const retry = (err as { retryAfterS?: number }).retryAfterS;
    if (retry) headers['retry-after'] = String(retry);
    const reason = err.httpStatus === 404 ? 'unknown_model' : err.httpStatus === 429 ? 'queue_full' : err.httpStatus === 503 ? 'unavailable' : 'invalid_input';
    return { status: err.httpStatus, message: err.message, reason, headers };
  }
  const status = (err as { httpStatus?: number }).httpStatus;
  if (status === 504) return { status, message: (err as Error).message, reason: 'deadline', headers: {} };
  return { status: 500, message: 'internal error: the worker logged the details', reason: 'internal', headers: {} };
}
