import * as ort from 'onnxruntime-node';
import type { TOipDatatype, TTensorSpec } from '../server/contracts/worker-model';

/*
 * Opening ONNX Runtime sessions and reading their signature. Used both in-process and inside the
 * inference thread, so the provider choice and the signature rules are the same in either mode.
 */

export type TProviderPreference = 'cpu' | 'cuda' | 'auto';
export type TProvider = 'cpu' | 'cuda';

export interface SessionOptions {
  intraOpThreads: number;
  provider: TProviderPreference;
}

/** The one shape the worker serves today: a single [batch, features] input, [batch, k] outputs. */
export interface TensorSignature {
  inputName: string;
  inputWidth: number;
  outputName: string;
  outputWidth: number;
  inputs: TTensorSpec[];
  outputs: TTensorSpec[];
}

const OIP_TYPES: Record<string, TOipDatatype> = {
  float32: 'FP32',
  float64: 'FP64',
  float16: 'FP16',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  bool: 'BOOL',
  string: 'BYTES',
};

function spec(m: ort.InferenceSession.ValueMetadata): TTensorSpec {
  if (!m.isTensor) throw new Error(`'${m.name}' is not a tensor; the worker serves tensor models only`);
  const datatype = OIP_TYPES[m.type];
  if (!datatype) throw new Error(`'${m.name}' has type ${m.type}, which the worker does not serve`);
  return { name: m.name, datatype, shape: m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : -1)) };
}

export function readSignature(session: ort.InferenceSession): TensorSignature {
  const inputs = session.inputMetadata.map(spec);
  const outputs = session.outputMetadata.map(spec);
  const input = inputs[0];
  const output = outputs[0];
  if (inputs.length !== 1 || !input) throw new Error(`the model has ${inputs.length} inputs; the worker serves models with one [batch, features] input`);
  const ok2d = (t: TTensorSpec) => t.datatype === 'FP32' && t.shape.length === 2 && t.shape[0] === -1 && t.shape[1]! > 0;
  if (!ok2d(input)) throw new Error(`input '${input.name}' is ${input.datatype}[${input.shape.join(', ')}]; the worker needs FP32[batch, features] with a dynamic batch dimension`);
  if (!output || !ok2d(output)) throw new Error(`output '${output?.name}' must be FP32[batch, k] with a dynamic batch dimension`);
  return { inputName: input.name, inputWidth: input.shape[1]!, outputName: output.name, outputWidth: output.shape[1]!, inputs, outputs };
}

let providerNote: string | null = null;

/**
 * CUDA when asked for (or `auto`) and its libraries load, else CPU: onnxruntime-node ships only the
 * CPU provider; the CUDA one needs libraries its install script downloads, which we never run by
 * default. The fallback is logged once, loudly, because a GPU box serving on CPU is a surprise.
 */
export async function openSession(bytes: Uint8Array, opts: SessionOptions, log: (line: string) => void): Promise<{ session: ort.InferenceSession; provider: TProvider }> {
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: opts.intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  if (opts.provider !== 'cpu') {
    try {
      const session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cuda'] });
      if (providerNote !== 'cuda') log('execution provider: CUDA');
      providerNote = 'cuda';
      return { session, provider: 'cuda' };
    } catch (err) {
      const why = (err as Error).message.split('\n')[0];
      const line =
        opts.provider === 'cuda'
          ? `execution provider: CUDA was requested but is unavailable (${why}); falling back to CPU`
          : `execution provider: CPU (auto: CUDA unavailable: ${why})`;
      if (providerNote !== line) log(line);
      providerNote = line;
    }
  } else if (providerNote !== 'cpu') {
    log(`execution provider: CPU (requested), ${opts.intraOpThreads} intra-op thread(s)`);
    providerNote = 'cpu';
  }
  const session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] });
  return { session, provider: 'cpu' };
}

export async function runSession(session: ort.InferenceSession, sig: TensorSignature, data: Float32Array, rows: number): Promise<Float32Array> {
  const feeds = { [sig.inputName]: new ort.Tensor('float32', data, [rows, sig.inputWidth]) };
  const out = await session.run(feeds, [sig.outputName]);
  const tensor = out[sig.outputName];
  if (!tensor || !(tensor.data instanceof Float32Array)) throw new Error(`the model returned no float32 '${sig.outputName}'`);
  return tensor.data;
}
