import { ZVersionPathParams } from '@/server/contracts/model-registry';
import { restHandler } from '@/server/rest/rest-handler';
import { openVersionArtifact } from '@/server/services/open-version-artifact';

// The version's ONNX bytes, streamed from the content-addressed blob store and re-hashed on the way.
export const GET = restHandler({ scope: 'model:read', params: ZVersionPathParams }, async ({ db, params }) => {
  const artifact = await openVersionArtifact(db, params.name, params.version);
  return new Response(artifact.body, {
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(artifact.size), 'x-content-sha256': artifact.sha256, etag: `"${artifact.sha256}"` },
  });
});
