import { z } from 'zod';
import { ZDesiredState } from '@/server/contracts/worker-desired-state';
import { restHandler } from '@/server/rest/rest-handler';
import { resolveDesiredState } from '@/server/services/resolve-desired-state';

const ZQuery = z.object({
  models: z
    .string()
    .min(1, 'list the models, e.g. churn@production,fraud@canary')
    .transform((s) => s.split(',').map((r) => r.trim()).filter(Boolean))
    .pipe(z.array(z.string()).min(1).max(100)),
});

// What a worker should serve: versions, digests, traffic split and golden checks per model reference.
export const GET = restHandler({ scope: 'deployment:read', query: ZQuery, response: ZDesiredState }, ({ db, query }) => resolveDesiredState(db, query.models));
