/*
 * Test-only: what the demo talks to, in one process: the App Router route handlers it uses
 * (tRPC, the MLflow REST API and artifact uploads, benchmarks, the worker API) behind node:http on
 * the test file's own database, and a real inference worker (ONNX Runtime) wired as
 * inference-worker/main.ts wires it, following what npm start's demo worker follows; and
 * the integration set-up gives each test file its own BALLAST_ARTIFACT_ROOT.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as artifactRoute from '@/app/api/2.0/mlflow-artifacts/artifacts/[[...path]]/route';
import * as mlflowRoute from '@/app/api/2.0/mlflow/[...path]/route';
import * as trpcRoute from '@/app/api/trpc/[trpc]/route';
import * as benchmarksRoute from '@/app/api/v1/models/[name]/versions/[version]/benchmarks/route';
import * as desiredStateRoute from '@/app/api/worker/v1/desired-state/route';
import * as heartbeatRoute from '@/app/api/worker/v1/heartbeat/route';
import * as workerArtifactRoute from '@/app/api/worker/v1/models/[name]/versions/[version]/artifact/route';
import * as logsRoute from '@/app/api/worker/v1/prediction-logs/route';
import { BenchmarkRunner } from '@/inference-worker/benchmark';
import { startDesiredStatePoller, startReporter, type ControlPlaneOptions } from '@/inference-worker/control-plane';
import { ControlPlaneModelSource, DiskCachedSource } from '@/inference-worker/model-source';
import { controlPlaneShipper } from '@/inference-worker/prediction-log';
import { tempDir, testConfig } from '@/inference-worker/testing/harness';
import { createWorker, type Worker } from '@/inference-worker/worker';
import { testDb } from '@/server/testing/fixtures';
import { startRouteServer, type TRouteServer } from '@/server/testing/route-server';
import { ensureLocalWorkerToken } from '../lib/worker-process';
import { ensureDemoPeople, type TDemoPeople } from './demo-people';
import { DEMO_WORKER_REF } from './demo-workspace';

export interface TDemoTestServer {
  server: TRouteServer;
  worker: Worker;
  workerUrl: string;
  people: TDemoPeople;
  close(): Promise<void>;
}

export async function startDemoTestServer(): Promise<TDemoTestServer> {
  const db = testDb().db;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ballast-demo-data-'));
  const people = await ensureDemoPeople(db, dataDir);
  const workerToken = (await ensureLocalWorkerToken(db, dataDir))!;
  const server = await startRouteServer({
    '/api/trpc/[trpc]': trpcRoute,
    '/api/2.0/mlflow/[...path]': mlflowRoute,
    '/api/2.0/mlflow-artifacts/artifacts/[...path]': artifactRoute,
    '/api/v1/models/[name]/versions/[version]/benchmarks': benchmarksRoute,
    '/api/worker/v1/desired-state': desiredStateRoute,
    '/api/worker/v1/heartbeat': heartbeatRoute,
    '/api/worker/v1/prediction-logs': logsRoute,
    '/api/worker/v1/models/[name]/versions/[version]/artifact': workerArtifactRoute,
  });
  const cp: ControlPlaneOptions = { baseUrl: server.url, token: workerToken, refs: [DEMO_WORKER_REF], stateFile: path.join(tempDir('state'), 'desired-state.json'), log: () => undefined };
  const source = new DiskCachedSource(new ControlPlaneModelSource(server.url, workerToken), tempDir('models'));
  const worker = createWorker(testConfig({ maxBatchSize: 16 }), { source, ship: controlPlaneShipper(server.url, workerToken, 'demo-test-worker'), log: () => undefined });
  cp.benchmarks = new BenchmarkRunner({ worker, source, baseUrl: server.url, token: workerToken, maxBatchSize: 16, intraOpThreads: 1, log: () => undefined });
  const workerUrl = `http://127.0.0.1:${await worker.listen(0, '127.0.0.1')}`;
  const stops = [startDesiredStatePoller(worker, cp, 200).stop, startReporter(worker, cp, 'demo-test-worker', 500).stop];
  return {
    server,
    worker,
    workerUrl,
    people,
    async close() {
      stops.forEach((s) => s());
      await worker.shutdown();
      await server.close();
    },
  };
}
