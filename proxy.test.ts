import { describe, expect, it } from 'vitest';
import { proxy } from './proxy';

const at = (path: string) => proxy(new Request(`http://localhost${path}`));

describe('proxy: undecodable path segments', () => {
  it('lets paths that decode through untouched', () => {
    for (const ok of ['/api/v1/models/churn/versions/1/validations', '/models/caf%C3%A9', '/api/trpc/models.get,models.list', '/api/2.0/mlflow/runs/get']) expect(at(ok), ok).toBeUndefined();
  });

  it('answers a malformed segment with a 400 in Ballast\'s error shape, naming it', async () => {
    const res = at('/api/v1/models/%E0%A4%A/versions/1/validations')!;
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: 'BAD_REQUEST',
        message: 'path segment 4 ("%E0%A4%A") is not valid percent-encoding: each % must start an escape like %2F, and the escapes must spell UTF-8',
        details: { segment: '%E0%A4%A', position: 4 },
      },
    });
  });

  it('answers MLflow paths in MLflow\'s error shape', async () => {
    const res = at('/api/2.0/mlflow-artifacts/artifacts/runs/%zz/model.onnx')!;
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('("%zz")') });
  });
});
