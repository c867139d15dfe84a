import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nextRetryDelayMs, signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  it('HMAC-SHA256 over "timestamp.body", hex, prefixed sha256=', () => {
    // RFC 4231-style check computed with node:crypto directly.
    const expected = createHmac('sha256', 'key').update('1700000000.{"a":1}').digest('hex');
    expect(signWebhookBody('key', 1700000000, '{"a":1}')).toBe(`sha256=${expected}`);
  });
  it('verifies, and refuses a changed body, wrong secret or an old timestamp', () => {
    const now = 1_700_000_000_000;
    const sig = signWebhookBody('s', 1_700_000_000, 'body');
    expect(verifyWebhookSignature('s', 1_700_000_000, 'body', sig, now)).toBe(true);
    expect(verifyWebhookSignature('s', 1_700_000_000, 'body!', sig, now)).toBe(false);
    expect(verifyWebhookSignature('t', 1_700_000_000, 'body', sig, now)).toBe(false);
    expect(verifyWebhookSignature('s', 1_700_000_000, 'body', sig, now + 301_000)).toBe(false);
  });
  it('backs off exponentially, then gives up', () => {
    expect([1, 2, 3, 4].map((a) => nextRetryDelayMs(a, 1000, 5))).toEqual([1000, 2000, 4000, 8000]);
    expect(nextRetryDelayMs(5, 1000, 5)).toBeNull();
  });
});
