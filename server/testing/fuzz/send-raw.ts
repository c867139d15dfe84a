import { request } from 'node:http';

/*
 * Test-only: one HTTP request written byte for byte (invalid UTF-8, chunked bodies, no
 * Content-Length), with a deadline so a hang is a failure with a name, not a stuck suite.
 */

export interface TRawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

export interface TRawRequest {
  method: string;
  /** Sent as is: percent-encoding is not touched. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  chunked?: boolean;
  timeoutMs?: number;
}

export function sendRaw(baseUrl: string, r: TRawRequest): Promise<TRawResponse> {
  const url = new URL(baseUrl);
  const started = performance.now();
  const timeoutMs = r.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...r.headers };
    if (r.body && !r.chunked) headers['content-length'] = String(r.body.length);
    if (r.chunked) headers['transfer-encoding'] = 'chunked';
    const req = request({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms (a hang): ${r.method} ${r.path.slice(0, 200)}`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A server that refuses an oversized body may answer and close before reading it all.
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') return reject(Object.assign(err, { closedEarly: true }));
      reject(err);
    });
    if (r.body && r.chunked) {
      for (let i = 0; i < r.body.length; i += 64 * 1024) req.write(r.body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(r.body);
  });
}
