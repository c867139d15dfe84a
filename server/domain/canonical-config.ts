/*
 * Canonical forms of a TrainingConfig. The hash identifies a config across the control plane and
 * the Python client, and config.yaml is diffed and re-hashed by both, so every byte below is part
 * of a contract that the Python side must reproduce exactly.
 *
 * canonicalJson(value) — RFC 8785 (JSON Canonicalization Scheme), so any JCS library reproduces it:
 *   - Values: null, true, false, finite numbers, strings, arrays, plain objects. NaN, ±Infinity,
 *     undefined inside arrays, functions, bigint, Dates and other class instances are refused.
 *     An object member whose value is undefined is left out (as JSON.stringify does).
 *   - No whitespace anywhere. Object keys sorted by UTF-16 code units (Python:
 *     sorted(keys, key=lambda k: k.encode("utf-16-be"))), recursively; arrays keep their order.
 *   - Numbers as ECMAScript Number.prototype.toString: shortest digits that round-trip to the same
 *     double; -0 is written 0; 1.0 and 1 are the same number and both are written 1; plain decimal
 *     notation when n is 0 or 1e-6 <= |n| < 1e21 (0.000001, 100000000000000000000), otherwise
 *     exponent form with a signed exponent (1e-7, 1.5e+21). Python's repr() differs (1e-05, 1e+16).
 *   - Strings as JSON.stringify: escape " and \ ; \b \f \n \r \t ; other code points below U+0020
 *     as \u00xx (lowercase hex); everything else as raw UTF-8. Strings holding a lone surrogate
 *     (not valid Unicode text) are refused.
 *
 * canonicalYaml(value) — YAML that parses identically under YAML 1.2 (core schema) and YAML 1.1
 * (PyYAML safe_load). Same values, refusals and key order as canonicalJson, and:
 *   - Block style, 2-space indent, "\n" line ends, one trailing newline, no "---" header.
 *   - Map entry: `key: scalar`, or `key:` followed by the nested block indented 2 spaces.
 *     Sequences under a key are indented too:  `key:` / `  - item`.
 *   - Sequence item: `- scalar`; a nested map or sequence starts on the dash line (`- k: v`,
 *     `- - x`) and its further lines are indented 2 spaces.
 *   - Empty map is `{}`, empty sequence is `[]`, both inline; null is `null`; booleans `true`/`false`.
 *   - Numbers as in canonicalJson, except that an exponent form whose mantissa has no "." gets ".0"
 *     (1e-7 -> 1.0e-7, 1e+21 -> 1.0e+21), because YAML 1.1 reads 1e-7 as a string.
 *   - Strings (keys included) are plain, unquoted, only when all of these hold:
 *       - they match ^[A-Za-z_][A-Za-z0-9_ ./+-]*$ (ASCII only; a letter or _ first, which keeps out
 *         every number, date, ".inf", "~", "-", "<<", "=" and indicator character),
 *       - they do not end with a space,
 *       - lowercased, they are not one of: true false yes no on off y n null.
 *     Every other string is double-quoted with the JSON escapes above, plus \uxxxx (lowercase hex)
 *     for U+007F..U+009F, U+2028, U+2029, U+FEFF, U+FFFE and U+FFFF, which YAML does not allow raw
 *     or (YAML 1.1) reads as line breaks.
 *   - A map key whose emitted form (quotes and escapes included) exceeds 1024 code points is
 *     refused: YAML caps implicit keys there, and the explicit "? key" form is not worth a rule.
 */
import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import {
  formatConfigIssues,
  ZTrainingConfig,
  type TConfigIssue,
  type TTrainingConfig,
  type TTrainingConfigInput,
} from '../contracts/training-config';

export class CanonicalFormError extends Error {
  constructor(path: string, reason: string) {
    super(`cannot canonicalise ${path || '(root)'}: ${reason}`);
    this.name = 'CanonicalFormError';
  }
}

const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type TCanonicalNode =
  | { type: 'scalar'; json: string; yaml: string }
  | { type: 'array'; items: TCanonicalNode[] }
  | { type: 'object'; entries: [string, TCanonicalNode][] };

function childPath(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

function canonicalNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) throw new CanonicalFormError(path, `${String(value)} is not a JSON number`);
  return Object.is(value, -0) ? '0' : String(value);
}

function yamlNumber(json: string): string {
  const exponent = json.indexOf('e');
  if (exponent === -1) return json;
  const mantissa = json.slice(0, exponent);
  return mantissa.includes('.') ? json : `${mantissa}.0${json.slice(exponent)}`;
}

function checkString(value: string, path: string): void {
  if (LONE_SURROGATE_RE.test(value)) throw new CanonicalFormError(path, 'string holds a lone UTF-16 surrogate');
}

const PLAIN_STRING_RE = /^[A-Za-z_][A-Za-z0-9_ ./+-]*$/;
const YAML_RESERVED_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null']);
const YAML_SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};
// eslint-disable-next-line no-control-regex -- escaping control characters is the point
const YAML_ESCAPE_RE = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

function yamlString(value: string): string {
  if (PLAIN_STRING_RE.test(value) && !value.endsWith(' ') && !YAML_RESERVED_WORDS.has(value.toLowerCase())) {
    return value;
  }
  const escaped = value.replace(
    YAML_ESCAPE_RE,
    (char) => YAML_SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"`;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// UTF-16 code unit order, which is what RFC 8785 asks for and what `<` on JS strings does.
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toCanonicalNode(value: unknown, path: string, ancestors: Set<object>): TCanonicalNode {
  switch (typeof value) {
    case 'boolean':
      return { type: 'scalar', json: String(value), yaml: String(value) };
    case 'number': {
      const json = canonicalNumber(value, path);
      return { type: 'scalar', json, yaml: yamlNumber(json) };
    }
    case 'string':
      checkString(value, path);
      return { type: 'scalar', json: JSON.stringify(value), yaml: yamlString(value) };
    case 'object': {
      if (value === null) return { type: 'scalar', json: 'null', yaml: 'null' };
      if (ancestors.has(value)) throw new CanonicalFormError(path, 'value refers to itself');
      ancestors.add(value);
      try {
        if (Array.isArray(value)) {
          return {
            type: 'array',
            items: value.map((item: unknown, index) => {
              if (item === undefined) throw new CanonicalFormError(childPath(path, index), 'undefined is not a JSON value');
              return toCanonicalNode(item, childPath(path, index), ancestors);
            }),
          };
        }
        if (!isPlainObject(value)) {
          throw new CanonicalFormError(path, `${value.constructor?.name ?? 'object'} is not a plain JSON object`);
        }
        const entries: [string, TCanonicalNode][] = [];
        for (const key of Object.keys(value).sort(compareCodeUnits)) {
          const item = value[key];
          if (item === undefined) continue;
          checkString(key, childPath(path, key));
          entries.push([key, toCanonicalNode(item, childPath(path, key), ancestors)]);
        }
        return { type: 'object', entries };
      } finally {
        ancestors.delete(value);
      }
    }
    default:
      throw new CanonicalFormError(path, `${typeof value} is not a JSON value`);
  }
}

function nodeToJson(node: TCanonicalNode): string {
  switch (node.type) {
    case 'scalar':
      return node.json;
    case 'array':
      return `[${node.items.map(nodeToJson).join(',')}]`;
    case 'object':
      return `{${node.entries.map(([key, item]) => `${JSON.stringify(key)}:${nodeToJson(item)}`).join(',')}}`;
  }
}

function inlineYaml(node: TCanonicalNode): string | undefined {
  if (node.type === 'scalar') return node.yaml;
  if (node.type === 'array' && node.items.length === 0) return '[]';
  if (node.type === 'object' && node.entries.length === 0) return '{}';
  return undefined;
}

const YAML_IMPLICIT_KEY_LIMIT = 1024;

function yamlKey(key: string): string {
  const emitted = yamlString(key);
  if ([...emitted].length > YAML_IMPLICIT_KEY_LIMIT) {
    throw new CanonicalFormError(key.slice(0, 40), `map keys are limited to ${YAML_IMPLICIT_KEY_LIMIT} characters in YAML`);
  }
  return emitted;
}

// Lines of a non-empty map or sequence, unindented; the caller indents them under their parent.
function blockYamlLines(node: TCanonicalNode): string[] {
  const lines: string[] = [];
  if (node.type === 'object') {
    for (const [key, item] of node.entries) {
      const inline = inlineYaml(item);
      if (inline !== undefined) lines.push(`${yamlKey(key)}: ${inline}`);
      else {
        lines.push(`${yamlKey(key)}:`);
        for (const line of blockYamlLines(item)) lines.push(`  ${line}`);
      }
    }
  } else if (node.type === 'array') {
    for (const item of node.items) {
      const inline = inlineYaml(item);
      if (inline !== undefined) lines.push(`- ${inline}`);
      else blockYamlLines(item).forEach((line, index) => lines.push(index === 0 ? `- ${line}` : `  ${line}`));
    }
  }
  return lines;
}

export function canonicalJson(value: unknown): string {
  return nodeToJson(toCanonicalNode(value, '', new Set()));
}

export function canonicalYaml(value: unknown): string {
  const node = toCanonicalNode(value, '', new Set());
  const inline = inlineYaml(node);
  return `${inline ?? blockYamlLines(node).join('\n')}\n`;
}

// Defaults are applied first so that leaving out `device_count: 1` and writing it hash alike.
export function configHash(config: TTrainingConfigInput | TTrainingConfig): string {
  const normalised = ZTrainingConfig.parse(config);
  return `sha256:${createHash('sha256').update(canonicalJson(normalised), 'utf8').digest('hex')}`;
}

export type TConfigParseResult =
  | { ok: true; config: TTrainingConfig }
  | { ok: false; message: string; issues: TConfigIssue[] };

const YAML_ALIAS_LIMIT = 100;

// Parses config.yaml (or config.json: JSON is YAML 1.2) under the YAML 1.2 core schema, where only
// true/false are booleans and `yes`, `on` or `2024-01-01` stay strings.
export function parseConfigYaml(text: string): TConfigParseResult {
  const document = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    merge: false,
    strict: true,
    prettyErrors: true,
  });
  // Warnings count too: an unknown tag such as !!python/object would otherwise become a string.
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) {
    // The first line of a pretty error is the message with "at line L, column C"; the rest is a snippet.
    const issues = problems.map((problem) => ({ field: '(yaml)', rule: problem.message.split('\n')[0] ?? problem.code }));
    const first = issues[0];
    return { ok: false, message: `Invalid config YAML: ${first ? first.rule : 'unreadable'}`, issues };
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: YAML_ALIAS_LIMIT });
  } catch (error) {
    const rule = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `Invalid config YAML: ${rule}`, issues: [{ field: '(yaml)', rule }] };
  }
  const result = ZTrainingConfig.safeParse(value);
  if (!result.success) return { ok: false, ...formatConfigIssues(result.error) };
  return { ok: true, config: result.data };
}
