import { z } from 'zod';

/*
 * The text rules every edge shares (worker, ingest, REST, tRPC, MLflow), so a string one edge
 * accepts can never be refused later by another — or by PostgreSQL, which cannot store U+0000 in
 * text (22021) and would turn one bad record into a 500 that stops a pipeline.
 *
 * - Anywhere: no NUL and no lone UTF-16 surrogate (the JSON escape "\ud800" decodes to one; it has
 *   no UTF-8 form).
 * - Identifiers (names, keys, ids, routing keys): no control characters at all (C0, DEL, C1).
 * - Free text (descriptions, comments, values): tab, line feed and carriage return are allowed.
 */

/** Length caps for stored strings, in UTF-16 code units as zod counts them. */
export const TEXT_LIMITS = {
  /** Model, experiment, dataset names; feature names. */
  name: 256,
  /** Request ids, routing keys, worker ids. */
  id: 256,
  /** Tag and param keys (MLflow's own limit). */
  key: 250,
  /** Free text: descriptions, comments, reasons. */
  text: 10_000,
} as const;

export type TTextKind = 'identifier' | 'text';

/** What is wrong with a string, in words, or null when it is acceptable for its kind. */
export function unsafeTextProblem(value: string, kind: TTextKind = 'identifier'): string | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0) return `contains a NUL character (U+0000) at position ${i}`;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `contains an unpaired surrogate (U+${c.toString(16).toUpperCase()}) at position ${i}: not valid Unicode`;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return `contains an unpaired surrogate (U+${c.toString(16).toUpperCase()}) at position ${i}: not valid Unicode`;
    const control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
    if (!control) continue;
    if (kind === 'text' && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
    return `contains a control character (U+${c.toString(16).toUpperCase().padStart(4, '0')}) at position ${i}`;
  }
  return null;
}

/** A string schema with a length cap and the rules of its kind; the message names the problem. */
export function zSafeText(opts: { max: number; min?: number; kind?: TTextKind }) {
  const kind = opts.kind ?? 'identifier';
  let schema = z.string().max(opts.max, `must be at most ${opts.max} characters`);
  if (opts.min) schema = schema.min(opts.min, opts.min === 1 ? 'must not be empty' : `must be at least ${opts.min} characters`);
  return schema.superRefine((value, ctx) => {
    const problem = unsafeTextProblem(value, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** A name (model, experiment, dataset, feature): 1-256 characters, no control characters. */
export const ZSafeName = zSafeText({ min: 1, max: TEXT_LIMITS.name });
/** An id or routing key: 1-256 characters, no control characters. */
export const ZSafeId = zSafeText({ min: 1, max: TEXT_LIMITS.id });
/** Free text (descriptions, comments): up to 10,000 characters; tabs and line breaks allowed. */
export const ZSafeFreeText = zSafeText({ max: TEXT_LIMITS.text, kind: 'text' });

/** Deeper than this, a JSON body is refused before anything recurses into it. */
export const MAX_JSON_DEPTH = 64;

export interface TUnsafeJson {
  /** Dotted path of the offending value (`records.3.routing_key`), '' for the root. */
  path: string;
  problem: string;
}

/**
 * Walks a parsed JSON value without recursion (deep nesting cannot overflow the stack) and names
 * the first string (value or key) that no column could store, or the first place nesting passes
 * maxDepth. Field-specific rules (control characters in names, lengths) stay with each schema;
 * this is the floor every body stands on.
 */
export function findUnsafeJson(root: unknown, maxDepth = MAX_JSON_DEPTH): TUnsafeJson | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = unsafeTextProblem(value, 'text');
      if (problem) return { path, problem };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) return { path, problem: `is nested more than ${maxDepth} levels deep` };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: join(path, i), depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const keyProblem = unsafeTextProblem(key, 'text');
      if (keyProblem) return { path: join(path, key), problem: `has a key that ${keyProblem}` };
      stack.push({ value: child, path: join(path, key), depth: depth + 1 });
    }
  }
  return null;
}
