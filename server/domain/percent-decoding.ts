import { DomainError } from './errors';

/*
 * Percent-decoding that refuses instead of guessing. URLSearchParams turns "%ff" into U+FFFD and
 * leaves "%zz" as it is, so a name could be stored differently from what was sent; Next's own
 * decoding of a dynamic path segment throws, which it answers with a bare-text 500. Both are the
 * caller's mistake: a 400 that names the parameter or the segment.
 */

function strictDecode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** `?a=1&a=2&b=x` as `{a: ['1', '2'], b: 'x'}`; '+' is a space, as in forms. Malformed %-escapes or non-UTF-8 bytes: 400. */
export function strictSearchParams(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (!query) return out;
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const key = strictDecode(rawKey.replace(/\+/g, ' '));
    if (key === null) throw new DomainError('BAD_REQUEST', `query parameter name "${rawKey.slice(0, 100)}" is not valid percent-encoded UTF-8`, { parameter: rawKey.slice(0, 100) });
    const value = strictDecode(rawValue.replace(/\+/g, ' '));
    if (value === null) throw new DomainError('BAD_REQUEST', `query parameter ${key.slice(0, 100)}: is not valid percent-encoded UTF-8`, { parameter: key.slice(0, 100) });
    if (Object.prototype.hasOwnProperty.call(out, key)) {
      const prev = out[key]!;
      out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    } else {
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

export interface TUndecodableSegment {
  /** 0-based position among the path's segments (`/api/v1/models/%zz` -> 3). */
  index: number;
  /** The segment as sent, cut to 100 characters. */
  segment: string;
}

/** The first path segment that is not valid percent-encoded UTF-8, or null when every one decodes. */
export function undecodablePathSegment(pathname: string): TUndecodableSegment | null {
  if (!pathname.includes('%')) return null;
  const segments = pathname.split('/').slice(1);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.includes('%') && strictDecode(segment) === null) return { index: i, segment: segment.slice(0, 100) };
  }
  return null;
}

/** The 400's words: which segment, and why. */
export function undecodablePathMessage(found: TUndecodableSegment): string {
  return `path segment ${found.index + 1} ("${found.segment}") is not valid percent-encoding: each % must start an escape like %2F, and the escapes must spell UTF-8`;
}
