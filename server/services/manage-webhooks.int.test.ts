import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scopesOfTokenGrants } from '../auth/permissions';
import type { TPrincipal } from '../auth/principal';
import { verifyWebhookSignature } from '../domain/webhook-signature';
import { callerAs } from '../testing/deployment-fixtures';
import { ctxAs, makeUser, testDb } from '../testing/fixtures';
import { createRegisteredModel } from './create-registered-model';
import { deliverDueWebhooks } from './deliver-webhooks';
import { createWebhook } from './manage-webhooks';
import type { TResolveHost } from './webhook-destination-guard';

/*
 * Webhooks are safe (no internal destination at creation or at delivery, DNS rebinding included,
 * no redirects) and manageable (disable, enable, delete, test, redeliver; audited; URLs and
 * secrets for owners and admins only). Every receiver listens on loopback; names other than
 * localhost are answered by a resolver given to the service, so no test ever asks a DNS server
 * or connects outside 127.0.0.1 / ::1.
 */

type Person = Awaited<ReturnType<typeof makeUser>>;
type Received = { path: string; headers: IncomingMessage['headers']; body: string };

function receiver(host: string, answer: (req: IncomingMessage) => { status: number; headers?: Record<string, string> } = () => ({ status: 204 })) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const a = answer(req);
      res.writeHead(a.status, a.headers).end();
    });
  });
  const ready = new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
  return { received, ready, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const v4 = receiver('127.0.0.1');
const v6 = receiver('::1');
const redirecting = receiver('127.0.0.1', () => ({ status: 302, headers: { location: '/elsewhere' } }));
let port4: number;
let port6: number;
let portRedirect: number;
let owner: Person;
let outsider: Person;
let viewer: Person;
let admin: Person;
let seq = 0;

const ENV_KEYS = ['BALLAST_WEBHOOK_ALLOW_HTTP', 'BALLAST_WEBHOOK_ALLOW_HOSTS'] as const;
const setEnv = (allowHttp: 'on' | 'off', allowHosts = '') => {
  process.env.BALLAST_WEBHOOK_ALLOW_HTTP = allowHttp;
  process.env.BALLAST_WEBHOOK_ALLOW_HOSTS = allowHosts;
};
const db = () => testDb().db;
/** A resolver for test names: each answers what the map says, like a DNS server would. */
const resolverOf = (answers: Record<string, string[]>): TResolveHost => async (host) => {
  const found = answers[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};

async function newModel() {
  const name = `hooks-${Date.now().toString(36)}-${seq++}`;
  await createRegisteredModel(ctxAs(owner.principal), { name });
  return (await db().registeredModel.findUniqueOrThrow({ where: { name } })) as { id: string; name: string };
}

/** A webhook row written directly, as one that predates the rules (or was allowed then) would be. */
async function insertHook(modelId: string, url: string) {
  const hook = await db().webhook.create({ data: { modelId, url, secret: 'whsec_test_secret_0123456789', events: ['version.created'] } });
  const delivery = await db().webhookDelivery.create({ data: { webhookId: hook.id, event: 'version.created', payload: { id: 'p', event: 'version.created', model: 'x', data: {} } } });
  return { hook, delivery };
}

beforeAll(async () => {
  [port4, port6, portRedirect] = await Promise.all([v4.ready, v6.ready, redirecting.ready]);
  [owner, outsider, viewer, admin] = await Promise.all([makeUser('engineer'), makeUser('engineer'), makeUser('viewer'), makeUser('admin')]);
});
afterEach(() => ENV_KEYS.forEach((k) => delete process.env[k]));
afterAll(async () => {
  await Promise.all([v4.close(), v6.close(), redirecting.close()]);
});

describe('webhook destinations at creation', () => {
  it('127.0.0.1, [::1], localhost, metadata and private addresses are refused with 400 naming the url and the range', async () => {
    setEnv('on');
    const model = await newModel();
    const create = (url: string) => callerAs(owner.principal).webhooks.create({ modelName: model.name, url });
    const cases: [string, RegExp][] = [
      [`http://127.0.0.1:${port4}/hook`, /url: 127\.0\.0\.1 is in a refused range \(loopback/],
      [`http://[::1]:${port6}/hook`, /url: ::1 is in a refused range \(loopback/],
      [`http://localhost:${port4}/hook`, /url: localhost is the loopback/],
      ['http://169.254.169.254/latest/meta-data/', /\(metadata/],
      ['http://[fd00:ec2::254]/', /\(metadata/],
      ['http://127.0.0.1:3000/api/metrics', /\(loopback/],
      ['http://[::ffff:127.0.0.1]/', /\(loopback/],
      ['http://2130706433/', /\(loopback/],
      ['http://10.1.2.3/', /\(private/],
      ['http://192.168.0.10/', /\(private/],
      ['http://172.20.0.1/', /\(private/],
      ['http://100.64.0.1/', /\(shared-address-space/],
      ['http://[fe80::1]/', /\(link-local/],
      ['http://[fc00::1]/', /\(unique-local/],
      ['http://0.0.0.0/', /\(unspecified/],
    ];
    for (const [url, message] of cases) {
      await expect(create(url), url).rejects.toMatchObject({ code: 'BAD_REQUEST', message });
    }
    await expect(create(`https://hooks.example.com/${'a'.repeat(20_000)}`)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /url: must be at most 2048 characters/ });
    expect(await db().webhook.count({ where: { modelId: model.id } })).toBe(0);
  });

  it('http:// only with BALLAST_WEBHOOK_ALLOW_HTTP=on; https:// names must resolve to public addresses only', async () => {
    const model = await newModel();
    const ctx = ctxAs(owner.principal);
    setEnv('off');
    await expect(createWebhook(ctx, { modelName: model.name, url: 'http://hooks.example.com/x' }, resolverOf({ 'hooks.example.com': ['93.184.216.34'] }))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: /must be an https:\/\/ URL/,
    });
    const resolve = resolverOf({ 'hooks.example.com': ['93.184.216.34'], 'internal.example.com': ['10.0.0.7'], 'mixed.example.com': ['93.184.216.34', '169.254.169.254'], 'mapped.example.com': ['::ffff:127.0.0.1'] });
    await expect(createWebhook(ctx, { modelName: model.name, url: 'https://internal.example.com/x' }, resolve)).rejects.toMatchObject({ message: /internal\.example\.com resolves to 10\.0\.0\.7, which is in a refused range \(private/ });
    await expect(createWebhook(ctx, { modelName: model.name, url: 'https://mixed.example.com/x' }, resolve)).rejects.toMatchObject({ message: /169\.254\.169\.254.*metadata/ });
    await expect(createWebhook(ctx, { modelName: model.name, url: 'https://mapped.example.com/x' }, resolve)).rejects.toMatchObject({ message: /loopback/ });
    await expect(createWebhook(ctx, { modelName: model.name, url: 'https://nowhere.example.com/x' }, resolve)).rejects.toMatchObject({ message: /nowhere\.example\.com does not resolve \(ENOTFOUND\)/ });
    const ok = await createWebhook(ctx, { modelName: model.name, url: 'https://hooks.example.com/x' }, resolve);
    expect(ok).toMatchObject({ url: 'https://hooks.example.com/x', active: true, secret: expect.stringMatching(/^whsec_/) });
  });
});

describe('webhook destinations at delivery', () => {
  it('rows to 127.0.0.1, [::1] and localhost are refused at delivery: nothing reaches the receivers, the delivery fails at once', async () => {
    const model = await newModel();
    setEnv('on');
    const rows = await Promise.all([insertHook(model.id, `http://127.0.0.1:${port4}/a`), insertHook(model.id, `http://[::1]:${port6}/b`), insertHook(model.id, `http://localhost:${port4}/c`)]);
    const before = v4.received.length + v6.received.length;
    expect(await deliverDueWebhooks({ db: db() })).toEqual({ sent: 0, failed: 3 });
    expect(v4.received.length + v6.received.length).toBe(before);
    for (const { delivery } of rows) {
      const row = await db().webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
      expect(row).toMatchObject({ status: 'failed', attempts: 1, responseCode: null, lastError: expect.stringMatching(/^destination refused: url: .*loopback/) });
    }
  });

  it('a webhook allowed at creation is refused at delivery once its host leaves the allow list (the env flipped)', async () => {
    const model = await newModel();
    setEnv('on', '127.0.0.1');
    const hook = await callerAs(owner.principal).webhooks.create({ modelName: model.name, url: `http://127.0.0.1:${port4}/flip`, events: ['version.created'] });
    await db().webhookDelivery.create({ data: { webhookId: hook.id, event: 'version.created', payload: { id: 'p' } } });
    setEnv('on', '');
    expect(await deliverDueWebhooks({ db: db() })).toEqual({ sent: 0, failed: 1 });
    expect(v4.received.filter((r) => r.path === '/flip')).toHaveLength(0);
  });

  it('DNS rebinding: a name public at creation and loopback at delivery is refused inside the connection, before a byte is sent', async () => {
    const model = await newModel();
    setEnv('on');
    const host = 'rebind.example.com';
    await createWebhook(ctxAs(owner.principal), { modelName: model.name, url: `http://${host}:${port4}/rebind`, events: ['version.created'] }, resolverOf({ [host]: ['93.184.216.34'] }));
    const hook = await db().webhook.findFirstOrThrow({ where: { modelId: model.id } });
    await db().webhookDelivery.create({ data: { webhookId: hook.id, event: 'version.created', payload: { id: 'p' } } });
    expect(await deliverDueWebhooks({ db: db(), resolve: resolverOf({ [host]: ['127.0.0.1'] }) })).toEqual({ sent: 0, failed: 1 });
    expect(v4.received.filter((r) => r.path === '/rebind')).toHaveLength(0);
    expect(await db().webhookDelivery.findFirstOrThrow({ where: { webhookId: hook.id } })).toMatchObject({ status: 'failed', lastError: `destination refused: url: ${host} resolves to 127.0.0.1, which is in a refused range (loopback; not a public address; list the host in BALLAST_WEBHOOK_ALLOW_HOSTS to allow it)` });

    // The same name on the allow list: the connection goes to the address the lookup answered.
    setEnv('on', host);
    const again = await db().webhookDelivery.create({ data: { webhookId: hook.id, event: 'version.created', payload: { id: 'p2' } } });
    expect(await deliverDueWebhooks({ db: db(), resolve: resolverOf({ [host]: ['127.0.0.1'] }) })).toEqual({ sent: 1, failed: 0 });
    const got = v4.received.filter((r) => r.path === '/rebind');
    expect(got).toHaveLength(1);
    expect(got[0]!.headers.host).toBe(`${host}:${port4}`);
    expect(got[0]!.headers['x-ballast-delivery']).toBe(String(again.id));
  });

  it('a loopback receiver in BALLAST_WEBHOOK_ALLOW_HOSTS gets signed deliveries, as before', async () => {
    const model = await newModel();
    setEnv('on', '127.0.0.1, ::1');
    const hook = await callerAs(owner.principal).webhooks.create({ modelName: model.name, url: `http://127.0.0.1:${port4}/signed`, events: ['version.created'] });
    const hook6 = await callerAs(owner.principal).webhooks.create({ modelName: model.name, url: `http://[::1]:${port6}/signed6`, events: ['version.created'] });
    const test = await callerAs(owner.principal).webhooks.sendTest({ id: hook.id });
    await callerAs(owner.principal).webhooks.sendTest({ id: hook6.id });
    expect(await deliverDueWebhooks({ db: db() })).toEqual({ sent: 2, failed: 0 });
    const [r] = v4.received.filter((x) => x.path === '/signed');
    const ts = Number(r!.headers['x-ballast-timestamp']);
    expect(verifyWebhookSignature(hook.secret, ts, r!.body, String(r!.headers['x-ballast-signature']), ts * 1000)).toBe(true);
    expect(verifyWebhookSignature(hook6.secret, ts, r!.body, String(r!.headers['x-ballast-signature']), ts * 1000)).toBe(false);
    expect(r!.headers['x-ballast-event']).toBe('webhook.test');
    expect(r!.headers['x-ballast-delivery']).toBe(test.deliveryId);
    expect(JSON.parse(r!.body)).toMatchObject({ event: 'webhook.test', model: model.name, data: { test: true, requestedBy: owner.email } });
    expect(v6.received.filter((x) => x.path === '/signed6')).toHaveLength(1);
  });

  it('redirects are not followed: a 302 is a failed attempt with its code', async () => {
    const model = await newModel();
    setEnv('on', '127.0.0.1');
    const hook = await callerAs(owner.principal).webhooks.create({ modelName: model.name, url: `http://127.0.0.1:${portRedirect}/moved`, events: ['version.created'] });
    await callerAs(owner.principal).webhooks.sendTest({ id: hook.id });
    expect(await deliverDueWebhooks({ db: db() })).toEqual({ sent: 0, failed: 0 });
    const [delivery] = await callerAs(owner.principal).webhooks.deliveries({ webhookId: hook.id });
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, responseCode: 302, lastError: 'receiver answered HTTP 302 (redirects are not followed)' });
    expect(redirecting.received.map((r) => r.path)).toEqual(['/moved']);
  });
});

describe('managing webhooks', () => {
  it('disable holds deliveries, enable sends them; redeliver a failed one; delete; each audited', async () => {
    const model = await newModel();
    setEnv('on', '127.0.0.1');
    const me = callerAs(owner.principal);
    const hook = await me.webhooks.create({ modelName: model.name, url: `http://127.0.0.1:${port4}/managed`, events: ['version.created'] });
    const got = () => v4.received.filter((r) => r.path === '/managed').length;

    expect(await me.webhooks.setActive({ id: hook.id, active: false })).toEqual({ id: hook.id, active: false });
    await expect(me.webhooks.sendTest({ id: hook.id })).rejects.toMatchObject({ code: 'CONFLICT', message: /is disabled: enable it/ });
    await db().webhookDelivery.create({ data: { webhookId: hook.id, event: 'version.created', payload: { id: 'held' } } });
    expect(await deliverDueWebhooks({ db: db() })).toEqual({ sent: 0, failed: 0 });
    expect(got()).toBe(0);
    await me.webhooks.setActive({ id: hook.id, active: true });
    expect(await deliverDueWebhooks({ db: db() })).toEqual({ sent: 1, failed: 0 });
    expect(got()).toBe(1);

    // A failed delivery (the receiver was unreachable, all tries spent) is sent again as a new delivery with the same payload.
    const failed = await db().webhookDelivery.create({ data: { webhookId: hook.id, event: 'version.created', payload: { id: 'lost-one' }, status: 'failed', attempts: 8, lastError: 'Error: connect ECONNREFUSED' } });
    const succeeded = (await me.webhooks.deliveries({ webhookId: hook.id })).find((d) => d.status === 'succeeded')!;
    await expect(me.webhooks.redeliver({ deliveryId: succeeded.id })).rejects.toMatchObject({ code: 'CONFLICT', message: /is succeeded: only a failed delivery is redelivered/ });
    await expect(me.webhooks.redeliver({ deliveryId: '999999999' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const re = await me.webhooks.redeliver({ deliveryId: String(failed.id) });
    expect(re).toMatchObject({ of: String(failed.id), event: 'version.created' });
    expect(await deliverDueWebhooks({ db: db() })).toEqual({ sent: 1, failed: 0 });
    const redelivered = v4.received.filter((r) => r.path === '/managed').at(-1)!;
    expect(JSON.parse(redelivered.body)).toEqual({ id: 'lost-one' });
    expect(redelivered.headers['x-ballast-delivery']).toBe(re.deliveryId);
    const log = await me.webhooks.deliveries({ webhookId: hook.id });
    expect(log.find((d) => d.id === String(failed.id))).toMatchObject({ status: 'failed', attempts: 8 });
    expect(log.find((d) => d.id === re.deliveryId)).toMatchObject({ status: 'succeeded', responseCode: 204 });

    await me.webhooks.delete({ id: hook.id });
    expect(await db().webhook.findUnique({ where: { id: hook.id } })).toBeNull();
    await expect(me.webhooks.delete({ id: hook.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const audit = await db().auditEvent.findMany({ where: { subjectType: 'webhook', subjectId: hook.id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['webhook.created', 'webhook.disabled', 'webhook.enabled', 'webhook.redelivered', 'webhook.deleted']);
    // The audit log (readable by every viewer) names the host, never the path or query where tokens live.
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain('/managed');
    expect(audit[0]!.after).toMatchObject({ host: `127.0.0.1:${port4}`, model: model.name });
  });

  it('only owners (and admins, with a reason) manage; global webhooks are admins only', async () => {
    const model = await newModel();
    setEnv('on', '127.0.0.1');
    const hook = await callerAs(owner.principal).webhooks.create({ modelName: model.name, url: `http://127.0.0.1:${port4}/perm?token=s3cret`, events: ['version.created'] });
    for (const attempt of [
      () => callerAs(outsider.principal).webhooks.setActive({ id: hook.id, active: false }),
      () => callerAs(outsider.principal).webhooks.delete({ id: hook.id }),
      () => callerAs(outsider.principal).webhooks.sendTest({ id: hook.id }),
      () => callerAs(outsider.principal).webhooks.create({ modelName: model.name, url: `http://127.0.0.1:${port4}/x` }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'FORBIDDEN', message: new RegExp(`only an owner of model ${model.name}`) });
    }
    await expect(callerAs(viewer.principal).webhooks.delete({ id: hook.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(admin.principal).webhooks.setActive({ id: hook.id, active: false })).rejects.toMatchObject({ code: 'FORBIDDEN', message: /only with a written reason/ });
    await callerAs(admin.principal).webhooks.setActive({ id: hook.id, active: false, reason: 'receiver decommissioned, INC-2231' });
    const disabled = await db().auditEvent.findFirstOrThrow({ where: { subjectId: hook.id, action: 'webhook.disabled' } });
    expect(disabled).toMatchObject({ reason: 'receiver decommissioned, INC-2231', actorLabel: admin.email, after: expect.objectContaining({ as: 'admin' }) });

    await expect(callerAs(owner.principal).webhooks.create({ url: `http://127.0.0.1:${port4}/all` })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'only an admin may add a webhook for every model' });
    const global = await callerAs(admin.principal).webhooks.create({ url: `http://127.0.0.1:${port4}/all?key=k`, events: ['version.created'] });
    await expect(callerAs(owner.principal).webhooks.delete({ id: global.id })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'only an admin may delete a webhook for every model' });
    await callerAs(admin.principal).webhooks.delete({ id: global.id });
  });

  it('URLs and secrets: owners and admins see them; viewers, other engineers and worker tokens see the webhook redacted and no delivery log', async () => {
    const model = await newModel();
    setEnv('on', '127.0.0.1');
    const hook = await callerAs(owner.principal).webhooks.create({ modelName: model.name, url: `http://127.0.0.1:${port4}/seen?token=s3cret`, events: ['version.created'] });
    await callerAs(owner.principal).webhooks.sendTest({ id: hook.id });
    const workerToken: TPrincipal = { kind: 'token', tokenId: 't', userId: owner.id, name: 'worker-1', grants: ['worker'], scopes: scopesOfTokenGrants(['worker']) };
    const full = { id: hook.id, url: hook.url, secretHint: expect.stringMatching(/^whsec_.{4}\.\.\.$/), canManage: true };
    expect(await callerAs(owner.principal).webhooks.list({ modelName: model.name })).toEqual([expect.objectContaining(full)]);
    expect(await callerAs(admin.principal).webhooks.list({ modelName: model.name })).toEqual([expect.objectContaining({ url: hook.url })]);
    for (const who of [viewer.principal, outsider.principal, workerToken]) {
      const seen = await callerAs(who).webhooks.list({ modelName: model.name });
      expect(seen).toEqual([expect.objectContaining({ id: hook.id, url: null, secretHint: null, canManage: false, active: true })]);
      expect(JSON.stringify(seen)).not.toContain('s3cret');
      const all = await callerAs(who).webhooks.list();
      expect(JSON.stringify(all)).not.toContain('s3cret');
      await expect(callerAs(who).webhooks.deliveries({ modelName: model.name })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(callerAs(who).webhooks.deliveries({ webhookId: hook.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      // Without a filter: only deliveries of webhooks they administer (none here).
      expect(JSON.stringify(await callerAs(who).webhooks.deliveries({}))).not.toContain('s3cret');
    }
    expect(await callerAs(owner.principal).webhooks.deliveries({ modelName: model.name })).toEqual([expect.objectContaining({ url: hook.url, event: 'webhook.test' })]);
  });
});
