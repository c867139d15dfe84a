import { describe, expect, it } from 'vitest';
import { ACCOUNT_ATTEMPT_LIMIT, ADDRESS_ATTEMPT_LIMIT, decideSignInAttempt } from './sign-in-limits';

const counts = (over: Partial<Parameters<typeof decideSignInAttempt>[0]> = {}) => ({ account: 0, address: 0, addressShared: false, ...over });

describe('sign-in limits', () => {
  it('are 5 a minute per account and 20 a minute per address', () => {
    expect(ACCOUNT_ATTEMPT_LIMIT).toBe(5);
    expect(ADDRESS_ATTEMPT_LIMIT).toBe(20);
  });

  it('admit the 5th attempt on an account and refuse the 6th, from any address', () => {
    expect(decideSignInAttempt(counts({ account: 4 }))).toBeNull();
    expect(decideSignInAttempt(counts({ account: 5 }))).toMatchObject({ bucket: 'account', limit: 5 });
    expect(decideSignInAttempt(counts({ account: 5, addressShared: true }))).toMatchObject({ bucket: 'account' });
  });

  it('refuse a distinct address after 20 attempts, whichever account it tries next', () => {
    expect(decideSignInAttempt(counts({ address: 19 }))).toBeNull();
    expect(decideSignInAttempt(counts({ address: 20 }))).toMatchObject({ bucket: 'address', limit: 20 });
  });

  it('never let a shared address lock out an account it did not try', () => {
    expect(decideSignInAttempt(counts({ address: 500, addressShared: true }))).toBeNull();
    // Even one the shared address tried before: only the account's own bucket limits it.
    expect(decideSignInAttempt(counts({ account: 4, address: 500, addressShared: true }))).toBeNull();
    expect(decideSignInAttempt(counts({ account: 5, address: 500, addressShared: true }))).toMatchObject({ bucket: 'account' });
  });

  it('name the account bucket first when both are full', () => {
    expect(decideSignInAttempt(counts({ account: 9, address: 99 }))?.bucket).toBe('account');
  });
});
