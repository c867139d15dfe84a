import { DomainError } from '../domain/errors';

/*
 * The one way a route reads a request body: streamed with a byte cap, so an oversized body
 * (declared or chunked) is refused as soon as it passes the cap instead of after it sits in
 * memory, and decoded as strict UTF-8, so bytes no column could store are a 400 here rather than
 * a replacement character stored, or a 500 from PostgreSQL later.
 */

/** Ballast's own REST routes and tRPC, unless a route says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 1 << 20;

/** `1048576 bytes (1 MiB)`: the limit as a person reads it, in the 413's message. */
export function describeByteLimit(bytes: number): string {
  const units: [number, string][] = [
    [1 << 30, 'GiB'],
    [1 << 20, 'MiB'],
    [1 << 10, 'KiB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size && bytes % size === 0) return `${bytes} bytes (${bytes / size} ${unit})`;
  }
  return `${bytes} bytes`;
}

/**
 * After a 413, what the client still sends is read and thrown away up to this much, as Node does
 * with a body nobody read, so the client gets to read its 413 instead of a reset connection; past
 * it the stream is cancelled (the connection closes).
 */
const DISCARD_AFTER_REFUSAL_BYTES = 64 << 20;

function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  void (async () => {
    let discarded = 0;
    try {
      while (discarded <= DISCARD_AFTER_REFUSAL_BYTES) {
        const { done, value } = await reader.read();
        if (done) return;
        discarded += value.byteLength;
      }
      await reader.cancel();
    } catch {
      // The client went away: nothing left to discard.
    }
  })();
}

function tooLarge(maxBytes: number, declared?: number): DomainError {
  const limit = describeByteLimit(maxBytes);
  const message = declared === undefined ? `request body is over the limit of ${limit}` : `request body is ${declared} bytes; the limit is ${limit}`;
  return new DomainError('PAYLOAD_TOO_LARGE', message, { limitBytes: maxBytes });
}

/**
 * The body's bytes, at most `maxBytes` of them. A Content-Length over the cap is refused before
 * anything is read; a body without one (chunked) is read until it passes the cap, then the rest
 * is discarded unbuffered and the caller gets a 413 naming the limit.
 */
export async function readBodyBytes(request: Request, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<Uint8Array> {
  const header = request.headers.get('content-length');
  if (header !== null && /^\d+$/.test(header.trim())) {
    const declared = Number(header.trim());
    if (declared > maxBytes) throw tooLarge(maxBytes, declared);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(unreadable);
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      discardRest(reader);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** The client went away or sent a broken chunked encoding: its request, not our failure. */
function unreadable(err: unknown): never {
  if (err instanceof DomainError) throw err;
  throw new DomainError('BAD_REQUEST', `request body could not be read (${err instanceof Error ? err.message : String(err)})`);
}

/** Strict UTF-8: invalid bytes are a 400, never U+FFFD quietly stored. A leading BOM is dropped. */
export function decodeUtf8(bytes: Uint8Array, what = 'request body'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DomainError('BAD_REQUEST', `${what} is not valid UTF-8`);
  }
}

/** The body as text: capped (413) and strictly decoded (400). */
export async function readBodyText(request: Request, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<string> {
  return decodeUtf8(await readBodyBytes(request, maxBytes));
}

/**
 * The body as a stream that enforces the same rules while someone else reads it (tRPC's fetch
 * adapter calls `req.json()` itself): it errors as soon as the byte count passes the cap, or at
 * the first byte sequence that is not UTF-8, and stops pulling from the client then. `toError`
 * turns the DomainError into what the reader's framework expects (tRPC: a TRPCError).
 */
export function cappedBodyStream(request: Request, maxBytes: number, toError: (err: DomainError) => unknown = (err) => err): ReadableStream<Uint8Array> | null {
  if (!request.body) return null;
  const header = request.headers.get('content-length');
  const declared = header !== null && /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined;
  const source = request.body;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let total = 0;
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, err: DomainError, discard = true) => {
    // Unread (a declared size over the cap), the body is left to the server to drop.
    if (discard && reader) discardRest(reader);
    controller.error(toError(err));
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (declared !== undefined && declared > maxBytes) return fail(controller, tooLarge(maxBytes, declared), false);
      reader ??= source.getReader();
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read().catch(unreadable);
      } catch (err) {
        return fail(controller, err as DomainError);
      }
      try {
        if (chunk.done) {
          decoder.decode();
          return controller.close();
        }
        total += chunk.value.byteLength;
        if (total > maxBytes) return fail(controller, tooLarge(maxBytes));
        decoder.decode(chunk.value, { stream: true });
      } catch {
        return fail(controller, new DomainError('BAD_REQUEST', 'request body is not valid UTF-8'));
      }
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      return reader ? reader.cancel(reason) : source.cancel(reason);
    },
  });
}
