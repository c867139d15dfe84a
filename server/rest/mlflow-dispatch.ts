import { DomainError } from '../domain/errors';
import { MLFLOW_ENDPOINTS, type TMlflowEndpoint } from './mlflow-endpoints';
import { mlflowErrorBody, parseMlflowRequest, readMlflowJson, readMlflowQuery, toMlflowError } from './mlflow-wire';
import { restHandler } from './rest-handler';

const MAX_JSON_BYTES = 16 << 20;

type THandler = (request: Request) => Promise<Response>;

function build(endpoint: TMlflowEndpoint): THandler {
  return restHandler({ scope: endpoint.scope, errorBody: mlflowErrorBody }, async ({ request, principal, requestId, db }) => {
    // MLflow clients send DELETE with a JSON body; a query string works too.
    const raw =
      request.method === 'GET'
        ? readMlflowQuery(request)
        : request.method === 'DELETE'
          ? { ...readMlflowQuery(request), ...((await readMlflowJson(request, MAX_JSON_BYTES)) as object) }
          : await readMlflowJson(request, MAX_JSON_BYTES);
    const input = parseMlflowRequest(endpoint.schema, raw);
    try {
      return (await endpoint.handle(input as never, { db, actor: principal, requestId })) ?? {};
    } catch (err) {
      throw toMlflowError(err);
    }
  });
}

const HANDLERS = new Map(Object.entries(MLFLOW_ENDPOINTS).map(([path, endpoint]) => [path, { endpoint, handler: build(endpoint) }]));

const notFound = restHandler({ scope: null, errorBody: mlflowErrorBody }, async ({ request }) => {
  throw new DomainError('NOT_FOUND', `No MLflow endpoint ${request.method} ${new URL(request.url).pathname}`, { mlflowErrorCode: 'ENDPOINT_NOT_FOUND' });
});

/**
 * The route handlers of the catch-all routes app/api/2.0/mlflow/[...path] and
 * app/ajax-api/2.0/mlflow/[...path]: one table, two prefixes, as MLflow's own server has.
 */
export function mlflowRouteHandlers(prefix: string) {
  const dispatch = async (request: Request): Promise<Response> => {
    const pathname = new URL(request.url).pathname;
    const path = pathname.startsWith(prefix) ? pathname.slice(prefix.length).replace(/\/+$/, '') : '';
    const entry = HANDLERS.get(`${request.method} ${path}`) ?? HANDLERS.get(path);
    if (!entry || !(entry.endpoint.methods as readonly string[]).includes(request.method)) return notFound(request);
    return entry.handler(request);
  };
  return { GET: dispatch, POST: dispatch, PATCH: dispatch, DELETE: dispatch };
}
