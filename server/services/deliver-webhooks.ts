import { db as defaultDb, type Db } from '../db/client';
import type { TWebhookDestinationPolicy } from '../domain/webhook-destination';
import { webhookDestinationPolicy } from '../env';
import { postWebhook, WebhookDestinationRefused, type TResolveHost } from './webhook-destination-guard';
import { DELIVERY_HEADER, EVENT_HEADER, nextRetryDelayMs, SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from '../domain/webhook-signature';

/*
 * The webhook delivery worker. Deliveries are rows written with their event's transaction, so a
 * restart loses none: each pass claims the due ones (FOR UPDATE SKIP LOCKED plus a short lease,
 * so replicas never send one twice at once), POSTs the signed JSON, and records the outcome -
 * success, or the error and the next try after an exponential backoff, or failure once all
 * tries are spent. Deliveries of a disabled webhook wait (they go out when it is enabled again).
 * Every request is checked against the destination rules where it connects (webhook-destination-
 * guard.ts); a refused destination fails its delivery at once - retrying would not change the
 * answer, and "redeliver" sends it again once the allow list says so.
 */

const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;

export type TDeliveryOptions = {
  db?: Db;
  now?: () => Date;
  limit?: number;
  baseDelayMs?: number;
  maxAttempts?: number;
  /** Default: BALLAST_WEBHOOK_ALLOW_HTTP and BALLAST_WEBHOOK_ALLOW_HOSTS as they are now. */
  policy?: TWebhookDestinationPolicy;
  /** Default: the system resolver. */
  resolve?: TResolveHost;
};

export async function deliverDueWebhooks(opts: TDeliveryOptions = {}): Promise<{ sent: number; failed: number }> {
  const db = opts.db ?? defaultDb();
  const now = opts.now?.() ?? new Date();
  const policy = opts.policy ?? webhookDestinationPolicy();
  const claimed = await db.$queryRaw<{ id: bigint }[]>`
    UPDATE webhook_deliveries SET locked_until = ${new Date(now.getTime() + LEASE_MS)}
    WHERE id IN (
      SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
      WHERE d.status = 'pending' AND w.active AND d.next_attempt_at <= ${now} AND (d.locked_until IS NULL OR d.locked_until <= ${now})
      ORDER BY d.id LIMIT ${opts.limit ?? 50}
      FOR UPDATE OF d SKIP LOCKED)
    RETURNING id`;
  if (!claimed.length) return { sent: 0, failed: 0 };
  const deliveries = await db.webhookDelivery.findMany({ where: { id: { in: claimed.map((c) => c.id) } }, include: { webhook: true }, orderBy: { id: 'asc' } });
  let sent = 0;
  let failed = 0;
  for (const d of deliveries) {
    const body = JSON.stringify(d.payload);
    const timestamp = Math.floor(now.getTime() / 1000);
    let responseCode: number | null = null;
    let error: string | null = null;
    let permanent = false;
    try {
      const res = await postWebhook(
        {
          url: d.webhook.url,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Ballast-Webhooks/1',
            [SIGNATURE_HEADER]: signWebhookBody(d.webhook.secret, timestamp, body),
            [TIMESTAMP_HEADER]: String(timestamp),
            [EVENT_HEADER]: d.event,
            [DELIVERY_HEADER]: String(d.id),
          },
          body,
          timeoutMs: TIMEOUT_MS,
        },
        policy,
        opts.resolve,
      );
      responseCode = res.status;
      if (res.status >= 300 && res.status < 400) error = `receiver answered HTTP ${res.status} (redirects are not followed)`;
      else if (res.status < 200 || res.status >= 300) error = `receiver answered HTTP ${res.status}`;
    } catch (err) {
      if (err instanceof WebhookDestinationRefused) {
        permanent = true;
        error = `destination refused: ${err.problem}`;
      } else {
        error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
    }
    const attempts = d.attempts + 1;
    if (!error) {
      sent++;
      await db.webhookDelivery.updateMany({ where: { id: d.id }, data: { status: 'succeeded', attempts, responseCode, lastError: null, deliveredAt: now, lockedUntil: null } });
      continue;
    }
    const delay = permanent ? null : nextRetryDelayMs(attempts, opts.baseDelayMs, opts.maxAttempts);
    if (delay === null) failed++;
    // updateMany: a webhook deleted meanwhile took its deliveries with it; nothing to record then.
    await db.webhookDelivery.updateMany({
      where: { id: d.id },
      data: {
        status: delay === null ? 'failed' : 'pending',
        attempts,
        responseCode,
        lastError: error.slice(0, 1000),
        nextAttemptAt: delay === null ? d.nextAttemptAt : new Date(now.getTime() + delay),
        lockedUntil: null,
      },
    });
  }
  return { sent, failed };
}
