/*
 * Side-by-side config comparison: configs are flattened to dotted leaf paths (lists are compared
 * as whole values, since list items have no stable identity), and a row is "changed" when any
 * two runs disagree, a missing key counting as a difference.
 */
import type { TJsonValue } from '../contracts/training-config';
import { canonicalJson } from './canonical-config';

export type TConfigDiffRow = { path: string; values: (TJsonValue | null)[]; changed: boolean };

function flatten(value: TJsonValue | undefined, prefix: string, out: Map<string, TJsonValue>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, out);
  } else if (value !== undefined && prefix !== '') {
    out.set(prefix, value);
  }
}

export function diffConfigs(configs: readonly (TJsonValue | null | undefined)[]): TConfigDiffRow[] {
  const flat = configs.map((config) => {
    const out = new Map<string, TJsonValue>();
    flatten(config ?? undefined, '', out);
    return out;
  });
  const paths = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  return paths.map((path) => {
    const values = flat.map((m) => (m.has(path) ? m.get(path)! : null));
    const present = flat.map((m) => m.has(path));
    const first = canonicalJson(values[0] ?? null);
    const changed = present.some((p) => !p) || values.some((v) => canonicalJson(v ?? null) !== first);
    return { path, values, changed };
  });
}
