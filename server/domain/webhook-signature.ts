import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Webhook signing: the receiver recomputes HMAC-SHA256 over `${timestamp}.${body}` with the
 * webhook's secret and compares it with the signature header; the timestamp (unix seconds, also
 * a header) lets it refuse replays of old deliveries.
 */

export const SIGNATURE_HEADER = 'x-ballast-signature';
export const TIMESTAMP_HEADER = 'x-ballast-timestamp';
export const EVENT_HEADER = 'x-ballast-event';
export const DELIVERY_HEADER = 'x-ballast-delivery';

export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function verifyWebhookSignature(secret: string, timestamp: number, body: string, signature: string, now = Date.now(), toleranceS = 300): boolean {
  if (!Number.isFinite(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceS) return false;
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export const WEBHOOK_MAX_ATTEMPTS = 8;
export const WEBHOOK_BASE_DELAY_MS = 5_000;

/** Delay before the next try after `attempts` failed ones: 5 s, 10 s, 20 s, ... capped at 1 h; null once all tries are spent. */
export function nextRetryDelayMs(attempts: number, base = WEBHOOK_BASE_DELAY_MS, maxAttempts = WEBHOOK_MAX_ATTEMPTS): number | null {
  if (attempts >= maxAttempts) return null;
  return Math.min(base * 2 ** Math.max(0, attempts - 1), 3_600_000);
}
