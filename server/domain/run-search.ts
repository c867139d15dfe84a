/*
 * MLflow's run search language, parsed into a small AST that the search service turns into SQL
 * (bound parameters only, never string concatenation). Grammar, as MLflow's SearchUtils accepts it:
 *
 *   filter     := clause ( AND clause )*
 *   clause     := identifier comparator value
 *   identifier := entity "." key | attribute          key may be quoted: tags."mlflow.user", params.`lr x`
 *   entity     := metric(s) | param(s) | parameter(s) | tag(s) | attribute(s) | attr | run
 *   comparator := = | != | > | >= | < | <= | LIKE | ILIKE | IN | NOT IN
 *   value      := 'string' | "string" | number | ( 'a', 'b', ... )
 *
 * Metrics and the time attributes compare numbers; params, tags and the other attributes compare
 * strings (=, !=, LIKE, ILIKE); run_id also takes IN / NOT IN lists.
 */
import { DomainError } from './errors';

export type TSearchEntity = 'metric' | 'param' | 'tag' | 'attribute';
export type TSearchOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export const RUN_STRING_ATTRIBUTES = ['status', 'run_name', 'run_id', 'user_id', 'artifact_uri', 'lifecycle_stage'] as const;
export const RUN_NUMERIC_ATTRIBUTES = ['start_time', 'end_time'] as const;
export type TRunAttribute = (typeof RUN_STRING_ATTRIBUTES)[number] | (typeof RUN_NUMERIC_ATTRIBUTES)[number];

export type TSearchClause =
  | { entity: 'metric'; key: string; op: '=' | '!=' | '>' | '>=' | '<' | '<='; value: number }
  | { entity: 'param' | 'tag'; key: string; op: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string }
  | { entity: 'attribute'; key: (typeof RUN_NUMERIC_ATTRIBUTES)[number]; op: '=' | '!=' | '>' | '>=' | '<' | '<='; value: number }
  | { entity: 'attribute'; key: (typeof RUN_STRING_ATTRIBUTES)[number]; op: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string }
  | { entity: 'attribute'; key: 'run_id'; op: 'IN' | 'NOT IN'; value: string[] };

export type TSearchOrder = { entity: TSearchEntity; key: string; ascending: boolean };

const ENTITY_ALIASES: Record<string, TSearchEntity> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

// MLflow spells some attributes two ways.
const ATTRIBUTE_ALIASES: Record<string, TRunAttribute> = {
  status: 'status',
  run_name: 'run_name',
  run_id: 'run_id',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
  lifecycle_stage: 'lifecycle_stage',
  start_time: 'start_time',
  end_time: 'end_time',
  created: 'start_time',
  Created: 'start_time',
};

type TToken =
  | { t: 'ident'; v: string; quoted: boolean }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'op'; v: string }
  | { t: 'punct'; v: '(' | ')' | ',' | '.' };

function bad(message: string): DomainError {
  return new DomainError('BAD_REQUEST', message);
}

// A number can only be a value, so it follows a comparator; elsewhere digits belong to a key.
function afterComparator(tokens: TToken[]): boolean {
  const previous = tokens[tokens.length - 1];
  return previous?.t === 'op' || (previous?.t === 'ident' && !previous.quoted && ['LIKE', 'ILIKE'].includes(previous.v.toUpperCase()));
}

function tokenize(input: string): TToken[] {
  const tokens: TToken[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"' || c === '`') {
      const end = input.indexOf(c, i + 1);
      if (end < 0) throw bad(`invalid filter: unterminated quote starting at position ${i}`);
      const text = input.slice(i + 1, end);
      // A double-quoted or backticked word right after "entity." is a quoted key, not a value.
      const previous = tokens[tokens.length - 1];
      if (c === '`' || (c === '"' && previous?.t === 'punct' && previous.v === '.')) tokens.push({ t: 'ident', v: text, quoted: true });
      else tokens.push({ t: 'string', v: text });
      i = end + 1;
    } else if ('(),'.includes(c)) {
      tokens.push({ t: 'punct', v: c as '(' | ')' | ',' });
      i++;
    } else if ('=!<>'.includes(c)) {
      const two = input.slice(i, i + 2);
      if (['!=', '>=', '<=', '=='].includes(two)) {
        tokens.push({ t: 'op', v: two === '==' ? '=' : two });
        i += 2;
      } else if (c === '!') {
        throw bad(`invalid filter: unexpected "!" at position ${i}`);
      } else {
        tokens.push({ t: 'op', v: c });
        i++;
      }
    } else if (/[-+\d]/.test(c) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.test(input.slice(i)) && afterComparator(tokens)) {
      const match = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(input.slice(i))!;
      tokens.push({ t: 'number', v: Number(match[0]) });
      i += match[0].length;
    } else if (/[A-Za-z0-9_.\-:/]/.test(c)) {
      const match = /^[A-Za-z0-9_\-:/]+/.exec(input.slice(i));
      if (c === '.') {
        tokens.push({ t: 'punct', v: '.' });
        i++;
      } else {
        tokens.push({ t: 'ident', v: match![0], quoted: false });
        i += match![0].length;
      }
    } else {
      throw bad(`invalid filter: unexpected character "${c}" at position ${i}`);
    }
  }
  return tokens;
}

class Cursor {
  private i = 0;
  constructor(private readonly tokens: TToken[]) {}
  peek(): TToken | undefined {
    return this.tokens[this.i];
  }
  next(): TToken | undefined {
    return this.tokens[this.i++];
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }
}

function isWord(token: TToken | undefined, word: string): boolean {
  return token?.t === 'ident' && !token.quoted && token.v.toUpperCase() === word;
}

// entity "." key, where an unquoted key may itself hold dots (tags.mlflow.user).
function parseIdentifier(cursor: Cursor): { entity: TSearchEntity; key: string } {
  const first = cursor.next();
  if (first?.t !== 'ident') throw bad('invalid filter: expected an identifier such as metrics.accuracy, params.lr or tags.model');
  const entity = first.quoted ? undefined : ENTITY_ALIASES[first.v];
  if (!entity || cursor.peek()?.t !== 'punct' || (cursor.peek() as { v: string }).v !== '.') {
    const attribute = ATTRIBUTE_ALIASES[first.v];
    if (attribute) return { entity: 'attribute', key: attribute };
    throw bad(`invalid filter: "${first.v}" is not an identifier; use metrics.<key>, params.<key>, tags.<key> or attributes.<name>`);
  }
  cursor.next();
  const parts: string[] = [];
  for (;;) {
    const part = cursor.next();
    if (part?.t !== 'ident') throw bad(`invalid filter: expected a key after "${first.v}."`);
    parts.push(part.v);
    if (part.quoted || cursor.peek()?.t !== 'punct' || (cursor.peek() as { v: string }).v !== '.') break;
    cursor.next();
  }
  const key = parts.join('.');
  if (entity !== 'attribute') return { entity, key };
  const attribute = ATTRIBUTE_ALIASES[key];
  if (!attribute) {
    throw bad(`invalid filter: "${key}" is not a searchable attribute; use one of ${[...RUN_STRING_ATTRIBUTES, ...RUN_NUMERIC_ATTRIBUTES].join(', ')}`);
  }
  return { entity, key: attribute };
}

function parseOperator(cursor: Cursor): TSearchOp {
  const token = cursor.next();
  if (token?.t === 'op') return token.v as TSearchOp;
  if (isWord(token, 'LIKE')) return 'LIKE';
  if (isWord(token, 'ILIKE')) return 'ILIKE';
  if (isWord(token, 'IN')) return 'IN';
  if (isWord(token, 'NOT') && isWord(cursor.peek(), 'IN')) {
    cursor.next();
    return 'NOT IN';
  }
  throw bad('invalid filter: expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN)');
}

function parseValue(cursor: Cursor): string | number | string[] {
  const token = cursor.next();
  if (token?.t === 'string' || token?.t === 'number') return token.v;
  if (token?.t === 'punct' && token.v === '(') {
    const items: string[] = [];
    for (;;) {
      const item = cursor.next();
      if (item?.t !== 'string') throw bad('invalid filter: an IN list holds quoted strings, e.g. (\'a\', \'b\')');
      items.push(item.v);
      const separator = cursor.next();
      if (separator?.t === 'punct' && separator.v === ')') return items;
      if (separator?.t !== 'punct' || separator.v !== ',') throw bad('invalid filter: expected "," or ")" in an IN list');
    }
  }
  throw bad('invalid filter: expected a value (a quoted string or a number)');
}

const NUMERIC_OPS = new Set(['=', '!=', '>', '>=', '<', '<=']);
const STRING_OPS = new Set(['=', '!=', 'LIKE', 'ILIKE']);

function typedClause(entity: TSearchEntity, key: string, op: TSearchOp, value: string | number | string[]): TSearchClause {
  const numeric = entity === 'metric' || (entity === 'attribute' && (RUN_NUMERIC_ATTRIBUTES as readonly string[]).includes(key));
  const name = entity === 'attribute' ? `attributes.${key}` : `${entity}s.${key}`;
  if (op === 'IN' || op === 'NOT IN') {
    if (!(entity === 'attribute' && key === 'run_id') || !Array.isArray(value)) throw bad(`invalid filter: ${op} is supported only for attributes.run_id with a list of strings`);
    return { entity: 'attribute', key: 'run_id', op, value };
  }
  if (Array.isArray(value)) throw bad(`invalid filter: a list needs IN or NOT IN (${name})`);
  if (numeric) {
    if (!NUMERIC_OPS.has(op)) throw bad(`invalid filter: ${name} is numeric and takes =, !=, >, >=, < or <=, not ${op}`);
    const number = typeof value === 'number' ? value : Number(value);
    if (typeof value === 'string' && (value.trim() === '' || !Number.isFinite(number))) throw bad(`invalid filter: ${name} needs a number, got '${value}'`);
    return { entity, key, op, value: number } as TSearchClause;
  }
  if (!STRING_OPS.has(op)) throw bad(`invalid filter: ${name} is a string and takes =, !=, LIKE or ILIKE, not ${op}`);
  if (typeof value !== 'string') throw bad(`invalid filter: ${name} compares strings; quote the value ('${value}')`);
  return { entity, key, op, value } as TSearchClause;
}

/** Parses an MLflow search filter; an empty filter matches everything. */
export function parseRunFilter(filter: string | undefined | null): TSearchClause[] {
  if (!filter || filter.trim() === '') return [];
  const cursor = new Cursor(tokenize(filter));
  const clauses: TSearchClause[] = [];
  for (;;) {
    const { entity, key } = parseIdentifier(cursor);
    const op = parseOperator(cursor);
    clauses.push(typedClause(entity, key, op, parseValue(cursor)));
    if (cursor.done()) return clauses;
    const joiner = cursor.next();
    if (isWord(joiner, 'OR')) throw bad('invalid filter: OR is not supported; MLflow filters join clauses with AND');
    if (!isWord(joiner, 'AND')) throw bad('invalid filter: clauses are joined with AND');
  }
}

/** Parses MLflow order_by entries such as "metrics.accuracy DESC" or "attributes.start_time". */
export function parseRunOrderBy(orderBy: readonly string[] | undefined): TSearchOrder[] {
  return (orderBy ?? []).map((entry) => {
    const match = /^(.*?)(?:\s+(ASC|DESC))?\s*$/i.exec(entry.trim());
    const cursor = new Cursor(tokenize(match?.[1] ?? ''));
    const { entity, key } = parseIdentifier(cursor);
    if (!cursor.done()) throw bad(`invalid order_by "${entry}": expected <identifier> [ASC|DESC]`);
    return { entity, key, ascending: (match?.[2] ?? 'ASC').toUpperCase() === 'ASC' };
  });
}

// MLflow's page tokens are opaque base64; an offset is enough because results are ordered totally.
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

export function decodePageToken(token: string | undefined | null): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // fall through to the error below
  }
  throw bad('invalid page_token: pass back the next_page_token of the previous response unchanged');
}

export type TExperimentClause = { field: 'name' | 'tag'; key: string; op: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string };
export type TExperimentOrder = { field: 'name' | 'creation_time' | 'last_update_time' | 'experiment_id'; ascending: boolean };

/** MLflow's experiment filter: name and tags.<key> compared as strings, joined with AND. */
export function parseExperimentFilter(filter: string | undefined | null): TExperimentClause[] {
  if (!filter || filter.trim() === '') return [];
  const cursor = new Cursor(tokenize(filter));
  const clauses: TExperimentClause[] = [];
  for (;;) {
    const first = cursor.peek();
    let field: 'name' | 'tag';
    let key = 'name';
    if (first?.t === 'ident' && (first.v === 'name' || first.v === 'attributes' || first.v === 'attribute')) {
      cursor.next();
      if (first.v !== 'name') {
        const dot = cursor.next();
        const name = cursor.next();
        if (dot?.t !== 'punct' || name?.t !== 'ident' || name.v !== 'name') throw bad('invalid filter: experiments are filtered by name or tags.<key>');
      }
      field = 'name';
    } else {
      const identifier = parseIdentifier(cursor);
      if (identifier.entity !== 'tag') throw bad('invalid filter: experiments are filtered by name or tags.<key>');
      field = 'tag';
      key = identifier.key;
    }
    const op = parseOperator(cursor);
    const value = parseValue(cursor);
    if (!STRING_OPS.has(op) || typeof value !== 'string') throw bad(`invalid filter: ${field === 'name' ? 'name' : `tags.${key}`} takes =, !=, LIKE or ILIKE and a quoted string`);
    clauses.push({ field, key, op: op as TExperimentClause['op'], value });
    if (cursor.done()) return clauses;
    if (!isWord(cursor.next(), 'AND')) throw bad('invalid filter: clauses are joined with AND');
  }
}

export function parseExperimentOrderBy(orderBy: readonly string[] | undefined): TExperimentOrder[] {
  return (orderBy ?? []).map((entry) => {
    const match = /^(?:attributes?\.)?(name|creation_time|last_update_time|experiment_id)(?:\s+(ASC|DESC))?\s*$/i.exec(entry.trim());
    if (!match) throw bad(`invalid order_by "${entry}": experiments sort by name, creation_time, last_update_time or experiment_id [ASC|DESC]`);
    return { field: match[1]!.toLowerCase() as TExperimentOrder['field'], ascending: (match[2] ?? 'ASC').toUpperCase() === 'ASC' };
  });
}
