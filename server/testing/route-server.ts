import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

/*
 * Test-only: App Router route handlers behind a real node:http server, as Next.js runs them
 * (Request in, Response out, dynamic segments as a params promise, the body streamed as it
 * arrives, the root proxy.ts first when given). Routes are given as patterns like
 * '/api/worker/v1/models/[name]/versions/[version]/artifact'.
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

export interface TRouteServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export interface TRouteServerOptions {
  /** The app's proxy.ts (`proxy`), run before routing as Next runs it: a Response ends the request there. */
  proxy?: (request: Request) => Response | undefined | Promise<Response | undefined>;
}

export async function startRouteServer(routes: Record<string, TRouteModule>, port = 0, opts: TRouteServerOptions = {}): Promise<TRouteServer> {
  const compiled = Object.entries(routes).map(([p, m]) => compile(p, m));
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    // Next hands route handlers a query it parsed leniently and wrote again ("%zz" -> "%25zz",
    // "%ff" -> U+FFFD), never the raw one: so do we, or tests would see what production never does.
    if (url.search) url.search = new URLSearchParams(url.searchParams).toString();
    const method = (req.method ?? 'GET') as keyof TRouteModule;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string') headers.set(k, v);
      else if (Array.isArray(v)) for (const item of v) headers.append(k, item);
    }
    // Streamed like Next's, so a handler that stops reading at a cap really stops the upload.
    const hasBody = method !== 'GET' && (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0);
    const body = hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined;
    const request = new Request(url, { method, headers, body, duplex: 'half' } as RequestInit);
    const proxied = opts.proxy ? await opts.proxy(request) : undefined;
    if (proxied) return send(res, proxied);
    let handler: THandler | undefined;
    const params: Record<string, string> = {};
    for (const c of compiled) {
      const m = c.re.exec(url.pathname);
      if (!m) continue;
      handler = c.module[method];
      // Throws on malformed %-escapes, as Next's own decoding does (Next answers that with a bare 500).
      c.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
      break;
    }
    if (!handler) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${url.pathname}` } }));
      return;
    }
    return send(res, await handler(request, { params: Promise.resolve(params) }));
  };
  const send = (res: ServerResponse, response: Response) => {
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
