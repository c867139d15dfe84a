import { describe, expect, it } from 'vitest';
import { pickByBucket, routeKey, routingBucket } from './traffic-split';

describe('routingBucket', () => {
  it('matches values computed independently with Python hashlib', () => {
    // python3 -c "import hashlib; print(int.from_bytes(hashlib.sha256(k.encode()).digest()[:4],'big') % 10000)"
    expect(routingBucket('user-42')).toBe(4083);
    expect(routingBucket('alice')).toBe(7801);
    expect(routingBucket('')).toBe(2610);
    expect(routingBucket('req-0001')).toBe(5151);
  });

  it('spreads keys roughly evenly', () => {
    let low = 0;
    for (let i = 0; i < 20_000; i++) if (routingBucket(`k${i}`) < 500) low++;
    // 5% of 20,000 = 1,000; sd = sqrt(20000 * 0.05 * 0.95) ~ 31: +-5 sd
    expect(low).toBeGreaterThan(845);
    expect(low).toBeLessThan(1155);
  });
});

describe('pickByBucket', () => {
  const split = [
    { v: 'stable', weight: 9500 },
    { v: 'canary', weight: 500 },
  ];
  it('deals buckets in order', () => {
    expect(pickByBucket(split, 0)?.v).toBe('stable');
    expect(pickByBucket(split, 9499)?.v).toBe('stable');
    expect(pickByBucket(split, 9500)?.v).toBe('canary');
    expect(pickByBucket(split, 9999)?.v).toBe('canary');
  });
  it('skips zero-weight versions (loaded for rollback, no traffic)', () => {
    expect(pickByBucket([{ v: 'old', weight: 0 }, { v: 'new', weight: 10000 }], 0)?.v).toBe('new');
  });
  it('is sticky per key', () => {
    expect(routeKey(split, 'alice')?.v).toBe('stable'); // bucket 7801
    expect(routeKey(split, 'alice')).toBe(routeKey(split, 'alice'));
  });
});
