import type { TOipDatatype } from '../server/contracts/worker-model';
import type { TOipRequestInput } from '../server/contracts/worker-oip';
import { DomainError } from '../server/domain/errors';

/*
 * Open Inference Protocol v2 tensors <-> the rows a model takes. The spec allows tensor data nested
 * by shape or flat in row-major order; both flatten to the same buffer. Values are checked against
 * the declared datatype (an INT8 tensor holding 300 is a client bug worth a clear 400).
 */

const bad = (message: string) => new DomainError('BAD_REQUEST', message);

const INT_RANGES: Partial<Record<TOipDatatype, [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
};

export function flattenTensorData(data: readonly unknown[], max: number, where: string): unknown[] {
  const out: unknown[] = [];
  const walk = (node: readonly unknown[], depth: number) => {
    if (depth > 32) throw bad(`${where}: data is nested too deeply`);
    for (const v of node) {
      if (Array.isArray(v)) walk(v, depth + 1);
      else {
        if (out.length >= max) throw bad(`${where}: data holds more than the ${max} elements its shape declares`);
        out.push(v);
      }
    }
  };
  walk(data, 0);
  return out;
}

function toNumber(v: unknown, datatype: TOipDatatype, where: string, allowNonFinite: boolean): number {
  if (datatype === 'BOOL') {
    if (typeof v !== 'boolean') throw bad(`${where}: BOOL tensor holds ${v === null ? 'null' : typeof v}, expected true or false`);
    return v ? 1 : 0;
  }
  if (datatype === 'BYTES') throw bad(`${where}: datatype BYTES is not supported; this model takes numbers`);
  if (typeof v !== 'number') throw bad(`${where}: ${datatype} tensor holds ${v === null ? 'null' : typeof v}, expected a number`);
  const range = INT_RANGES[datatype];
  if (range) {
    if (!Number.isInteger(v) || v < range[0] || v > range[1]) throw bad(`${where}: ${v} is not a valid ${datatype}`);
    return v;
  }
  if (!allowNonFinite && !Number.isFinite(Math.fround(v))) throw bad(`${where}: ${v} is not a finite float32; this model's signature allows finite numbers only`);
  return v;
}

export interface ModelInputView {
  name: string;
  width: number;
  maxRows: number;
  allowNonFinite: boolean;
}

/** One [N, width] input tensor -> N rows of float32, row-major. */
export function oipInputToRows(inputs: readonly TOipRequestInput[], model: ModelInputView): { rows: number; data: Float32Array } {
  if (inputs.length !== 1) throw bad(`inputs: this model takes exactly one input tensor ('${model.name}'), got ${inputs.length}`);
  const t = inputs[0]!;
  if (t.name !== model.name) throw bad(`inputs[0].name: unknown input '${t.name}'; this model takes '${model.name}'`);
  if (t.shape.length !== 2 || t.shape[1] !== model.width) throw bad(`inputs[0].shape: expected [N, ${model.width}], got [${t.shape.join(', ')}]`);
  const rows = t.shape[0]!;
  if (rows === 0) throw bad('inputs[0].shape: empty batch; N must be at least 1');
  if (rows > model.maxRows) throw bad(`inputs[0].shape: ${rows} rows is over the limit of ${model.maxRows} per request`);
  const expected = rows * model.width;
  const flat = flattenTensorData(t.data, expected, 'inputs[0].data');
  if (flat.length !== expected) throw bad(`inputs[0].data: shape [${t.shape.join(', ')}] needs ${expected} elements, got ${flat.length}`);
  const data = new Float32Array(expected);
  for (let i = 0; i < expected; i++) data[i] = toNumber(flat[i], t.datatype, `inputs[0].data[${i}]`, model.allowNonFinite);
  return { rows, data };
}

export function rowsToOipOutput(name: string, data: Float32Array, rows: number, width: number) {
  return { name, shape: [rows, width], datatype: 'FP32' as const, data: Array.from(data) };
}
