import { db as defaultDb, type Db } from '../db/client';
import { DELIVERY_HEADER, EVENT_HEADER, nextRetryDelayMs, SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from '../domain/webhook-signature';

/*
 * The webhook delivery worker. Deliveries are rows written with their event's transaction, so a
 * restart loses none: each pass claims the due ones (FOR UPDATE SKIP LOCKED plus a short lease,
 * so replicas never send one twice at once), POSTs the signed JSON, and records the outcome -
 * success, or the error and the next try after an exponential backoff, or failure once all
 * tries are spent.
 */

const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;

export type TDeliveryOptions = { db?: Db; now?: () => Date; fetch?: typeof fetch; limit?: number; baseDelayMs?: number; maxAttempts?: number };

export async function deliverDueWebhooks(opts: TDeliveryOptions = {}): Promise<{ sent: number; failed: number }> {
  const db = opts.db ?? defaultDb();
  const now = opts.now?.() ?? new Date();
  const send = opts.fetch ?? fetch;
  const claimed = await db.$queryRaw<{ id: bigint }[]>`
    UPDATE webhook_deliveries SET locked_until = ${new Date(now.getTime() + LEASE_MS)}
    WHERE id IN (
      SELECT id FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= ${now} AND (locked_until IS NULL OR locked_until <= ${now})
      ORDER BY id LIMIT ${opts.limit ?? 50}
      FOR UPDATE SKIP LOCKED)
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
    try {
      const res = await send(d.webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Ballast-Webhooks/1',
          [SIGNATURE_HEADER]: signWebhookBody(d.webhook.secret, timestamp, body),
          [TIMESTAMP_HEADER]: String(timestamp),
          [EVENT_HEADER]: d.event,
          [DELIVERY_HEADER]: String(d.id),
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'manual',
      });
      responseCode = res.status;
      await res.body?.cancel().catch(() => {});
      if (res.status < 200 || res.status >= 300) error = `receiver answered HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    const attempts = d.attempts + 1;
    if (!error) {
      sent++;
      await db.webhookDelivery.update({ where: { id: d.id }, data: { status: 'succeeded', attempts, responseCode, lastError: null, deliveredAt: now, lockedUntil: null } });
      continue;
    }
    const delay = nextRetryDelayMs(attempts, opts.baseDelayMs, opts.maxAttempts);
    if (delay === null) failed++;
    await db.webhookDelivery.update({
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

/** Polls for due deliveries every `intervalMs` (default 2 s); returns a stop function. */
export function startWebhookDeliveryWorker(opts: TDeliveryOptions & { intervalMs?: number } = {}): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await deliverDueWebhooks(opts);
    } catch (err) {
      console.error('[webhooks] delivery pass failed', err);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 2_000);
  timer.unref();
  return () => clearInterval(timer);
}
