import type { TModelSignature, TTensorSpec } from '../contracts/model-registry';
import { DomainError } from './errors';

/*
 * Reads what the registry needs from an ONNX file (onnx.proto's ModelProto) with a minimal
 * protobuf decoder: IR version, opsets, producer, and the graph's inputs and outputs (names,
 * element types, shapes). Inputs that are also initializers (weights, in older IR versions) are
 * not model inputs and are left out. Anything that does not decode as a ModelProto with a graph
 * is refused with a 400.
 */

// onnx.proto TensorProto.DataType
const ELEM_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
};

export const ONNX_ELEM_TYPE_CODES: Record<string, number> = Object.fromEntries(Object.entries(ELEM_TYPES).map(([code, name]) => [name, Number(code)]));

export type TOnnxModelInfo = {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  graphName: string;
  nodeCount: number;
  signature: TModelSignature;
};

class ProtoError extends Error {}

type Field = { no: number; wire: number; varint?: bigint; bytes?: Uint8Array };

/** Splits one protobuf message into its fields (wire types 0, 1, 2 and 5; groups are refused). */
function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw new ProtoError('truncated varint');
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
    throw new ProtoError('varint longer than 10 bytes');
  };
  while (pos < buf.length) {
    const key = varint();
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (no === 0) throw new ProtoError('field number 0');
    switch (wire) {
      case 0:
        out.push({ no, wire, varint: varint() });
        break;
      case 1:
        if (pos + 8 > buf.length) throw new ProtoError('truncated fixed64');
        out.push({ no, wire, bytes: buf.subarray(pos, pos + 8) });
        pos += 8;
        break;
      case 2: {
        const len = Number(varint());
        if (len < 0 || pos + len > buf.length) throw new ProtoError('length-delimited field runs past the end');
        out.push({ no, wire, bytes: buf.subarray(pos, pos + len) });
        pos += len;
        break;
      }
      case 5:
        if (pos + 4 > buf.length) throw new ProtoError('truncated fixed32');
        out.push({ no, wire, bytes: buf.subarray(pos, pos + 4) });
        pos += 4;
        break;
      default:
        throw new ProtoError(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function str(f: Field): string {
  if (f.wire !== 2) throw new ProtoError(`field ${f.no} should be a string`);
  try {
    return utf8.decode(f.bytes!);
  } catch {
    throw new ProtoError(`field ${f.no} is not valid UTF-8`);
  }
}
function msg(f: Field): Field[] {
  if (f.wire !== 2) throw new ProtoError(`field ${f.no} should be a message`);
  return fields(f.bytes!);
}
function int(f: Field): number {
  if (f.wire !== 0) throw new ProtoError(`field ${f.no} should be a varint`);
  return Number(BigInt.asIntN(64, f.varint!));
}
const first = (fs: Field[], no: number) => fs.find((f) => f.no === no);
const all = (fs: Field[], no: number) => fs.filter((f) => f.no === no);

function tensorSpec(valueInfo: Field[]): TTensorSpec {
  const nameField = first(valueInfo, 1);
  const name = nameField ? str(nameField) : '';
  const typeField = first(valueInfo, 2);
  if (!typeField) return { name, elemType: 'unknown', shape: null };
  const type = msg(typeField);
  const tensorField = first(type, 1) ?? first(type, 8); // tensor_type, sparse_tensor_type
  if (!tensorField) {
    const kind = first(type, 4) ? 'sequence' : first(type, 5) ? 'map' : first(type, 9) ? 'optional' : 'unknown';
    return { name, elemType: kind, shape: null };
  }
  const tensor = msg(tensorField);
  const elemField = first(tensor, 1);
  const elemType = elemField ? (ELEM_TYPES[int(elemField)] ?? `type${int(elemField)}`) : 'unknown';
  const shapeField = first(tensor, 2);
  const shape = shapeField
    ? all(msg(shapeField), 1).map((d) => {
        const dim = msg(d);
        const value = first(dim, 1);
        if (value) return int(value);
        const param = first(dim, 2);
        return param ? str(param) : null;
      })
    : null;
  return { name, elemType, shape };
}

/** Decodes an ONNX ModelProto; throws a 400 DomainError saying why the bytes are not an ONNX model. */
export function readOnnxModel(bytes: Uint8Array): TOnnxModelInfo {
  const fail = (why: string): never => {
    throw new DomainError('BAD_REQUEST', `not a valid ONNX model: ${why}`, { rule: 'onnx' });
  };
  if (bytes.length === 0) fail('the file is empty');
  try {
    const model = fields(bytes);
    const irField = first(model, 1);
    if (!irField) fail('it has no ir_version (ModelProto field 1)');
    const irVersion = int(irField!);
    if (irVersion < 1 || irVersion > 100) fail(`ir_version ${irVersion} is out of range`);
    const opsets = all(model, 8).map((f) => {
      const o = msg(f);
      const d = first(o, 1);
      const v = first(o, 2);
      return { domain: d ? str(d) : '', version: v ? int(v) : 0 };
    });
    const graphField = first(model, 7);
    if (!graphField) fail('it has no graph (ModelProto field 7)');
    const graph = msg(graphField!);
    const initializerNames = new Set(
      all(graph, 5).map((f) => {
        const n = first(msg(f), 8);
        return n ? str(n) : '';
      }),
    );
    const nodeCount = all(graph, 1).length;
    const inputs = all(graph, 11).map((f) => tensorSpec(msg(f))).filter((i) => !initializerNames.has(i.name));
    const outputs = all(graph, 12).map((f) => tensorSpec(msg(f)));
    if (inputs.length === 0) fail('its graph declares no inputs');
    if (outputs.length === 0) fail('its graph declares no outputs');
    if (nodeCount === 0) fail('its graph has no nodes');
    const producerName = first(model, 2);
    const producerVersion = first(model, 3);
    const graphName = first(graph, 2);
    return {
      irVersion,
      opsets,
      producerName: producerName ? str(producerName) : '',
      producerVersion: producerVersion ? str(producerVersion) : '',
      graphName: graphName ? str(graphName) : '',
      nodeCount,
      signature: { inputs, outputs },
    };
  } catch (err) {
    if (err instanceof ProtoError) fail(`the bytes do not decode as an ONNX protobuf (${err.message})`);
    throw err;
  }
}
