import { DomainError } from '../server/domain/errors';

/*
 * Checks /predict rows against a model's signature and packs them into the float32 row-major buffer
 * the model takes. Every refusal is a 400 whose message names the row, the column and the rule, so a
 * client can fix its request without reading worker logs.
 */

export interface RowSignature {
  /** Columns of the model's single 2-D input. */
  width: number;
  features?: readonly string[];
  allowNonFinite: boolean;
  /** Rows accepted in one request (the queue takes bigger ones in chunks; this bounds memory). */
  maxRows: number;
}

const bad = (message: string) => new DomainError('BAD_REQUEST', message);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** Where a cell is, in words; built only for an error (building it per cell would dominate packing). */
type TWhere = () => string;

function cell(v: unknown, where: TWhere, sig: RowSignature): number {
  if (typeof v === 'number') {
    // JSON has no NaN or Infinity literals, but 1e999 parses to Infinity and 1e300 overflows float32.
    if (sig.allowNonFinite || Number.isFinite(Math.fround(v))) return v;
    throw bad(`${where()}: ${v} is ${Number.isFinite(v) ? 'outside the float32 range' : 'not finite'}; this model's signature allows finite numbers only`);
  }
  if (v === null && sig.allowNonFinite) return NaN; // a model that handles missing values reads null as NaN
  throw bad(`${where()}: expected a number, got ${describe(v)}`);
}

/** A caller's key in a message: quoted, cut short, so a 10,000-character key cannot flood an answer. */
const quoteKey = (key: string) => `'${key.length > 64 ? `${key.slice(0, 64)}…` : key}'`;

export function packRows(inputs: readonly unknown[], sig: RowSignature): Float32Array {
  if (inputs.length === 0) throw bad('inputs: empty batch; send at least one row');
  if (inputs.length > sig.maxRows) throw bad(`inputs: ${inputs.length} rows is over the limit of ${sig.maxRows} per request`);
  const out = new Float32Array(inputs.length * sig.width);
  let featureIndex: Map<string, number> | null = null;
  for (let r = 0; r < inputs.length; r++) {
    const row = inputs[r];
    const base = r * sig.width;
    if (Array.isArray(row)) {
      if (row.length !== sig.width) throw bad(`inputs[${r}]: expected ${sig.width} features, got ${row.length}`);
      for (let c = 0; c < sig.width; c++) out[base + c] = cell(row[c], () => `inputs[${r}][${c}]`, sig);
      continue;
    }
    if (row === null || typeof row !== 'object') throw bad(`inputs[${r}]: expected an array of ${sig.width} numbers or a {feature: value} object, got ${describe(row)}`);
    if (!sig.features) throw bad(`inputs[${r}]: this model has no feature names; send each row as an array of ${sig.width} numbers`);
    featureIndex ??= new Map(sig.features.map((f, i) => [f, i]));
    const record = row as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!featureIndex.has(key)) throw bad(`inputs[${r}]: unknown feature ${quoteKey(key)}`);
    }
    sig.features.forEach((f, c) => {
      if (!(f in record)) throw bad(`inputs[${r}]: missing feature '${f}'`);
      out[base + c] = cell(record[f], () => `inputs[${r}].${f}`, sig);
    });
  }
  return out;
}
