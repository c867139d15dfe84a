import { ZFeedbackBody, type TFeedbackBody, type TFeedbackItem, type TFeedbackResult } from '../contracts/monitoring';
import type { Db, DbOrTx } from '../db/client';
import { DomainError, parseInput } from '../domain/errors';

/*
 * A/B outcomes posted by the product (conversions, labels, values), tied to the prediction they
 * judge: by request id, or the latest prediction served for a routing key. One outcome per
 * request (the feedback table's unique request id), so a retried post changes nothing.
 */

export type TFeedbackCounters = { recorded: number; duplicate: number; unknownRequest: number };

// Process-local Prometheus counters (each replica exports its own; Prometheus sums them). Kept on
// globalThis so every route bundle of one Next server shares them.
const holder = globalThis as unknown as { ballastFeedbackCounters?: TFeedbackCounters };
export function feedbackCounters(): TFeedbackCounters {
  holder.ballastFeedbackCounters ??= { recorded: 0, duplicate: 0, unknownRequest: 0 };
  return holder.ballastFeedbackCounters;
}

interface TPredictionRef {
  requestId: string;
  routingKey: string | null;
  modelVersionId: string;
  variant: string;
  ts: Date;
}

async function findPrediction(db: DbOrTx, item: TFeedbackItem): Promise<TPredictionRef | null> {
  const rows = item.request_id
    ? await db.$queryRaw<TPredictionRef[]>`
        SELECT request_id AS "requestId", routing_key AS "routingKey", model_version_id::text AS "modelVersionId", variant, ts
        FROM prediction_logs WHERE request_id = ${item.request_id} ORDER BY item, ts DESC LIMIT 1`
    : await db.$queryRaw<TPredictionRef[]>`
        SELECT request_id AS "requestId", routing_key AS "routingKey", model_version_id::text AS "modelVersionId", variant, ts
        FROM prediction_logs WHERE routing_key = ${item.routing_key!} ORDER BY ts DESC LIMIT 1`;
  return rows[0] ?? null;
}

/** The deployment that was running the version when it made the prediction (A/B tests first). */
async function deploymentAt(db: DbOrTx, modelId: string, versionId: string, at: Date) {
  const candidates = await db.deployment.findMany({
    where: {
      modelId,
      createdAt: { lte: at },
      OR: [{ endedAt: null }, { endedAt: { gte: at } }],
      AND: [{ OR: [{ stableVersionId: versionId }, { candidateVersionId: versionId }] }],
    },
    orderBy: { createdAt: 'desc' },
    take: 5,
  });
  return candidates.find((d) => d.strategy === 'ab_test') ?? candidates[0] ?? null;
}

async function recordOne(db: Db, item: TFeedbackItem): Promise<TFeedbackResult> {
  const base = { request_id: item.request_id ?? null, routing_key: item.routing_key ?? null };
  const prediction = await findPrediction(db, item);
  if (!prediction) {
    feedbackCounters().unknownRequest++;
    return { ...base, status: 'unknown_request', model: null, version: null, variant: null, deployment_id: null };
  }
  const version = await db.modelVersion.findUnique({ where: { id: prediction.modelVersionId }, select: { id: true, version: true, modelId: true, model: { select: { name: true } } } });
  if (!version) {
    feedbackCounters().unknownRequest++;
    return { ...base, status: 'unknown_request', model: null, version: null, variant: null, deployment_id: null };
  }
  const deployment = await deploymentAt(db, version.modelId, version.id, prediction.ts);
  if (deployment?.outcomeKind && deployment.outcomeKind !== item.outcome.kind) {
    throw new DomainError('BAD_REQUEST', `request ${prediction.requestId}: this A/B test records ${deployment.outcomeKind} outcomes, not ${item.outcome.kind}`);
  }
  const value = item.outcome.kind === 'binary' ? (item.outcome.converted ? 1 : 0) : item.outcome.value;
  const inserted = await db.$executeRaw`
    INSERT INTO feedback (request_id, routing_key, model_version_id, deployment_id, variant, kind, value)
    VALUES (${prediction.requestId}, ${prediction.routingKey ?? item.routing_key ?? null}, ${version.id}::uuid, ${deployment?.id ?? null}::uuid,
            ${prediction.variant}, ${item.outcome.kind}, ${value})
    ON CONFLICT (request_id) DO NOTHING`;
  const status = inserted > 0 ? 'recorded' : 'duplicate';
  feedbackCounters()[status]++;
  return {
    request_id: prediction.requestId,
    routing_key: prediction.routingKey ?? item.routing_key ?? null,
    status,
    model: version.model.name,
    version: version.version,
    variant: prediction.variant,
    deployment_id: deployment?.id ?? null,
  };
}

/**
 * Records one outcome (an unknown request is a 404) or a batch (each item gets its status; an
 * unknown request in a batch is reported, counted and skipped, so one stale id does not lose the
 * rest). Posting the same outcome again answers `duplicate` and changes nothing.
 */
export async function recordFeedback(db: Db, raw: TFeedbackBody): Promise<{ results: TFeedbackResult[] }> {
  const body = parseInput(ZFeedbackBody, raw, 'feedback');
  if ('items' in body) {
    const results: TFeedbackResult[] = [];
    for (const item of body.items) results.push(await recordOne(db, item));
    return { results };
  }
  const result = await recordOne(db, body);
  if (result.status === 'unknown_request') {
    throw new DomainError('NOT_FOUND', body.request_id ? `no logged prediction has request id '${body.request_id}'` : `no logged prediction has routing key '${body.routing_key}'`);
  }
  return { results: [result] };
}
