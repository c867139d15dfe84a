import { undecodablePathMessage, undecodablePathSegment } from './server/domain/percent-decoding';

/*
 * Next decodes dynamic path segments itself, before any route handler runs, and answers a segment
 * that is not valid percent-encoding (`/api/v1/models/%zz/...`, `%E0%A4%A`) with a bare-text 500
 * and no log line. This proxy refuses such paths first, with a 400 JSON naming the segment.
 *
 * The matcher keeps it off every other request on purpose: for a request the proxy sees, Next
 * buffers the body for it (and cuts it at 10 MB), so a proxy on all paths would hold uploads in
 * memory and truncate large artifact uploads. It runs only on paths holding a '%' (never in a
 * valid model name or route), and on artifact paths only for requests without a body or with a
 * declared one under 10 MB (7 digits), which Next buffers whole.
 */
export function proxy(request: Request): Response | undefined {
  const pathname = new URL(request.url).pathname;
  const found = undecodablePathSegment(pathname);
  if (!found) return undefined;
  const message = undecodablePathMessage(found);
  // MLflow clients read MLflow's error shape; everything else reads Ballast's.
  const body = pathname.startsWith('/api/2.0/')
    ? { error_code: 'INVALID_PARAMETER_VALUE', message }
    : { error: { code: 'BAD_REQUEST', message, details: { segment: found.segment, position: found.index + 1 } } };
  return Response.json(body, { status: 400 });
}

export const config = {
  matcher: [
    { source: '/((?!api/2\\.0/mlflow-artifacts/).*%.*)' },
    { source: '/api/2\\.0/mlflow-artifacts/(.*%.*)', missing: [{ type: 'header', key: 'content-length' }, { type: 'header', key: 'transfer-encoding' }] },
    { source: '/api/2\\.0/mlflow-artifacts/(.*%.*)', has: [{ type: 'header', key: 'content-length', value: '\\d{1,7}' }], missing: [{ type: 'header', key: 'transfer-encoding' }] },
  ],
};
