// npm run worker: one inference worker process (issue 5). Configuration: inference-worker/env.ts.
import path from 'node:path';
import { BenchmarkRunner } from './benchmark';
import { loadPersistedState, startDesiredStatePoller, startReporter, type ControlPlaneOptions } from './control-plane';
import { claimDataDir } from './data-dir-claim';
import { workerEnv } from './env';
import { parseModelRef } from '../server/contracts/worker-model';
import { ControlPlaneModelSource, DiskCachedSource } from './model-source';
import { controlPlaneShipper } from './prediction-log';
import { createWorker } from './worker';

const log = (line: string) => console.log(`[worker] ${line}`);

async function main() {
  const env = workerEnv();
  const dataDir = path.resolve(env.BALLAST_WORKER_DATA_DIR);
  const release = claimDataDir(dataDir);
  process.on('exit', release);
  const cp: ControlPlaneOptions = {
    baseUrl: env.BALLAST_CONTROL_PLANE_URL,
    token: env.BALLAST_WORKER_TOKEN,
    refs: env.BALLAST_WORKER_MODELS,
    stateFile: path.join(dataDir, 'desired-state.json'),
    log,
  };
  const source = new DiskCachedSource(new ControlPlaneModelSource(cp.baseUrl, cp.token), path.join(dataDir, 'models'));
  const worker = createWorker(
    {
      batchWindowMs: env.BALLAST_WORKER_BATCH_WINDOW_MS,
      maxBatchSize: env.BALLAST_WORKER_MAX_BATCH_SIZE,
      queueLimitRows: env.BALLAST_WORKER_QUEUE_LIMIT,
      requestDeadlineMs: env.BALLAST_WORKER_REQUEST_DEADLINE_MS,
      maxRowsPerRequest: env.BALLAST_WORKER_MAX_ROWS_PER_REQUEST,
      maxBodyBytes: env.BALLAST_WORKER_MAX_BODY_BYTES,
      intraOpThreads: env.BALLAST_WORKER_THREADS,
      provider: env.BALLAST_WORKER_EXECUTION_PROVIDER,
      inference: env.BALLAST_WORKER_INFERENCE,
      slowMs: env.BALLAST_WORKER_SLOW_MS,
      spoolFile: path.join(dataDir, 'prediction-log.spool.jsonl'),
      logFlushIntervalMs: env.BALLAST_WORKER_LOG_FLUSH_MS,
      expectedModels: env.BALLAST_WORKER_MODELS.map((ref) => parseModelRef(ref).name),
      requestTimeoutMs: env.BALLAST_WORKER_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: env.BALLAST_WORKER_HEADERS_TIMEOUT_MS,
      admissionWaitMs: env.BALLAST_WORKER_ADMISSION_WAIT_MS,
      spoolMaxBytes: env.BALLAST_WORKER_SPOOL_MAX_BYTES,
    },
    {
      source,
      ship: controlPlaneShipper(cp.baseUrl, cp.token, env.BALLAST_WORKER_ID),
      log,
    },
  );
  log(`inference ${worker.host.mode}, batch window ${env.BALLAST_WORKER_BATCH_WINDOW_MS} ms, max batch ${env.BALLAST_WORKER_MAX_BATCH_SIZE}, ${env.BALLAST_WORKER_THREADS} intra-op thread(s), provider preference ${env.BALLAST_WORKER_EXECUTION_PROVIDER}`);
  cp.benchmarks = new BenchmarkRunner({ worker, source, baseUrl: cp.baseUrl, token: cp.token, maxBatchSize: env.BALLAST_WORKER_MAX_BATCH_SIZE, intraOpThreads: env.BALLAST_WORKER_THREADS, log });
  // Serve the last known state at once (the control plane may be down), then follow the control plane.
  const persisted = await loadPersistedState(cp.stateFile);
  if (persisted) {
    log(`serving the persisted desired state ${persisted.revision} until the control plane answers`);
    void worker.applyDesiredState(persisted);
  }
  const poller = startDesiredStatePoller(worker, cp, env.BALLAST_WORKER_POLL_INTERVAL_MS);
  const reporter = startReporter(worker, cp, env.BALLAST_WORKER_ID, env.BALLAST_WORKER_REPORT_INTERVAL_MS);
  const port = await worker.listen(env.BALLAST_WORKER_PORT, env.BALLAST_WORKER_HOST);
  log(`listening on http://${env.BALLAST_WORKER_HOST}:${port} serving ${env.BALLAST_WORKER_MODELS.join(', ')}`);

  let stopping = false;
  let endGrace: (() => void) | null = null;
  const stop = async (signal: string) => {
    if (stopping) {
      endGrace?.(); // a second signal skips the rest of the grace period
      return;
    }
    stopping = true;
    // Readiness false at once, so load balancers stop sending; new connections are still accepted
    // and answered for the grace period, since the balancer needs that long to notice.
    worker.markStopping();
    log(`${signal}: readiness off; answering requests for ${env.BALLAST_WORKER_DRAIN_S} s before draining`);
    await new Promise<void>((resolve) => {
      endGrace = resolve;
      setTimeout(resolve, env.BALLAST_WORKER_DRAIN_S * 1000);
    });
    log(`${signal}: draining in-flight requests and flushing the prediction log`);
    poller.stop();
    reporter.stop();
    await worker.shutdown();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(`[worker] ${(err as Error).message}`);
  process.exit(1);
});
