import { describe, expect, it } from 'vitest';
import { allowedUserActions, decideUserChange } from './user-administration';

const admin = { role: 'admin' as const, active: true };

describe('user administration', () => {
  it('refuses to demote or disable the last active admin', () => {
    expect(decideUserChange({ current: admin, next: { role: 'viewer', active: true }, otherActiveAdmins: 0 })).toMatchObject({ rule: 'LAST_ACTIVE_ADMIN', message: expect.stringMatching(/demoting/) });
    expect(decideUserChange({ current: admin, next: { role: 'admin', active: false }, otherActiveAdmins: 0 })).toMatchObject({ rule: 'LAST_ACTIVE_ADMIN', message: expect.stringMatching(/disabling/) });
  });

  it('allows it while another active admin remains', () => {
    expect(decideUserChange({ current: admin, next: { role: 'viewer', active: true }, otherActiveAdmins: 1 })).toBeNull();
    expect(decideUserChange({ current: admin, next: { role: 'admin', active: false }, otherActiveAdmins: 1 })).toBeNull();
  });

  it('never refuses changes that keep or add an admin, nor changes to non-admins', () => {
    expect(decideUserChange({ current: admin, next: admin, otherActiveAdmins: 0 })).toBeNull();
    expect(decideUserChange({ current: { role: 'viewer', active: true }, next: { role: 'viewer', active: false }, otherActiveAdmins: 0 })).toBeNull();
    // Re-enabling a disabled admin or promoting someone restores an admin.
    expect(decideUserChange({ current: { role: 'admin', active: false }, next: admin, otherActiveAdmins: 0 })).toBeNull();
    expect(decideUserChange({ current: { role: 'engineer', active: true }, next: admin, otherActiveAdmins: 0 })).toBeNull();
    // A disabled admin is not an active one: demoting them takes nothing away.
    expect(decideUserChange({ current: { role: 'admin', active: false }, next: { role: 'viewer', active: false }, otherActiveAdmins: 0 })).toBeNull();
  });

  it('tells a screen which actions are refused and why', () => {
    expect(allowedUserActions(admin, 0)).toEqual({ demote: expect.stringMatching(/last active admin/), disable: expect.stringMatching(/last active admin/) });
    expect(allowedUserActions(admin, 2)).toEqual({ demote: null, disable: null });
    expect(allowedUserActions({ role: 'viewer', active: false }, 0)).toEqual({ demote: null, disable: 'already disabled' });
  });
});
