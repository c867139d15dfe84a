import { seededRandom } from '../../synthetic/seeded-random';

/*
 * Test-only: seeded malformed requests, made by mutating one valid example of a surface's body.
 * The same (seed, count, example) always gives the same cases, so a failure names its seed and
 * index and can be replayed alone (`fuzzCases(seed, n, example)[index]`).
 *
 * Values that JSON.stringify cannot write (NaN, 1e999, lone surrogate escapes, invalid UTF-8 bytes,
 * 100,000 levels of nesting) are spliced in as raw bytes through a placeholder string.
 */

export interface TFuzzCase {
  /** What was done to the example, for the failure message. */
  label: string;
  body: Buffer;
  contentType: string;
  /** Sent with Transfer-Encoding: chunked and no Content-Length. */
  chunked: boolean;
}

type TRaw = { raw: Buffer; label: string };
type TNasty = { value: unknown; label: string } | TRaw;

const bytes = (s: string) => Buffer.from(s, 'latin1');
const deepArray = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

/** Values that break naive code: each is either a JSON value or raw bytes standing in for one. */
export const NASTY_VALUES: readonly TNasty[] = [
  { value: null, label: 'null' },
  { value: true, label: 'boolean' },
  { value: 0, label: 'zero' },
  { value: -1, label: 'negative' },
  { value: 1.5, label: 'fraction' },
  { value: 2147483648, label: 'past int4' },
  { value: -2147483649, label: 'below int4' },
  { raw: bytes('9007199254740993'), label: 'past 2^53' },
  { value: 1e30, label: '1e30' },
  { value: -1e30, label: '-1e30' },
  { raw: bytes('1e999'), label: 'Infinity literal' },
  { raw: bytes('NaN'), label: 'NaN literal' },
  { raw: bytes('-Infinity'), label: '-Infinity literal' },
  { value: '', label: 'empty string' },
  { value: 'poison\u0000', label: 'NUL in string' },
  { value: '\u0000', label: 'NUL alone' },
  { value: 'a\u0001\u001f\u007f', label: 'control characters' },
  { value: 'line\r\nInjected: header', label: 'CRLF' },
  { raw: bytes('"\\ud800"'), label: 'lone surrogate escape' },
  { raw: Buffer.from([0x22, 0x61, 0xff, 0xfe, 0x62, 0x22]), label: 'invalid UTF-8 bytes' },
  { raw: Buffer.from([0x22, 0xc3, 0x28, 0x22]), label: 'invalid UTF-8 sequence' },
  { value: 'x'.repeat(1 << 20), label: '1 MiB string' },
  { value: 'x'.repeat(10_000), label: '10,000-character string' },
  { value: '../../../../etc/passwd', label: 'path traversal' },
  { value: '%zz%', label: 'malformed percent-encoding' },
  { value: [], label: 'empty array' },
  { value: {}, label: 'empty object' },
  { value: ['a', 1, null], label: 'mixed array' },
  { raw: bytes('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'), label: 'prototype keys' },
  { raw: bytes(deepArray(100_000)), label: '100,000-level nesting' },
  { raw: bytes(deepArray(200)), label: '200-level nesting' },
  { value: new Array(100_000).fill(0), label: '100,000-element array' },
];

type TPath = (string | number)[];

function leafPaths(value: unknown, path: TPath = [], out: TPath[] = []): TPath[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => leafPaths(v, [...path, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leafPaths(v, [...path, k], out);
  return out;
}

function setAt(root: unknown, path: TPath, value: unknown): unknown {
  if (!path.length) return value;
  const copy: unknown = structuredClone(root);
  let at = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
  return copy;
}

function deleteAt(root: unknown, path: TPath): unknown {
  const copy: unknown = structuredClone(root);
  let at = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (Array.isArray(at)) at.splice(Number(last), 1);
  else delete at[last];
  return copy;
}

const PLACEHOLDER = '__ballast_fuzz_raw__';

function encode(value: unknown, raw?: Buffer): Buffer {
  const text = JSON.stringify(value) ?? 'null';
  if (!raw) return Buffer.from(text);
  const [before, after] = text.split(`"${PLACEHOLDER}"`);
  return Buffer.concat([Buffer.from(before ?? ''), raw, Buffer.from(after ?? '')]);
}

/**
 * `count` malformed variants of `example` (a valid body of the surface). Mutations: a leaf (or the
 * whole body) replaced by a nasty value, a field removed, an unknown field added, the body
 * truncated, sent with a wrong content type, or padded past `oversizeBytes` and sent chunked.
 */
export function fuzzCases(seed: number, count: number, example: unknown, opts: { oversizeBytes?: number } = {}): TFuzzCase[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const paths = leafPaths(example);
  const cases: TFuzzCase[] = [];
  const json = 'application/json';
  for (let i = 0; i < count; i++) {
    const kind = random();
    const chunked = random() < 0.15;
    if (kind < 0.6) {
      const path = pick(paths);
      const nasty = pick(NASTY_VALUES);
      const where = path.join('.') || '(body)';
      const body = 'raw' in nasty ? encode(setAt(example, path, PLACEHOLDER), nasty.raw) : encode(setAt(example, path, nasty.value));
      cases.push({ label: `${where} = ${nasty.label}`, body, contentType: json, chunked });
    } else if (kind < 0.7 && paths.length > 1) {
      const path = pick(paths.slice(1));
      cases.push({ label: `${path.join('.')} removed`, body: encode(deleteAt(example, path)), contentType: json, chunked });
    } else if (kind < 0.75 && example && typeof example === 'object' && !Array.isArray(example)) {
      cases.push({ label: 'unknown field added', body: encode({ ...example, ['unexpected\u0000field']: pick(NASTY_VALUES.filter((n) => 'value' in n)).value }), contentType: json, chunked });
    } else if (kind < 0.85) {
      const full = encode(example);
      const cut = Math.max(1, Math.floor(random() * full.length));
      cases.push({ label: `truncated at byte ${cut}`, body: full.subarray(0, cut), contentType: json, chunked });
    } else if (kind < 0.93) {
      const contentType = pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '']);
      cases.push({ label: `content-type '${contentType}'`, body: encode(example), contentType, chunked });
    } else {
      const size = opts.oversizeBytes ?? 2 << 20;
      const padding = 'x'.repeat(size);
      const body = example && typeof example === 'object' && !Array.isArray(example) ? encode({ ...example, padding }) : encode([example, padding]);
      cases.push({ label: `oversized (${body.length} bytes${chunked ? ', chunked' : ''})`, body, contentType: json, chunked: random() < 0.5 });
    }
  }
  return cases;
}

/** Path segments that must not reach a handler undecoded or escape a root. */
export const NASTY_PATH_SEGMENTS: readonly string[] = ['%', '%zz', '%E0%A4%A', '%00', 'a%00b', '..', '%2e%2e', '..%2f..%2fetc', '%ff%fe', 'x'.repeat(5000), '%C0%AF', '2147483648', '-1', '1e30', 'NaN'];
