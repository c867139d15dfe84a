import { type z } from 'zod';
import type { TPrincipal } from '../auth/principal';
import { principalUserId } from '../auth/principal';
import { DATASET_NAME_RE, tryParseDatasetVersionRef } from '../contracts/dataset-reference';
import { ZRegisterDatasetVersionInput, type TRegisterDatasetVersionInput } from '../contracts/tracking';
import type { Tx } from '../db/client';
import type { DatasetVersion, Prisma } from '../db/generated/client';
import { DomainError, parseInput } from '../domain/errors';
import { recordAuditEvent } from '../records/record-audit-event';
import type { ServiceContext } from './service-context';

export type TDatasetVersionSpec = {
  name: string;
  version: string;
  fingerprint?: string | null;
  description?: string;
  schema?: unknown;
  rowCount?: number;
  columnStats?: unknown;
  source?: unknown;
};

const json = (value: unknown) => (value === undefined || value === null ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue));

/**
 * Finds or creates one immutable dataset version. The same version with the same fingerprint is
 * idempotent; a different fingerprint is a 409 and the stored version is left as it was. The one
 * change allowed is filling in a fingerprint that was never given.
 */
export async function ensureDatasetVersion(tx: Tx, actor: TPrincipal, requestId: string | null, spec: TDatasetVersionSpec): Promise<{ version: DatasetVersion; created: boolean }> {
  if (!DATASET_NAME_RE.test(spec.name)) {
    throw new DomainError('BAD_REQUEST', `dataset name "${spec.name}" must be a lowercase slug: letters, digits, ".", "_" or "-", starting and ending with a letter or digit`);
  }
  const parsed = tryParseDatasetVersionRef(spec.version);
  if (!parsed.ok) throw new DomainError('BAD_REQUEST', `dataset "${spec.name}": ${parsed.error.message}`, { rule: parsed.error.code });
  const dataset = await tx.dataset.upsert({ where: { name: spec.name }, create: { name: spec.name, description: spec.description }, update: {} });
  // Concurrent registrations of one version: the unique (dataset, version) key lets one insert win.
  const inserted = await tx.datasetVersion.createManyAndReturn({
    data: [
      {
        datasetId: dataset.id,
        version: spec.version,
        kind: parsed.ref.kind,
        fingerprint: spec.fingerprint ?? null,
        schema: json(spec.schema),
        rowCount: spec.rowCount === undefined ? null : BigInt(spec.rowCount),
        columnStats: json(spec.columnStats),
        source: json(spec.source),
        createdById: principalUserId(actor),
      },
    ],
    skipDuplicates: true,
  });
  if (inserted[0]) {
    await recordAuditEvent(tx, actor, requestId, {
      action: 'dataset.version_registered',
      subjectType: 'dataset_version',
      subjectId: inserted[0].id,
      after: { name: spec.name, version: spec.version, fingerprint: spec.fingerprint ?? null },
    });
    return { version: inserted[0], created: true };
  }
  const existing = await tx.datasetVersion.findUniqueOrThrow({ where: { datasetId_version: { datasetId: dataset.id, version: spec.version } } });
  if (spec.fingerprint && existing.fingerprint && existing.fingerprint !== spec.fingerprint) {
    throw new DomainError(
      'CONFLICT',
      `dataset "${spec.name}" version ${spec.version} is registered with fingerprint ${existing.fingerprint}; a version is immutable, so ${spec.fingerprint} is refused (register the new content as a new version)`,
    );
  }
  if (spec.fingerprint && !existing.fingerprint) {
    return { version: await tx.datasetVersion.update({ where: { id: existing.id }, data: { fingerprint: spec.fingerprint } }), created: false };
  }
  return { version: existing, created: false };
}

export async function registerDatasetVersion(ctx: ServiceContext, raw: TRegisterDatasetVersionInput) {
  const input = parseInput(ZRegisterDatasetVersionInput as z.ZodType<z.output<typeof ZRegisterDatasetVersionInput>>, raw, 'dataset version');
  const { version, created } = await ctx.db.$transaction((tx) => ensureDatasetVersion(tx, ctx.actor, ctx.requestId, input));
  return { id: version.id, name: input.name, version: version.version, kind: version.kind, fingerprint: version.fingerprint, created };
}
