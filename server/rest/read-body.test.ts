import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors';
import { cappedBodyStream, describeByteLimit, readBodyBytes, readBodyText } from './read-body';

/** A body of `chunks` chunks of `size` bytes each, counting how many bytes were pulled from it. */
function countingBody(chunks: number, size: number, fill = 0x61) {
  const state = { pulled: 0, sent: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.sent === chunks) return controller.close();
      state.sent++;
      state.pulled += size;
      controller.enqueue(new Uint8Array(size).fill(fill));
    },
  });
  return { stream, state };
}

const post = (body: BodyInit | ReadableStream<Uint8Array> | null, headers: Record<string, string> = {}) =>
  new Request('http://localhost/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe('readBodyBytes', () => {
  it('returns a body within the cap byte for byte', async () => {
    const bytes = await readBodyBytes(post(new Uint8Array([1, 2, 3, 250])), 4);
    expect([...bytes]).toEqual([1, 2, 3, 250]);
    expect((await readBodyBytes(post(null))).byteLength).toBe(0);
  });

  it('refuses a declared Content-Length over the cap without reading a byte', async () => {
    const { stream, state } = countingBody(10, 1024);
    const err = await refusal(readBodyBytes(post(stream, { 'content-length': '10240' }), 1024));
    expect(err.code).toBe('PAYLOAD_TOO_LARGE');
    expect(err.message).toBe('request body is 10240 bytes; the limit is 1024 bytes (1 KiB)');
    expect(state.pulled).toBeLessThanOrEqual(1024); // at most what the stream buffers ahead on its own
  });

  it('stops a chunked body (no Content-Length) at the cap instead of reading it all: 413 naming the limit', async () => {
    // 256 MiB offered; the reader keeps at most the cap and discards at most 64 MiB more.
    const { stream, state } = countingBody(4096, 64 * 1024);
    const err = await refusal(readBodyBytes(post(stream), 1 << 20));
    expect(err.code).toBe('PAYLOAD_TOO_LARGE');
    expect(err.message).toBe('request body is over the limit of 1048576 bytes (1 MiB)');
    await new Promise((r) => setTimeout(r, 50)); // let the discarding finish
    expect(state.pulled).toBeLessThan(4096 * 64 * 1024);
    expect(state.pulled).toBeLessThanOrEqual((1 << 20) + (64 << 20) + 4 * 64 * 1024);
  });

  it('reads a body of exactly the cap', async () => {
    const { stream } = countingBody(16, 64 * 1024);
    expect((await readBodyBytes(post(stream), 1 << 20)).byteLength).toBe(1 << 20);
  });
});

describe('readBodyText', () => {
  it('decodes UTF-8, including characters split across chunks', async () => {
    const bytes = Buffer.from('{"name":"café ✓ 𝔘"}');
    const split = new ReadableStream<Uint8Array>({
      start(c) {
        for (const b of bytes) c.enqueue(new Uint8Array([b]));
        c.close();
      },
    });
    expect(await readBodyText(post(split))).toBe('{"name":"café ✓ 𝔘"}');
  });

  it('refuses bytes that are not UTF-8 with a 400 instead of storing U+FFFD', async () => {
    for (const bad of [[0x22, 0x61, 0xff, 0xfe, 0x22], [0x22, 0xc3, 0x28, 0x22], [0x22, 0xed, 0xa0, 0x80, 0x22], [0x22, 0xe2, 0x82]]) {
      const err = await refusal(readBodyText(post(new Uint8Array(bad))));
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toBe('request body is not valid UTF-8');
    }
  });
});

describe('cappedBodyStream', () => {
  const readAll = (request: Request) => new Response(request.body).arrayBuffer();

  it('passes a body within the cap through unchanged', async () => {
    const body = cappedBodyStream(post('{"a":"é"}'), 100)!;
    expect(new TextDecoder().decode(await new Response(body).arrayBuffer())).toBe('{"a":"é"}');
  });

  it('errors with the mapped error once the byte count passes the cap, and stops pulling', async () => {
    const { stream, state } = countingBody(4096, 64 * 1024);
    const wrapped = post(cappedBodyStream(post(stream), 1 << 20, (e) => new Error(`mapped: ${e.code}: ${e.message}`)));
    await expect(readAll(wrapped)).rejects.toThrow('mapped: PAYLOAD_TOO_LARGE: request body is over the limit of 1048576 bytes (1 MiB)');
    await new Promise((r) => setTimeout(r, 50));
    expect(state.pulled).toBeLessThan(4096 * 64 * 1024);
  });

  it('errors on a declared Content-Length over the cap before pulling the body', async () => {
    const { stream, state } = countingBody(10, 1024);
    const wrapped = post(cappedBodyStream(post(stream, { 'content-length': '10240' }), 1024));
    await expect(readAll(wrapped)).rejects.toThrow('request body is 10240 bytes; the limit is 1024 bytes (1 KiB)');
    expect(state.pulled).toBeLessThanOrEqual(1024);
  });

  it('errors on bytes that are not UTF-8, also on a sequence cut off at the end', async () => {
    await expect(readAll(post(cappedBodyStream(post(new Uint8Array([0x7b, 0xff, 0x7d])), 100)))).rejects.toThrow('request body is not valid UTF-8');
    await expect(readAll(post(cappedBodyStream(post(new Uint8Array([0x22, 0xe2, 0x82])), 100)))).rejects.toThrow('request body is not valid UTF-8');
  });
});

describe('describeByteLimit', () => {
  it('names round limits in binary units', () => {
    expect(describeByteLimit(1 << 20)).toBe('1048576 bytes (1 MiB)');
    expect(describeByteLimit(16 << 20)).toBe('16777216 bytes (16 MiB)');
    expect(describeByteLimit(1000)).toBe('1000 bytes');
  });
});
