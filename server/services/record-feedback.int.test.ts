import { beforeAll, describe, expect, it } from 'vitest';
import { POST as feedbackPost } from '@/app/api/v1/feedback/route';
import { GET as metricsGet } from '@/app/api/metrics/route';
import { makeToken, testDb } from '../testing/fixtures';
import { insertPredictionLogs, makeDeployment, makeMonitoredModel } from '../testing/monitoring-fixtures';

const BASE = 'http://localhost:3000';
const post = (body: unknown, headers: Record<string, string>) =>
  feedbackPost(new Request(`${BASE}/api/v1/feedback`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }));

let bearer: Record<string, string>;
let fixture: Awaited<ReturnType<typeof makeMonitoredModel>>;
let deploymentId: string;

async function unknownCounter(): Promise<number> {
  const text = await (await metricsGet(new Request(`${BASE}/api/metrics`, { headers: bearer }))).text();
  return Number(/^ballast_feedback_unknown_request_total (\d+)$/m.exec(text)![1]);
}

beforeAll(async () => {
  ({ bearer } = await makeToken('engineer', ['ingest']));
  const db = testDb().db;
  fixture = await makeMonitoredModel(db);
  const [a, b] = fixture.versions;
  deploymentId = (await makeDeployment(db, fixture.model.id, { stableVersionId: a!.id, candidateVersionId: b!.id, outcomeKind: 'binary' })).id;
  const t = Date.now() - 60_000;
  await insertPredictionLogs(db, [
    { ts: new Date(t), requestId: 'req-a1', routingKey: 'user-1', modelVersionId: a!.id, variant: 'a', prediction: 0.4 },
    { ts: new Date(t + 1000), requestId: 'req-b1', routingKey: 'user-2', modelVersionId: b!.id, variant: 'b', prediction: 0.7 },
    { ts: new Date(t + 2000), requestId: 'req-b2', routingKey: 'user-2', modelVersionId: b!.id, variant: 'b', prediction: 0.8 },
  ]);
});

describe('POST /api/v1/feedback', () => {
  it('records an outcome by request id, tied to the version, variant and deployment', async () => {
    const res = await post({ request_id: 'req-a1', outcome: { kind: 'binary', converted: true } }, bearer);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.results).toEqual([
      { request_id: 'req-a1', routing_key: 'user-1', status: 'recorded', model: fixture.model.name, version: 1, variant: 'a', deployment_id: deploymentId },
    ]);
    const row = await testDb().db.feedback.findUniqueOrThrow({ where: { requestId: 'req-a1' } });
    expect(row).toMatchObject({ modelVersionId: fixture.versions[0]!.id, deploymentId, variant: 'a', kind: 'binary', value: 1 });
  });

  it('is idempotent: the same feedback twice answers 200 and changes nothing', async () => {
    const before = await testDb().db.feedback.findMany({ orderBy: { id: 'asc' } });
    const res = await post({ request_id: 'req-a1', outcome: { kind: 'binary', converted: false } }, bearer);
    expect(res.status).toBe(200);
    expect((await res.json()).results[0].status).toBe('duplicate');
    expect(await testDb().db.feedback.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
  });

  it('resolves a routing key to the latest prediction served for it', async () => {
    const res = await post({ routing_key: 'user-2', outcome: { kind: 'binary', converted: false } }, bearer);
    expect(res.status).toBe(200);
    expect((await res.json()).results[0]).toMatchObject({ request_id: 'req-b2', status: 'recorded', version: 2, variant: 'b' });
    const again = await post({ routing_key: 'user-2', outcome: { kind: 'binary', converted: false } }, bearer);
    expect((await again.json()).results[0].status).toBe('duplicate');
  });

  it('answers 404 for an unknown request id, counts it in /api/metrics, and writes nothing', async () => {
    const counted = await unknownCounter();
    const rows = await testDb().db.feedback.count();
    const res = await post({ request_id: 'no-such-request', outcome: { kind: 'binary', converted: true } }, bearer);
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toMatch(/no-such-request/);
    expect(await testDb().db.feedback.count()).toBe(rows);
    expect(await unknownCounter()).toBe(counted + 1);
  });

  it('takes a batch: each item gets its status, an unknown one is reported and counted, not fatal', async () => {
    const counted = await unknownCounter();
    const res = await post(
      {
        items: [
          { request_id: 'req-b1', outcome: { kind: 'binary', converted: true } },
          { request_id: 'missing-1', outcome: { kind: 'binary', converted: true } },
          { request_id: 'req-a1', outcome: { kind: 'binary', converted: true } },
        ],
      },
      bearer,
    );
    expect(res.status).toBe(200);
    expect((await res.json()).results.map((r: { status: string }) => r.status)).toEqual(['recorded', 'unknown_request', 'duplicate']);
    expect(await unknownCounter()).toBe(counted + 1);
  });

  it('refuses an outcome kind the A/B test does not record (400), and bodies without a reference', async () => {
    const logs = [{ ts: new Date(Date.now() - 1000), requestId: 'req-a9', modelVersionId: fixture.versions[0]!.id, variant: 'a', prediction: 0.1 }];
    await insertPredictionLogs(testDb().db, logs);
    const wrongKind = await post({ request_id: 'req-a9', outcome: { kind: 'continuous', value: 3.5 } }, bearer);
    expect(wrongKind.status).toBe(400);
    expect((await wrongKind.json()).error.message).toMatch(/binary/);
    const noRef = await post({ outcome: { kind: 'binary', converted: true } }, bearer);
    expect(noRef.status).toBe(400);
    expect((await noRef.json()).error.message).toMatch(/request_id or routing_key/);
  });

  it('needs feedback:write: a worker token gets 403', async () => {
    const { bearer: worker } = await makeToken('admin', ['worker']);
    const res = await post({ request_id: 'req-a1', outcome: { kind: 'binary', converted: true } }, worker);
    expect(res.status).toBe(403);
  });
});
