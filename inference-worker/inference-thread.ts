import { parentPort, workerData } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import type { FromThread, ToThread } from './inference-thread-protocol';
import { openSession, readSignature, runSession, type SessionOptions, type TensorSignature } from './ort-session';

// The inference thread: holds the ONNX Runtime sessions and runs batches off the HTTP thread.
const port = parentPort!;
const opts = (workerData as { opts: SessionOptions }).opts;
const sessions = new Map<number, { session: ort.InferenceSession; signature: TensorSignature }>();
const send = (msg: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

port.on('message', async (msg: ToThread) => {
  try {
    if (msg.op === 'load') {
      const { session, provider } = await openSession(msg.bytes, opts, (line) => send({ op: 'log', line }));
      try {
        const signature = readSignature(session);
        sessions.set(msg.id, { session, signature });
        send({ op: 'loaded', seq: msg.seq, signature, provider });
      } catch (err) {
        await session.release();
        throw err;
      }
    } else if (msg.op === 'run') {
      const s = sessions.get(msg.id);
      if (!s) throw new Error(`no session ${msg.id}`);
      const out = await runSession(s.session, s.signature, msg.data, msg.rows);
      // Copy out of ORT's buffer before transferring it (ORT may own it).
      const copy = new Float32Array(out);
      send({ op: 'result', seq: msg.seq, out: copy }, [copy.buffer]);
    } else {
      const s = sessions.get(msg.id);
      sessions.delete(msg.id);
      await s?.session.release();
      send({ op: 'done', seq: msg.seq });
    }
  } catch (err) {
    send({ op: 'error', seq: msg.seq, message: (err as Error).message });
  }
});
