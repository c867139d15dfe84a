import { createHash, randomBytes } from 'node:crypto';

// Tokens look like `blt_<43 url-safe chars>`; the prefix makes leaked tokens easy to scan for.
const TOKEN_PREFIX = 'blt_';

export function generateTokenSecret(): { secret: string; hash: string; displayPrefix: string } {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { secret, hash: hashTokenSecret(secret), displayPrefix: secret.slice(0, TOKEN_PREFIX.length + 6) };
}

// A token has 256 bits of entropy, so a fast hash is enough (no KDF needed) and lets us look it up.
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX) && value.length > TOKEN_PREFIX.length + 20;
}
