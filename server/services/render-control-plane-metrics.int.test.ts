import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as metricsGet } from '@/app/api/metrics/route';
import { makeToken, testDb } from '../testing/fixtures';
import { makeDeployment, makeMonitoredModel } from '../testing/monitoring-fixtures';
import { raiseAlert } from '../records/raise-alert';

const get = (headers: Record<string, string> = {}) => metricsGet(new Request('http://localhost:3000/api/metrics', { headers }));

beforeAll(async () => {
  const db = testDb().db;
  const { model, versions } = await makeMonitoredModel(db);
  await makeDeployment(db, model.id, { stableVersionId: versions[0]!.id, candidateVersionId: versions[1]!.id, strategy: 'canary', candidateWeight: 500 });
  await db.$transaction((tx) => raiseAlert(tx, new Date(), { kind: 'drift', severity: 'warning', model, modelVersionId: versions[1]!.id, title: 't', message: 'm', dedupeKey: 'x' }));
  await db.driftWindow.create({
    data: { modelVersionId: versions[1]!.id, feature: 'f"odd\\name', windowS: 300, windowStart: new Date(Date.now() - 600_000), count: 100, mean: 2.5, meanShift: 2.5, psi: 0.31, ks: 0.4, liveCounts: [1, 2, 97] },
  });
  await db.worker.create({ data: { id: 'w-live', lastHeartbeatAt: new Date() } });
  await db.worker.create({ data: { id: 'w-gone', lastHeartbeatAt: new Date(Date.now() - 3_600_000) } });
});

describe('GET /api/metrics', () => {
  it('needs a token with monitoring:read (unless BALLAST_METRICS_PUBLIC=on)', async () => {
    expect((await get()).status).toBe(401);
    const { bearer: worker } = await makeToken('admin', ['worker']);
    expect((await get(worker)).status).toBe(403);
    // The read-only grant made for Prometheus.
    const { bearer: metrics } = await makeToken('viewer', ['metrics']);
    expect((await get(metrics)).status).toBe(200);
  });

  it('exposes alerts, drift, feedback, deployments and workers in a format promtool accepts', async () => {
    const { bearer } = await makeToken('engineer', ['ingest']);
    const res = await get(bearer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    // promtool exits non-zero and names the problem on any lint or parse error.
    execFileSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
    expect(text).toContain('ballast_alerts_open{kind="drift",severity="warning"} 1');
    expect(text).toContain('ballast_alerts_open{kind="latency",severity="critical"} 0');
    expect(text).toMatch(/^ballast_drift_mean_shift\{model="mon-[^"]+",version="2",feature="f\\"odd\\\\name",window="5m"\} 2\.5$/m);
    expect(text).toMatch(/^ballast_drift_psi\{.*\} 0\.31$/m);
    expect(text).toMatch(/^ballast_feedback_unknown_request_total 0$/m);
    expect(text).toContain('ballast_deployments{status="running",strategy="canary"} 1');
    expect(text).toMatch(/^ballast_workers_live 1$/m);
    expect(text).toMatch(/^ballast_workers_known 2$/m);
  });
});
