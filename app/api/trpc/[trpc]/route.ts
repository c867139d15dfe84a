import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { createTRPCContext, trpcErrorOf } from '@/server/api/trpc';
import { serverEnv } from '@/server/env';
import { cappedBodyStream } from '@/server/rest/read-body';

// tRPC's fetch adapter has no body limit of its own (only the node-http adapter has maxBodySize):
// it is handed a copy of the request whose body stream stops at the cap (413) or at the first
// byte that is not UTF-8 (400), so an oversized body is never read in full.
function withCappedBody(req: Request): Request {
  if (req.method === 'GET' || req.method === 'HEAD' || !req.body) return req;
  const body = cappedBodyStream(req, serverEnv().BALLAST_TRPC_MAX_BODY_BYTES, trpcErrorOf);
  return new Request(req.url, { method: req.method, headers: req.headers, body, signal: req.signal, duplex: 'half' } as RequestInit);
}

const handler = (original: Request) => {
  const req = withCappedBody(original);
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createTRPCContext({ headers: req.headers, request: req }),
  });
};

export { handler as GET, handler as POST };
