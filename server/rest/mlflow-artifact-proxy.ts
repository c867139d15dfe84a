import { DomainError } from '../domain/errors';
import { listRunArtifacts, openRunArtifact, putRunArtifact } from '../services/run-artifacts';
import { mlflowErrorBody, toMlflowError } from './mlflow-wire';
import { restHandler } from './rest-handler';

/*
 * MLflow's artifact proxy (`mlflow server --serve-artifacts`): clients of runs whose artifact_uri
 * is mlflow-artifacts:/<experiment>/<run>/artifacts PUT and GET files at
 * /api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<path>, and list folders with
 * GET /api/2.0/mlflow-artifacts/artifacts?path=<experiment>/<run>/artifacts/<folder>.
 */

// Segments are decoded one by one, so an encoded "/", "\" or NUL inside a segment reaches the path
// rules (server/domain/artifact-path) instead of being normalised away by the URL parser.
function proxyPath(request: Request, prefix: string): string {
  const pathname = new URL(request.url).pathname;
  if (!pathname.startsWith(prefix)) return '';
  return pathname
    .slice(prefix.length)
    .replace(/^\//, '')
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new DomainError('BAD_REQUEST', `artifact path segment "${segment}" is not valid percent-encoding`);
      }
    })
    .join('/');
}

function splitRunPath(full: string, allowRunRoot: boolean): { runId: string; path: string } {
  const match = /^(\d+)\/([^/]+)\/artifacts(?:\/(.*))?$/s.exec(full);
  if (!match || (!allowRunRoot && !match[3])) {
    throw new DomainError('BAD_REQUEST', `artifact path "${full}" must be <experiment_id>/<run_id>/artifacts/<path>`);
  }
  return { runId: match[2]!, path: match[3] ?? '' };
}

const mlflowErrors = async <T>(fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (err) {
    throw toMlflowError(err);
  }
};

export function mlflowArtifactProxyHandlers(prefix: string) {
  const PUT = restHandler({ scope: 'experiment:write', errorBody: mlflowErrorBody, rawBody: true }, ({ request, principal, requestId, db }) =>
    mlflowErrors(async () => {
      const { runId, path } = splitRunPath(proxyPath(request, prefix), false);
      const length = request.headers.get('content-length');
      await putRunArtifact(
        { db, actor: principal, requestId },
        { runId, path, body: request.body, declaredSize: length ? Number(length) : undefined, expectedSha256: request.headers.get('x-content-sha256') ?? undefined },
      );
      return {};
    }),
  );

  const GET = restHandler({ scope: 'experiment:read', errorBody: mlflowErrorBody }, ({ request, db }) =>
    mlflowErrors(async () => {
      const full = proxyPath(request, prefix);
      if (full === '') {
        const listed = new URL(request.url).searchParams.get('path') ?? '';
        const { runId, path } = splitRunPath(listed, true);
        const result = await listRunArtifacts(db, { runId, path });
        // The proxy lists base names relative to the folder asked for, as MLflow's server does.
        return {
          files: result.files.map((f) => ({ path: f.path.split('/').pop()!, is_dir: f.isDir, ...(f.size !== null ? { file_size: f.size } : {}) })),
        };
      }
      const { runId, path } = splitRunPath(full, false);
      const artifact = await openRunArtifact(db, { runId, path });
      return new Response(artifact.body, {
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(artifact.size),
          'x-content-sha256': artifact.sha256,
          'content-disposition': `attachment; filename="${encodeURIComponent(path.split('/').pop() ?? 'artifact')}"`,
        },
      });
    }),
  );

  return { GET, PUT };
}
