import { restHandler } from '@/server/rest/rest-handler';
import { uploadModelFile } from '@/server/services/create-model-version';

// Upload an ONNX file (raw body; optional `x-content-sha256` is checked against the bytes).
// Answers its sha256 and the signature read from the file; a file that is not ONNX is a 400.
export const POST = restHandler({ scope: 'model:write', status: 201, rawBody: true }, async ({ request, db, principal, requestId }) => {
  const length = request.headers.get('content-length');
  return uploadModelFile(
    { db, actor: principal, requestId },
    { body: request.body, declaredSize: length ? Number(length) : undefined, expectedSha256: request.headers.get('x-content-sha256') ?? undefined },
  );
});
