import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

/*
 * Test-only: App Router route handlers behind a real node:http server, as Next.js runs them
 * (Request in, Response out, dynamic segments as a params promise). Routes are given as
 * patterns like '/api/worker/v1/models/[name]/versions/[version]/artifact'.
 */

type THandler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
export type TRouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', THandler>>;

interface TCompiled {
  re: RegExp;
  names: string[];
  module: TRouteModule;
}

function compile(pattern: string, module: TRouteModule): TCompiled {
  const names: string[] = [];
  const source = pattern
    .split('/')
    .map((part) => {
      const m = /^\[(\.\.\.)?([^\]]+)\]$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[2]!);
      return m[1] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { re: new RegExp(`^${source}$`), names, module };
}

// Next.js answers malformed percent-encoding before any handler runs; here the handler gets the
// segment undecoded, so what is tested is the handler's own reading of its path (MLflow's routes
// decode the pathname themselves), not a test-server crash.
function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export interface TRouteServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startRouteServer(routes: Record<string, TRouteModule>, port = 0): Promise<TRouteServer> {
  const compiled = Object.entries(routes).map(([p, m]) => compile(p, m));
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const method = (req.method ?? 'GET') as keyof TRouteModule;
    let handler: THandler | undefined;
    const params: Record<string, string> = {};
    for (const c of compiled) {
      const m = c.re.exec(url.pathname);
      if (!m) continue;
      handler = c.module[method];
      c.names.forEach((n, i) => (params[n] = decodeParam(m[i + 1]!)));
      break;
    }
    if (!handler) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${url.pathname}` } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string') headers.set(k, v);
      else if (Array.isArray(v)) for (const item of v) headers.append(k, item);
    }
    const hasBody = method !== 'GET' && chunks.length > 0;
    const response = await handler(new Request(url, { method, headers, body: hasBody ? Buffer.concat(chunks) : undefined }), { params: Promise.resolve(params) });
    const out: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      if (key !== 'content-length' && key !== 'transfer-encoding') out[key] = value;
    });
    res.writeHead(response.status, out);
    if (!response.body) return void res.end();
    // Streamed, so a body that fails mid-way (a corrupt blob) aborts the connection instead of completing.
    Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>)
      .on('error', () => res.destroy())
      .pipe(res);
  };
  const server = createServer((req, res) => {
    serve(req, res).catch((err) => {
      console.error('[route-server]', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
