import { createHash } from 'node:crypto';
import { SPLIT_BUCKETS } from '../contracts/worker-desired-state';

/*
 * Canary and A/B routing, shared by every worker and the control plane, so a user lands on the same
 * variant everywhere and the control plane can tell which variant a key got without asking a worker.
 * bucket = first 4 bytes of sha256(utf-8 key) as a big-endian uint32, mod 10,000. Any language can
 * reproduce it (Python: int.from_bytes(hashlib.sha256(k.encode()).digest()[:4], 'big') % 10000).
 * The mod bias (2^32 is not a multiple of 10,000) is below one part in 400,000 per bucket.
 */

export function routingBucket(key: string): number {
  return createHash('sha256').update(key, 'utf8').digest().readUInt32BE(0) % SPLIT_BUCKETS;
}

export interface WeightedChoice {
  weight: number;
}

/**
 * Buckets are dealt to choices in list order: [stable 9500, canary 500] sends 0..9499 to stable.
 * Keeping the order fixed means growing a canary only moves keys from stable to canary, never back.
 */
export function pickByBucket<T extends WeightedChoice>(choices: readonly T[], bucket: number): T | null {
  let upper = 0;
  for (const c of choices) {
    upper += c.weight;
    if (bucket < upper) return c;
  }
  return null;
}

export function routeKey<T extends WeightedChoice>(choices: readonly T[], key: string): T | null {
  return pickByBucket(choices, routingBucket(key));
}
