import { describe, expect, it } from 'vitest';
import { hashTokenSecret, generateTokenSecret, looksLikeToken } from './api-token-secret';
import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('verifies the right password and refuses others', async () => {
    const hash = await hashPassword('s3cret-password');
    expect(hash.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(await verifyPassword('s3cret-password', hash)).toBe(true);
    expect(await verifyPassword('s3cret-passwore', hash)).toBe(false);
    expect(await verifyPassword('s3cret-password', 'not-a-hash')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });
});

describe('API token secrets', () => {
  it('are random, prefixed and hashed with sha256', () => {
    const a = generateTokenSecret();
    const b = generateTokenSecret();
    expect(a.secret).not.toBe(b.secret);
    expect(looksLikeToken(a.secret)).toBe(true);
    expect(a.displayPrefix).toBe(a.secret.slice(0, 10));
    // sha256("abc"), FIPS 180-2 appendix B.1
    expect(hashTokenSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
