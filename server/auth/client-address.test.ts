import { afterEach, describe, expect, it, vi } from 'vitest';

async function addressWith(trustProxy: string | undefined, headers: Record<string, string>) {
  vi.resetModules();
  if (trustProxy === undefined) delete process.env.BALLAST_TRUST_PROXY;
  else process.env.BALLAST_TRUST_PROXY = trustProxy;
  const { clientAddress } = await import('./client-address');
  return clientAddress(new Headers(headers));
}

describe('client address for sign-in limits', () => {
  afterEach(() => {
    delete process.env.BALLAST_TRUST_PROXY;
  });

  it('ignores X-Forwarded-For unless a trusted proxy sets it (callers could forge it)', async () => {
    expect(await addressWith(undefined, { 'x-forwarded-for': '203.0.113.9' })).toBe('local');
  });

  it('uses the first X-Forwarded-For hop behind a trusted proxy', async () => {
    expect(await addressWith('on', { 'x-forwarded-for': '203.0.113.9, 10.0.0.2' })).toBe('203.0.113.9');
    expect(await addressWith('on', {})).toBe('local');
  });
});
