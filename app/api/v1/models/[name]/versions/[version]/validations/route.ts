import { z } from 'zod';
import { ZValidationCheckInput, ZVersionPathParams } from '@/server/contracts/model-registry';
import { restHandler } from '@/server/rest/rest-handler';
import { recordValidationResults } from '@/server/services/record-version-evidence';

// CI records a version's validation checks (metric, threshold, observed); pass/fail is computed by the registry.
export const POST = restHandler({ scope: 'model:write', params: ZVersionPathParams, body: z.object({ checks: z.array(ZValidationCheckInput).min(1) }), status: 201 }, ({ db, principal, requestId, body, params }) =>
  recordValidationResults({ db, actor: principal, requestId }, { checks: body.checks, modelName: params.name, version: params.version }),
);
