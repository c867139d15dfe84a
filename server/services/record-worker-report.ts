import { ZWorkerReport, type TVersionReport, type TWorkerReport } from '../contracts/worker-report';
import type { Db, DbOrTx } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { parseInput } from '../domain/errors';
import { countsDelta } from '../domain/latency-histogram';
import { minuteOf } from './read-version-traffic';

/*
 * Worker heartbeats. Workers report cumulative counters (a lost report loses nothing); the
 * control plane keeps the last report per worker in Worker.serving and turns each new one into
 * per-version, per-minute deltas in version_traffic, from which canary evaluation and the
 * monitoring charts read. A counter that went down means the worker restarted: the new values
 * are the deltas (a fresh baseline), never negative traffic.
 */

/** A worker is live while its last heartbeat is this recent. */
export const LIVE_WORKER_MS = 30_000;

/** What Worker.serving holds per version: the report's state and its cumulative counters. */
export interface TServingEntry {
  model: string;
  version: number;
  versionId: string | null;
  state: TVersionReport['state'];
  variant: TVersionReport['variant'];
  weight: number;
  failure: string | null;
  requests: number;
  errors: number;
  latencyCounts: number[];
  lastServedAt: string | null;
}


export async function recordWorkerReport(db: Db, raw: TWorkerReport, now: Date = new Date()): Promise<{ ok: true }> {
  const report = parseInput(ZWorkerReport, raw, 'worker report');
  const startedAt = new Date(Number.isNaN(Date.parse(report.started_at)) ? now.getTime() : Date.parse(report.started_at));
  await db.$transaction(async (tx) => {
    // Serialises two reports of one worker (a retried POST): each sees the other's baseline.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`worker:${report.worker_id}`}))`;
    const previous = await tx.worker.findUnique({ where: { id: report.worker_id } });
    const restarted = previous !== null && previous.startedAt.getTime() !== startedAt.getTime();
    const before = restarted || !previous ? [] : (previous.serving as unknown as TServingEntry[]);
    const ids = await versionIds(tx, report.versions);
    const minute = minuteOf(now);
    const serving: TServingEntry[] = [];
    for (const v of report.versions) {
      const versionId = ids.get(`${v.model}\u0000${v.version}`) ?? null;
      // The worker counts successes and errors apart; traffic rows count attempts, so errors/requests is a rate.
      const attempts = v.requests + v.errors;
      const entry: TServingEntry = {
        model: v.model,
        version: v.version,
        versionId,
        state: v.state,
        variant: v.variant,
        weight: v.weight,
        failure: v.failure,
        requests: attempts,
        errors: v.errors,
        latencyCounts: v.latency.counts,
        lastServedAt: v.last_served_at,
      };
      serving.push(entry);
      if (!versionId) continue;
      const prior = before.find((b) => b.model === v.model && b.version === v.version) ?? null;
      const counters = countsDelta([attempts, v.errors, ...v.latency.counts], prior ? [prior.requests, prior.errors, ...prior.latencyCounts] : null);
      const [dRequests, dErrors, ...dCounts] = counters.delta as [number, number, ...number[]];
      if (dRequests <= 0 && dErrors <= 0) continue;
      await tx.$executeRaw`
        INSERT INTO version_traffic (model_version_id, worker_id, minute, requests, errors, latency_counts, latency_bounds_ms)
        VALUES (${versionId}::uuid, ${report.worker_id}, ${minute}, ${dRequests}, ${dErrors}, ${dCounts}::int[], ${v.latency.bounds_ms}::float8[])
        ON CONFLICT (model_version_id, worker_id, minute) DO UPDATE SET
          requests = version_traffic.requests + EXCLUDED.requests,
          errors = version_traffic.errors + EXCLUDED.errors,
          latency_counts = ARRAY(
            SELECT coalesce(a, 0) + coalesce(b, 0)
            FROM unnest(version_traffic.latency_counts, EXCLUDED.latency_counts) WITH ORDINALITY AS u(a, b, i) ORDER BY i),
          latency_bounds_ms = EXCLUDED.latency_bounds_ms`;
      if (dRequests - dErrors > 0) {
        const reported = v.last_served_at ? new Date(v.last_served_at) : now;
        const servedAt = Number.isNaN(reported.getTime()) || reported > now ? now : reported;
        await tx.$executeRaw`UPDATE model_versions SET last_served_at = GREATEST(coalesce(last_served_at, ${servedAt}), ${servedAt}) WHERE id = ${versionId}::uuid`;
      }
    }
    const data = {
      hostname: report.hostname,
      hardware: { execution_provider: report.execution_provider, uptime_s: report.uptime_s, desired_revision: report.desired_revision } as Prisma.InputJsonValue,
      serving: serving as unknown as Prisma.InputJsonValue,
      startedAt,
      lastHeartbeatAt: now,
    };
    await tx.worker.upsert({ where: { id: report.worker_id }, create: { id: report.worker_id, ...data }, update: data });
  });
  return { ok: true };
}

async function versionIds(db: DbOrTx, versions: readonly { model: string; version: number }[]): Promise<Map<string, string>> {
  if (!versions.length) return new Map();
  const rows = await db.$queryRaw<{ model: string; version: number; id: string }[]>`
    SELECT m.name AS model, v.version, v.id::text AS id
    FROM unnest(${versions.map((v) => v.model)}::text[], ${versions.map((v) => v.version)}::int[]) AS w(model, version)
    JOIN registered_models m ON m.name = w.model
    JOIN model_versions v ON v.model_id = m.id AND v.version = w.version`;
  return new Map(rows.map((r) => [`${r.model}\u0000${r.version}`, r.id]));
}

export interface TLiveWorker {
  id: string;
  hostname: string;
  startedAt: Date;
  lastHeartbeatAt: Date;
  executionProvider: string | null;
  desiredRevision: string | null;
  serving: TServingEntry[];
}

/** Workers that reported within LIVE_WORKER_MS, and what each serves; optionally only those serving a model. */
export async function listLiveWorkers(db: DbOrTx, opts: { now?: Date; modelName?: string } = {}): Promise<TLiveWorker[]> {
  const now = opts.now ?? new Date();
  const rows = await db.worker.findMany({ where: { lastHeartbeatAt: { gte: new Date(now.getTime() - LIVE_WORKER_MS) } }, orderBy: { id: 'asc' } });
  return rows
    .map((w) => {
      const hw = (w.hardware ?? {}) as { execution_provider?: string; desired_revision?: string | null };
      return {
        id: w.id,
        hostname: w.hostname,
        startedAt: w.startedAt,
        lastHeartbeatAt: w.lastHeartbeatAt,
        executionProvider: hw.execution_provider ?? null,
        desiredRevision: hw.desired_revision ?? null,
        serving: (w.serving as unknown as TServingEntry[]).filter((s) => !opts.modelName || s.model === opts.modelName),
      };
    })
    .filter((w) => !opts.modelName || w.serving.length > 0);
}
