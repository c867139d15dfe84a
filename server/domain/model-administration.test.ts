import { describe, expect, it } from 'vitest';
import { decideGlobalWebhookAdministration, decideModelAdministration, decideRename, maySeeWebhookDetails, RECENT_TRAFFIC_MS } from './model-administration';

const facts = (over: Partial<Parameters<typeof decideModelAdministration>[0]> = {}) => ({ modelName: 'churn', hasApproveScope: true, isOwner: false, isAdmin: false, ...over });

describe('decideModelAdministration', () => {
  it('an owner with model:approve administers; a reason is kept when given', () => {
    expect(decideModelAdministration(facts({ isOwner: true }), 'rename the model')).toEqual({ ok: true, as: 'owner', reason: null });
    expect(decideModelAdministration(facts({ isOwner: true }), 'rename the model', '  tidy up  ')).toEqual({ ok: true, as: 'owner', reason: 'tidy up' });
  });

  it('model:write alone (an engineer who does not own it, an ingest token) is refused', () => {
    expect(decideModelAdministration(facts({ hasApproveScope: false, isOwner: true }), 'rename the model')).toMatchObject({ ok: false, code: 'FORBIDDEN', rule: 'SCOPE_MISSING' });
    expect(decideModelAdministration(facts(), 'rename the model')).toMatchObject({
      ok: false,
      code: 'NOT_OWNER',
      rule: 'NOT_OWNER',
      message: 'only an owner of model churn (or an admin, with a reason) may rename the model',
    });
  });

  it('an admin who does not own the model needs a written reason of 10+ characters', () => {
    expect(decideModelAdministration(facts({ isAdmin: true }), 'delete the model')).toMatchObject({ ok: false, rule: 'ADMIN_REASON_REQUIRED', details: { field: 'reason' } });
    expect(decideModelAdministration(facts({ isAdmin: true }), 'delete the model', ' too short ')).toMatchObject({ ok: false, rule: 'ADMIN_REASON_REQUIRED' });
    expect(decideModelAdministration(facts({ isAdmin: true }), 'delete the model', 'GDPR erasure request #4411')).toEqual({ ok: true, as: 'admin', reason: 'GDPR erasure request #4411' });
    // An admin who owns the model acts as an owner.
    expect(decideModelAdministration(facts({ isAdmin: true, isOwner: true }), 'delete the model')).toEqual({ ok: true, as: 'owner', reason: null });
  });
});

describe('decideRename', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const idle = { productionVersions: [], activeDeployment: null, lastTrafficAt: null };

  it('a model nothing serves may be renamed, also after old traffic', () => {
    expect(decideRename(idle, 'churn', now)).toEqual({ ok: true });
    expect(decideRename({ ...idle, lastTrafficAt: new Date(now.getTime() - RECENT_TRAFFIC_MS) }, 'churn', now)).toEqual({ ok: true });
  });

  it('a production version, a running deployment or recent traffic refuse it with 409 naming each', () => {
    expect(decideRename({ ...idle, productionVersions: [3] }, 'churn', now)).toMatchObject({ ok: false, code: 'CONFLICT', rule: 'MODEL_SERVED', message: expect.stringContaining('version 3 in production') });
    expect(decideRename({ ...idle, activeDeployment: { id: 'd-1', status: 'running' } }, 'churn', now)).toMatchObject({ ok: false, message: expect.stringContaining('a running deployment (d-1)'), details: { deploymentId: 'd-1' } });
    const traffic = new Date(now.getTime() - 60_000);
    expect(decideRename({ ...idle, lastTrafficAt: traffic }, 'churn', now)).toMatchObject({ ok: false, details: { lastTrafficAt: traffic.toISOString() } });
  });
});

describe('webhook visibility and global webhooks', () => {
  it('owners with model:approve and admins see URLs and secrets; others do not', () => {
    expect(maySeeWebhookDetails({ hasApproveScope: true, isOwner: true, isAdmin: false }, false)).toBe(true);
    expect(maySeeWebhookDetails({ hasApproveScope: false, isOwner: true, isAdmin: false }, false)).toBe(false); // a worker token of an owner
    expect(maySeeWebhookDetails({ hasApproveScope: true, isOwner: false, isAdmin: false }, false)).toBe(false); // another engineer
    expect(maySeeWebhookDetails({ hasApproveScope: true, isOwner: true, isAdmin: false }, true)).toBe(false); // global: admins only
    expect(maySeeWebhookDetails({ hasApproveScope: true, isOwner: false, isAdmin: true }, true)).toBe(true);
  });
  it('global webhooks are administered by admins only', () => {
    expect(decideGlobalWebhookAdministration(true, 'add a webhook')).toEqual({ ok: true, as: 'admin', reason: null });
    expect(decideGlobalWebhookAdministration(false, 'add a webhook')).toMatchObject({ ok: false, code: 'FORBIDDEN', rule: 'ADMIN_ONLY', message: 'only an admin may add a webhook for every model' });
  });
});
