import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertAcceptablePassword, passwordProblem } from './password-policy';

describe('password policy', () => {
  it('ships a list of several thousand common passwords', () => {
    const entries = readFileSync('server/auth/common-passwords.txt', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(entries.length).toBeGreaterThan(3000);
    expect(entries).toEqual(expect.arrayContaining(['123456', 'password', 'qwertyuiop123', 'iloveyou1234', 'correcthorsebatterystaple']));
  });

  it('refuses fewer than 12 characters, counted as characters not bytes', () => {
    expect(passwordProblem('short-pass1')).toBe('must be at least 12 characters');
    expect(passwordProblem('ééééééééééé')).toBe('must be at least 12 characters'); // 11 characters, 22 bytes
    expect(passwordProblem('a-long-enough-one')).toBeNull();
  });

  it('refuses common passwords whatever their case', () => {
    expect(passwordProblem('password1234')).toMatch(/common passwords/);
    expect(passwordProblem('QwertyUiop123')).toMatch(/common passwords/);
    expect(passwordProblem('123456789012')).toMatch(/common passwords/);
    expect(() => assertAcceptablePassword('iloveyou1234')).toThrow(/password: is on the list of common passwords/);
  });
});
