import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZPredictionLogBatch, type TPredictionLogRecord } from '../server/contracts/worker-prediction-log';
import { ZWorkerReport, type TWorkerReport } from '../server/contracts/worker-report';
import { sendRaw } from '../server/testing/fuzz/send-raw';
import { desiredVersion, metricValue, model, postJson, spawnWorkerProcess, state, tempDir, waitFor, type TWorkerChild } from './testing/harness';

// `npm run worker` as a real process against a fake control plane speaking the worker API over HTTP.
const m = model(41);
const logs: TPredictionLogRecord[] = [];
const reports: TWorkerReport[] = [];
let cp: Server;
let cpUrl = '';
let w: TWorkerChild;
let workerUrl = '';
const dataDir = tempDir('worker-process');

beforeAll(async () => {
  const desired = state('rev-1', 'churn', [desiredVersion(1, m, 10_000)]);
  cp = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      if (req.headers.authorization !== 'Bearer worker-token') return void res.writeHead(401).end();
      if (url.pathname === '/api/worker/v1/desired-state' && url.searchParams.get('models') === 'churn@production') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(desired));
      }
      if (url.pathname === '/api/worker/v1/models/churn/versions/1/artifact') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return void res.end(m.bytes);
      }
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : null;
      if (url.pathname === '/api/worker/v1/prediction-logs') logs.push(...ZPredictionLogBatch.parse(body).records);
      else if (url.pathname === '/api/worker/v1/heartbeat') reports.push(ZWorkerReport.parse(body));
      else return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true,"accepted":0}');
    });
  });
  await new Promise<void>((r) => cp.listen(0, '127.0.0.1', r));
  cpUrl = `http://127.0.0.1:${(cp.address() as AddressInfo).port}`;
  w = await spawnWorkerProcess({
    BALLAST_CONTROL_PLANE_URL: cpUrl,
    BALLAST_WORKER_TOKEN: 'worker-token',
    BALLAST_WORKER_MODELS: 'churn@production',
    BALLAST_WORKER_DATA_DIR: dataDir,
    BALLAST_WORKER_BATCH_WINDOW_MS: '3000', // requests sit in the queue when SIGTERM arrives
    BALLAST_WORKER_REQUEST_DEADLINE_MS: '20000',
    BALLAST_WORKER_LOG_FLUSH_MS: '600000', // so only the shutdown flush can ship the log
    BALLAST_WORKER_REPORT_INTERVAL_MS: '200',
    BALLAST_WORKER_DRAIN_S: '2',
  });
  workerUrl = w.url;
  await waitFor(async () => ((await (await fetch(`${workerUrl}/health`)).json()) as { status: string }).status === 'ok', 'the model to load', 40_000);
});

afterAll(async () => {
  if (w && w.child.exitCode === null) w.child.kill('SIGKILL');
  cp.closeAllConnections();
  await new Promise((r) => cp.close(r));
});

describe('worker process', () => {
  it('loads the model from the control plane, reports, and persists the desired state', async () => {
    await waitFor(() => reports.some((r) => r.versions.some((v) => v.state === 'ready')), 'a heartbeat with a ready version');
    expect(w.output()).toMatch(/execution provider: CPU/);
    await waitFor(() => existsSync(path.join(dataDir, 'desired-state.json')), 'the persisted desired state');
    expect(existsSync(path.join(dataDir, 'models', `${desiredVersion(1, m, 1).sha256}.onnx`))).toBe(true);
  });

  it('a second worker on the same data directory refuses to start, naming the first', async () => {
    const second = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts')], {
      env: { ...process.env, BALLAST_CONTROL_PLANE_URL: cpUrl, BALLAST_WORKER_TOKEN: 'worker-token', BALLAST_WORKER_MODELS: 'churn@production', BALLAST_WORKER_PORT: '0', BALLAST_WORKER_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    second.stderr!.on('data', (d: Buffer) => (said += d.toString()));
    const code = await new Promise<number | null>((r) => second.once('exit', r));
    expect(code).toBe(1);
    expect(said).toContain(`another worker (pid ${w.child.pid}) uses the data directory ${dataDir}: give each worker its own BALLAST_WORKER_DATA_DIR`);
  });

  it('on SIGTERM turns unready at once, keeps accepting and answering through the grace period, then drains, flushes the log and exits 0', async () => {
    const row = (i: number) => Array.from({ length: 8 }, (_, j) => i + j / 10);
    expect((await fetch(`${workerUrl}/v2/health/ready`)).status).toBe(200);
    const inFlight = Array.from({ length: 20 }, (_, i) => postJson(`${workerUrl}/predict`, { model: 'churn', inputs: [row(i)] }));
    // All 20 queued (inside the 3 s batch window), none answered yet: SIGTERM finds them in flight.
    await waitFor(async () => metricValue(await (await fetch(`${workerUrl}/metrics`)).text(), 'ballast_worker_queue_depth_rows') === 20, '20 queued rows');
    const exited = new Promise<number | null>((r) => w.child.once('exit', r));
    w.child.kill('SIGTERM');
    await waitFor(async () => (await sendRaw(workerUrl, { method: 'GET', path: '/v2/health/ready' })).status === 400, 'readiness to turn false');
    const health = JSON.parse((await sendRaw(workerUrl, { method: 'GET', path: '/health' })).body) as { status: string; ready: boolean };
    expect(health).toMatchObject({ status: 'draining', ready: false });
    // A new connection after readiness turned false is still accepted and answered.
    const late = sendRaw(workerUrl, { method: 'POST', path: '/predict', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ model: 'churn', inputs: [row(99)] })) });
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.status)).toEqual(new Array(20).fill(200));
    const lateAnswer = await late;
    expect(lateAnswer.status).toBe(200);
    expect(await exited).toBe(0);
    const ids = new Set([...answers.map((a) => a.json.request_id), (JSON.parse(lateAnswer.body) as { request_id: string }).request_id]);
    expect(new Set(logs.map((l) => l.request_id))).toEqual(ids);
    expect(w.output()).toMatch(/SIGTERM: readiness off; answering requests for 2 s before draining/);
    expect(w.output()).toMatch(/SIGTERM: draining in-flight requests/);
    // The claim on the data directory goes with it.
    expect(existsSync(path.join(dataDir, 'worker.pid'))).toBe(false);
  });
});
