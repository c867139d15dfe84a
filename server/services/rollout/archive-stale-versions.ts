import type { TPrincipal } from '../../auth/principal';
import { ARCHIVE_AFTER_DAYS } from '../../domain/rollout';
import { isDomainError } from '../../domain/errors';
import type { ServiceContext } from '../service-context';
import { applyRolloutCommand } from './apply-rollout-command';

export const ARCHIVAL_JOB: TPrincipal = { kind: 'system', name: 'archival-job', scopes: [] };

/**
 * Archives every version not served for the archival period (isArchivable): last served as
 * workers report, or - until they report - since it left production. One autoArchiveVersion
 * command per candidate, re-decided under the model's lock, so a version promoted or served
 * meanwhile is left alone (NOT_ARCHIVABLE).
 */
export async function archiveStaleVersions(ctx: ServiceContext, opts: { days?: number } = {}) {
  const now = ctx.now?.() ?? new Date();
  const days = opts.days ?? ARCHIVE_AFTER_DAYS;
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const candidates = await ctx.db.modelVersion.findMany({
    where: {
      stage: { in: ['development', 'staging'] },
      OR: [{ lastServedAt: { lte: cutoff } }, { lastServedAt: null, leftProductionAt: { lte: cutoff } }],
    },
    select: { version: true, model: { select: { name: true } } },
    orderBy: [{ modelId: 'asc' }, { version: 'asc' }],
  });
  const archived: { model: string; version: number }[] = [];
  for (const c of candidates) {
    try {
      await applyRolloutCommand(ctx, { modelName: c.model.name }, { kind: 'autoArchiveVersion', version: c.version, days });
      archived.push({ model: c.model.name, version: c.version });
    } catch (err) {
      if (isDomainError(err) && (err.code === 'NOT_ARCHIVABLE' || err.code === 'NOT_FOUND')) continue;
      throw err;
    }
  }
  return { archived, checkedAt: now.toISOString() };
}
