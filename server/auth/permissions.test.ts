import { describe, expect, it } from 'vitest';
import { ROLE_SCOPES, SCOPES, canGrantToken, effectiveTokenScopes, grantsInForce, hasScope, scopesOfTokenGrants } from './permissions';

describe('role scopes', () => {
  it('give viewers read scopes only', () => {
    expect(ROLE_SCOPES.viewer.every((s) => s.endsWith(':read'))).toBe(true);
    expect(hasScope(ROLE_SCOPES.viewer, 'audit:read')).toBe(true);
    expect(hasScope(ROLE_SCOPES.viewer, 'experiment:write')).toBe(false);
  });

  it('give engineers writes but not user management', () => {
    expect(hasScope(ROLE_SCOPES.engineer, 'experiment:write')).toBe(true);
    expect(hasScope(ROLE_SCOPES.engineer, 'user:manage')).toBe(false);
  });

  it('give admins every scope', () => {
    expect([...ROLE_SCOPES.admin].sort()).toEqual([...SCOPES].sort());
  });
});

describe('token grants', () => {
  it('map ingest, worker and admin to resource scopes', () => {
    expect(scopesOfTokenGrants(['ingest'])).toContain('experiment:write');
    expect(scopesOfTokenGrants(['ingest'])).not.toContain('worker:report');
    expect(scopesOfTokenGrants(['worker'])).toEqual(expect.arrayContaining(['worker:report', 'model:read']));
    expect(scopesOfTokenGrants(['worker'])).not.toContain('experiment:write');
    expect(scopesOfTokenGrants(['bogus'])).toEqual([]);
  });

  it('never exceed what the creating role holds', () => {
    expect(canGrantToken('engineer', 'ingest')).toBe(true);
    expect(canGrantToken('engineer', 'admin')).toBe(false);
    expect(canGrantToken('engineer', 'worker')).toBe(false);
    expect(canGrantToken('viewer', 'ingest')).toBe(false);
    // The Prometheus grant reads monitoring only, so even a viewer's role covers it.
    expect(scopesOfTokenGrants(['metrics'])).toEqual(['monitoring:read']);
    expect(canGrantToken('viewer', 'metrics')).toBe(true);
    expect(canGrantToken('admin', 'worker')).toBe(true);
  });
});

describe('effective token scopes', () => {
  it('are the grants cut down to the creator\'s current role', () => {
    expect(effectiveTokenScopes(['admin'], 'admin')).toEqual([...SCOPES]);
    // An admin demoted to viewer: the admin token now reads, and nothing more.
    expect([...effectiveTokenScopes(['admin'], 'viewer')].sort()).toEqual([...ROLE_SCOPES.viewer].sort());
    expect(effectiveTokenScopes(['admin'], 'engineer')).not.toContain('user:manage');
    expect(effectiveTokenScopes(['worker'], 'engineer')).toEqual(['model:read', 'deployment:read']);
    expect(effectiveTokenScopes(['ingest'], 'viewer')).not.toContain('experiment:write');
    expect(effectiveTokenScopes(['metrics'], 'viewer')).toEqual(['monitoring:read']);
  });

  it('keep only the grants the creator could still hand out', () => {
    expect(grantsInForce(['admin', 'worker'], 'admin')).toEqual(['admin', 'worker']);
    expect(grantsInForce(['admin', 'ingest', 'metrics'], 'engineer')).toEqual(['ingest', 'metrics']);
    expect(grantsInForce(['admin', 'ingest', 'bogus'], 'viewer')).toEqual([]);
  });
});
