import { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { openSession, readSignature, runSession, type SessionOptions, type TensorSignature, type TProvider } from './ort-session';
import type { FromThread, ToThread } from './inference-thread-protocol';

/*
 * Where session.run executes. onnxruntime-node runs a session synchronously on the calling thread
 * (inside a setImmediate), so in-process inference stalls HTTP parsing for the whole batch. The
 * thread host moves sessions onto one worker thread: the HTTP thread keeps accepting and batching
 * while a batch computes. Which wins depends on model size and cores (see bench/worker.ts), so it
 * is a setting (BALLAST_WORKER_INFERENCE).
 */

export interface LoadedModel {
  readonly signature: TensorSignature;
  readonly provider: TProvider;
  run(data: Float32Array, rows: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface InferenceHost {
  readonly mode: 'thread' | 'in-process';
  load(bytes: Uint8Array): Promise<LoadedModel>;
  close(): Promise<void>;
}

export function createInferenceHost(mode: 'thread' | 'in-process', opts: SessionOptions, log: (line: string) => void): InferenceHost {
  return mode === 'thread' ? new ThreadHost(opts, log) : new InProcessHost(opts, log);
}

class InProcessHost implements InferenceHost {
  readonly mode = 'in-process' as const;
  private sessions = new Set<ort.InferenceSession>();

  constructor(
    private readonly opts: SessionOptions,
    private readonly log: (line: string) => void,
  ) {}

  async load(bytes: Uint8Array): Promise<LoadedModel> {
    const { session, provider } = await openSession(bytes, this.opts, this.log);
    let signature: TensorSignature;
    try {
      signature = readSignature(session);
    } catch (err) {
      await session.release();
      throw err;
    }
    this.sessions.add(session);
    return {
      signature,
      provider,
      run: (data, rows) => runSession(session, signature, data, rows),
      dispose: async () => {
        this.sessions.delete(session);
        await session.release();
      },
    };
  }

  async close(): Promise<void> {
    for (const s of this.sessions) await s.release();
    this.sessions.clear();
  }
}

type Waiter = { resolve: (v: FromThread) => void; reject: (e: Error) => void };

class ThreadHost implements InferenceHost {
  readonly mode = 'thread' as const;
  private worker: Worker;
  private seq = 0;
  private waiting = new Map<number, Waiter>();
  private failed: Error | null = null;

  constructor(opts: SessionOptions, log: (line: string) => void) {
    // The bootstrap registers tsx inside the thread: a worker's entry file is resolved before any
    // loader the parent process uses, so a .ts entry cannot be started directly.
    this.worker = new Worker(new URL('./inference-thread-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./inference-thread.ts', import.meta.url).href, opts },
    });
    this.worker.on('message', (msg: FromThread) => {
      if (msg.op === 'log') return log(msg.line);
      const w = this.waiting.get(msg.seq);
      if (!w) return;
      this.waiting.delete(msg.seq);
      if (msg.op === 'error') w.reject(new Error(msg.message));
      else w.resolve(msg);
    });
    const fail = (err: Error) => {
      this.failed = err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`inference thread exited (code ${code})`)));
  }

  private call(msg: ToThread, transfer: ArrayBuffer[] = []): Promise<FromThread> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.set(msg.seq, { resolve, reject });
      this.worker.postMessage(msg, transfer);
    });
  }

  async load(bytes: Uint8Array): Promise<LoadedModel> {
    const id = ++this.seq;
    const reply = await this.call({ op: 'load', seq: id, id, bytes });
    if (reply.op !== 'loaded') throw new Error('inference thread: unexpected reply to load');
    return {
      signature: reply.signature,
      provider: reply.provider,
      run: async (data, rows) => {
        // The batch buffer is built for this call only: transfer it rather than copy it.
        const r = await this.call({ op: 'run', seq: ++this.seq, id, data, rows }, [data.buffer as ArrayBuffer]);
        if (r.op !== 'result') throw new Error('inference thread: unexpected reply to run');
        return r.out;
      },
      dispose: async () => {
        await this.call({ op: 'dispose', seq: ++this.seq, id });
      },
    };
  }

  async close(): Promise<void> {
    this.failed ??= new Error('inference host closed');
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
