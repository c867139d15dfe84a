import { NASTY_VALUES } from './fuzz-cases';
import { sendRaw, type TRawRequest } from './send-raw';
import { seededRandom } from '../../synthetic/seeded-random';

/*
 * Test-only: sends a fuzz suite's requests through a real server a few at a time and tallies the
 * answers, so a suite asserts one summary (no 5xx, no hang) and prints its counts. Every request
 * carries a label naming its seed and index, so a failure can be replayed alone.
 */

export interface TFuzzRequest extends TRawRequest {
  label: string;
  /** Oversized on purpose: the server may close the connection once it has refused the body. */
  oversized?: boolean;
}

export interface TFuzzSummary {
  requests: number;
  byClass: Record<'2xx' | '3xx' | '4xx' | '5xx', number>;
  /** Oversized requests whose connection the server closed while the client was still sending. */
  closedEarly: number;
  failures: string[];
}

/** The seed a suite runs with: FUZZ_SEED replays a failure, else the suite's fixed default. */
export function fuzzSeed(fallback: number): number {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw === '') return fallback;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${raw}`);
  return seed;
}

export async function runFuzz(baseUrl: string, requests: readonly TFuzzRequest[], opts: { concurrency?: number; timeoutMs?: number } = {}): Promise<TFuzzSummary> {
  const summary: TFuzzSummary = { requests: requests.length, byClass: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, closedEarly: 0, failures: [] };
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const r = requests[next++]!;
      try {
        const res = await sendRaw(baseUrl, { ...r, timeoutMs: opts.timeoutMs ?? 10_000 });
        const cls = `${Math.floor(res.status / 100)}xx` as keyof TFuzzSummary['byClass'];
        if (cls in summary.byClass) summary.byClass[cls]++;
        if (res.status >= 500 || res.status < 200) summary.failures.push(`${r.label}: ${r.method} ${r.path.slice(0, 160)} -> ${res.status} ${res.body.slice(0, 300)}`);
      } catch (err) {
        if (r.oversized && (err as { closedEarly?: boolean }).closedEarly) {
          summary.closedEarly++;
          continue;
        }
        summary.failures.push(`${r.label}: ${r.method} ${r.path.slice(0, 160)} -> ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  return summary;
}

export function formatFuzzSummary(surface: string, seed: number, s: TFuzzSummary): string {
  return `[fuzz] ${surface} (seed ${seed}): ${s.requests} requests, 2xx ${s.byClass['2xx']}, 3xx ${s.byClass['3xx']}, 4xx ${s.byClass['4xx']}, 5xx ${s.byClass['5xx']}, closed after refusing an oversized body ${s.closedEarly}, failures ${s.failures.length}`;
}

/** Bytes as a query value: every byte outside the unreserved set percent-encoded, invalid UTF-8 kept as it is. */
export function percentEncodeBytes(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** Raw query-string values that break naive parsing: malformed escapes, bytes that are not UTF-8, NUL, huge numbers. */
const NASTY_QUERY_VALUES: readonly string[] = [
  '%zz',
  '%',
  '%E0%A4%A',
  '%ff%fe',
  '%C0%AF',
  '%ED%A0%80',
  '%00',
  'a%00b',
  '%0D%0AInjected:%20header',
  '2147483648',
  '-2147483649',
  '1e30',
  '1e999',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1.5',
  '',
  'x'.repeat(10_000),
  '..%2F..%2Fetc%2Fpasswd',
  '%5B%5D',
  'true',
  'null',
  '2026-13-45',
  '-271821-04-20T00:00:00.000Z',
  '%2B275760-09-13T00:00:00.000Z',
  '0000-01-01',
  '%2B',
  '+',
];

/**
 * `count` malformed variants of a query (`{limit: '10'}` as the valid example): a value replaced
 * by a nasty one (raw, so malformed escapes reach the server as sent), a key removed, repeated,
 * or made nasty itself, an unknown key added.
 */
export function fuzzQueries(seed: number, count: number, example: Record<string, string>): { label: string; search: string }[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const keys = Object.keys(example);
  const enc = (s: string) => encodeURIComponent(s);
  const out: { label: string; search: string }[] = [];
  for (let i = 0; i < count; i++) {
    const pairs = keys.map((k) => [enc(k), enc(example[k]!)] as [string, string]);
    const kind = random();
    let label: string;
    if (kind < 0.55 && pairs.length) {
      const at = Math.floor(random() * pairs.length);
      const value = pick(NASTY_QUERY_VALUES);
      pairs[at]![1] = value;
      label = `${keys[at]} = ${value.slice(0, 40)}`;
    } else if (kind < 0.7 && pairs.length) {
      const nasty = pick(NASTY_VALUES.filter((n) => 'value' in n && typeof n.value === 'string')) as { value: string; label: string };
      const at = Math.floor(random() * pairs.length);
      pairs[at]![1] = enc(nasty.value);
      label = `${keys[at]} = ${nasty.label} (encoded)`;
    } else if (kind < 0.8 && pairs.length) {
      const at = Math.floor(random() * pairs.length);
      label = `${keys[at]} removed`;
      pairs.splice(at, 1);
    } else if (kind < 0.88 && pairs.length) {
      const at = Math.floor(random() * pairs.length);
      pairs.push([pairs[at]![0], pick(NASTY_QUERY_VALUES)]);
      label = `${keys[at]} repeated`;
    } else {
      const key = pick(['%zz', '%00', '__proto__', 'constructor', 'x'.repeat(2000), 'a%ffb']);
      pairs.push([key, pick(NASTY_QUERY_VALUES)]);
      label = `unknown key ${key.slice(0, 20)}`;
    }
    out.push({ label, search: pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : '' });
  }
  return out;
}
