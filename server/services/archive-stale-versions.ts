import type { TPrincipal } from '../auth/principal';
import { ARCHIVE_AFTER_DAYS, isArchivable } from '../domain/model-lifecycle';
import { archiveVersionIn } from './change-version-stage';
import { lockModel } from './model-registry-core';
import type { ServiceContext } from './service-context';

export const ARCHIVAL_JOB: TPrincipal = { kind: 'system', name: 'archival-job', scopes: [] };

/**
 * Archives every version not served for the archival period (see isArchivable): last served as
 * workers report, or - until they report - since it left production. One transaction per
 * version, re-checked under the model's lock, so a version promoted meanwhile is left alone.
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
    include: { model: { select: { name: true } } },
    orderBy: [{ modelId: 'asc' }, { version: 'asc' }],
  });
  const archived: { model: string; version: number }[] = [];
  for (const candidate of candidates) {
    await ctx.db.$transaction(async (tx) => {
      const model = await lockModel(tx, candidate.model.name);
      const version = await tx.modelVersion.findUniqueOrThrow({ where: { id: candidate.id } });
      if (!isArchivable(version, now, days)) return;
      const last = version.lastServedAt ?? version.leftProductionAt;
      await archiveVersionIn(tx, ctx, model, version, 'auto-archive', `not served since ${last!.toISOString()} (${days} days)`);
      archived.push({ model: model.name, version: version.version });
    });
  }
  return { archived, checkedAt: now.toISOString() };
}
