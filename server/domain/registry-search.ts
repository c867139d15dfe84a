import { DomainError } from './errors';

/*
 * MLflow's registry search filters (registered-models/search, model-versions/search): clauses
 * `name = 'x'`, `name LIKE 'x%'`, `run_id = '...'`, `tags.key = 'v'`, `version_number = 3`,
 * `run_id IN ('a', 'b')`, joined with AND. Matching happens in memory (models are few).
 */

export type TRegistryClause = { field: string; op: '=' | '!=' | 'LIKE' | 'ILIKE' | 'IN'; values: string[] };

const FIELD_RE = /^(?:attributes?\.)?(name|run_id|source|version_number|current_stage|user_id)$|^tags\.(?:`([^`]+)`|"([^"]+)"|([\w.\-/: ]+))$/i;

function splitAnd(filter: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i]!;
    if (quote) {
      current += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    if (!quote && /\s/.test(c) && /^\s+AND\s+/i.test(filter.slice(i))) {
      const m = /^\s+AND\s+/i.exec(filter.slice(i))!;
      parts.push(current);
      current = '';
      i += m[0].length - 1;
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

const unquote = (v: string): string | null => {
  const m = /^'((?:[^']|'')*)'$|^"([^"]*)"$/.exec(v.trim());
  if (m) return m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2]!;
  return /^-?\d+$/.test(v.trim()) ? v.trim() : null;
};

export function parseRegistryFilter(filter: string | undefined | null): TRegistryClause[] {
  if (!filter || !filter.trim()) return [];
  return splitAnd(filter).map((clause) => {
    const m = /^(.+?)\s*(!=|=|\bNOT\s+LIKE\b|\bILIKE\b|\bLIKE\b|\bIN\b)\s*(.+)$/is.exec(clause);
    if (!m) throw new DomainError('BAD_REQUEST', `invalid filter clause "${clause}": expected <field> <op> <value>`);
    const field = FIELD_RE.exec(m[1]!.trim());
    if (!field) throw new DomainError('BAD_REQUEST', `invalid filter: cannot filter on "${m[1]!.trim()}" (name, run_id, source, version_number, tags.<key>)`);
    const name = field[1] ? field[1].toLowerCase() : `tags.${field[2] ?? field[3] ?? field[4]}`;
    const op = m[2]!.toUpperCase().replace(/\s+/g, ' ');
    if (op === 'NOT LIKE') throw new DomainError('BAD_REQUEST', 'invalid filter: NOT LIKE is not supported');
    let values: string[];
    if (op === 'IN') {
      const list = /^\((.*)\)$/s.exec(m[3]!.trim());
      if (!list) throw new DomainError('BAD_REQUEST', `invalid filter: IN takes a parenthesised list in "${clause}"`);
      values = list[1]!.split(',').map((v) => unquote(v) ?? '');
    } else {
      const v = unquote(m[3]!);
      if (v === null) throw new DomainError('BAD_REQUEST', `invalid filter: the value in "${clause}" must be a quoted string`);
      values = [v];
    }
    return { field: name, op: op as TRegistryClause['op'], values };
  });
}

function likeRegex(pattern: string, flags: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, `s${flags}`);
}

/** Whether a record (field -> value; tags under "tags.<key>") satisfies every clause. */
export function matchesRegistryFilter(clauses: readonly TRegistryClause[], record: Record<string, string | undefined>): boolean {
  return clauses.every((c) => {
    const actual = record[c.field];
    if (actual === undefined) return c.op === '!=';
    switch (c.op) {
      case '=':
        return actual === c.values[0];
      case '!=':
        return actual !== c.values[0];
      case 'LIKE':
        return likeRegex(c.values[0]!, '').test(actual);
      case 'ILIKE':
        return likeRegex(c.values[0]!, 'i').test(actual);
      case 'IN':
        return c.values.includes(actual);
    }
  });
}
