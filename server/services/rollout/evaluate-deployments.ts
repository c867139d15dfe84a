import type { TPrincipal } from '../../auth/principal';
import type { Db } from '../../db/client';
import { isDomainError } from '../../domain/errors';
import { newRequestId, type ServiceContext } from '../service-context';
import { applyRolloutCommand } from './apply-rollout-command';
import { loadLiveFigures } from './load-live-figures';

/*
 * The deployment evaluator, a job every 30 s (server/jobs) and `npm run jobs:evaluate`: each
 * active deployment gets an evaluateDeployment command, decided on its live figures under the
 * model's lock (server/domain/rollout/deployment-evaluation.ts: roll back, next step, promote,
 * continue, wait). Being a command, an evaluation that raced an owner's action sees its result.
 */

export const EVALUATION_INTERVAL_MS = 30_000;

export const DEPLOYMENT_EVALUATOR: TPrincipal = { kind: 'system', name: 'deployment-evaluator', scopes: [] };

export type TEvaluation = { deploymentId: string; model: string; action: 'rollback' | 'advance' | 'promote' | 'continue' | 'wait' | 'error'; message: string; figures?: Record<string, unknown> };

export async function evaluateDeployments(opts: { db: Db; now?: Date; log?: (line: string) => void }): Promise<TEvaluation[]> {
  const now = opts.now ?? new Date();
  const active = await opts.db.deployment.findMany({ where: { activeModelId: { not: null } }, orderBy: { createdAt: 'asc' }, select: { id: true, modelId: true } });
  const results: TEvaluation[] = [];
  for (const d of active) {
    const ctx: ServiceContext = { db: opts.db, actor: DEPLOYMENT_EVALUATOR, requestId: newRequestId(), now: () => now };
    try {
      const applied = await applyRolloutCommand(ctx, { deploymentId: d.id }, { kind: 'evaluateDeployment', deploymentId: d.id }, { live: loadLiveFigures });
      const outcome = applied.outcome ?? { action: 'continue' as const, message: 'no verdict' };
      results.push({ deploymentId: d.id, model: applied.model.name, ...outcome });
    } catch (err) {
      const message = isDomainError(err) ? err.message : 'evaluation failed; see the server log';
      if (!isDomainError(err)) console.error(`[deployments] evaluating ${d.id} failed`, err);
      opts.log?.(`[deployments] ${d.id}: ${message}`);
      results.push({ deploymentId: d.id, model: d.modelId, action: isDomainError(err) && err.code === 'DEPLOYMENT_NOT_ACTIVE' ? 'wait' : 'error', message });
    }
  }
  return results;
}
