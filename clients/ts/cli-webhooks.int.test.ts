import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as trpcRoute from '@/app/api/trpc/[trpc]/route';
import { createRegisteredModel } from '@/server/services/create-registered-model';
import { deliverDueWebhooks } from '@/server/services/deliver-webhooks';
import { ctxAs, makeToken, testDb } from '@/server/testing/fixtures';
import { startRouteServer, type TRouteServer } from '@/server/testing/route-server';

/* The CLI's webhook commands against the real tRPC route over HTTP; the receiver is on loopback. */

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'clients/ts/cli.ts');
let server: TRouteServer;
let receiver: Server;
let receiverUrl: string;
let adminToken: string;
let ingestToken: string;
let model: string;
const received: string[] = [];

function ballast(args: string[], token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, BALLAST_URL: server.url, BALLAST_TOKEN: token }, timeout: 25_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  process.env.BALLAST_WEBHOOK_ALLOW_HTTP = 'on';
  process.env.BALLAST_WEBHOOK_ALLOW_HOSTS = '127.0.0.1';
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(String(req.headers['x-ballast-event']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cli-hook`;
  // Tokens carry grants: only the admin grant includes model:approve, which webhook changes need.
  const admin = await makeToken('admin', ['admin']);
  adminToken = admin.token.secret;
  ingestToken = (await makeToken('engineer', ['ingest'])).token.secret;
  model = `cli-hooks-${Date.now().toString(36)}`;
  await createRegisteredModel(ctxAs(admin.user.principal), { name: model });
  server = await startRouteServer({ '/api/trpc/[trpc]': trpcRoute });
});
afterAll(async () => {
  delete process.env.BALLAST_WEBHOOK_ALLOW_HTTP;
  delete process.env.BALLAST_WEBHOOK_ALLOW_HOSTS;
  await server?.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('ballast webhooks', () => {
  it('add, test, deliveries, disable, delete; refused destinations and missing permissions exit 1 with the reason', async () => {
    const refused = await ballast(['webhooks', 'add', '--model', model, '--url', 'http://169.254.169.254/latest/meta-data/'], adminToken);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: invalid webhook: url: 169\.254\.169\.254 is in a refused range \(metadata/) });

    const added = await ballast(['webhooks', 'add', '--model', model, '--url', receiverUrl, '--event', 'version.created', '--json'], adminToken);
    expect(added.code).toBe(0);
    const hook = JSON.parse(added.stdout) as { id: string; secret: string };
    expect(hook.secret).toMatch(/^whsec_/);

    const test = await ballast(['webhooks', 'test', '--webhook', hook.id], adminToken);
    expect(test).toMatchObject({ code: 0, stdout: expect.stringMatching(/^test event queued as delivery \d+/) });
    expect(await deliverDueWebhooks({ db: testDb().db })).toEqual({ sent: 1, failed: 0 });
    expect(received).toEqual(['webhook.test']);
    const log = await ballast(['webhooks', 'deliveries', '--webhook', hook.id], adminToken);
    expect(log.stdout).toMatch(/webhook\.test succeeded attempts=1 http=204/);

    const denied = await ballast(['webhooks', 'disable', '--webhook', hook.id], ingestToken);
    expect(denied).toMatchObject({ code: 1, stderr: expect.stringMatching(/model:approve/) });
    const hidden = await ballast(['webhooks', 'list', '--model', model], ingestToken);
    expect(hidden.stdout).toContain('(url hidden');
    expect(hidden.stdout).not.toContain(receiverUrl);

    expect(await ballast(['webhooks', 'disable', '--webhook', hook.id], adminToken)).toMatchObject({ code: 0, stdout: `webhook ${hook.id} disabled\n` });
    expect((await ballast(['webhooks', 'list', '--model', model], adminToken)).stdout).toContain(`${hook.id} ${model} disabled ${receiverUrl}`);
    expect(await ballast(['webhooks', 'delete', '--webhook', hook.id], adminToken)).toMatchObject({ code: 0 });
    expect(await testDb().db.webhook.count({ where: { id: hook.id } })).toBe(0);
    expect(await ballast(['webhooks', 'frobnicate'], adminToken)).toMatchObject({ code: 2 });
  });
});
