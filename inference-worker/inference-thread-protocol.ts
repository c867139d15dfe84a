import type { TensorSignature, TProvider } from './ort-session';

/** Messages between the HTTP thread and the inference thread; `seq` pairs a reply with its call. */
export type ToThread =
  | { op: 'load'; seq: number; id: number; bytes: Uint8Array }
  | { op: 'run'; seq: number; id: number; data: Float32Array; rows: number }
  | { op: 'dispose'; seq: number; id: number };

export type FromThread =
  | { op: 'loaded'; seq: number; signature: TensorSignature; provider: TProvider }
  | { op: 'result'; seq: number; out: Float32Array }
  | { op: 'done'; seq: number }
  | { op: 'error'; seq: number; message: string }
  | { op: 'log'; line: string };
