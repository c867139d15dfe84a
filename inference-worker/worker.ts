import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TDesiredState } from '../server/contracts/worker-desired-state';
import { VERSION_STATES } from './version-states';
import { describeError, sendEmpty, sendJson } from './http-io';
import { createInferenceHost, type InferenceHost } from './inference-host';
import type { ModelSource } from './model-source';
import type { TProviderPreference } from './ort-session';
import { handleInfer, handlePredict, type PredictDeps } from './predict-routes';
import { PredictionLog, type ShipFn } from './prediction-log';
import { VersionRegistry, type VersionEntry } from './version-registry';
import { createWorkerMetrics, type WorkerMetrics } from './worker-metrics';

/*
 * The worker assembled: inference host, version registry, batch queues, prediction log and the
 * node:http server. main.ts adds the environment, the control-plane pollers and signals; tests build
 * it directly with an in-memory model source and a local log receiver.
 */

export interface WorkerConfig {
  batchWindowMs: number;
  maxBatchSize: number;
  queueLimitRows: number;
  requestDeadlineMs: number;
  maxRowsPerRequest: number;
  maxBodyBytes: number;
  intraOpThreads: number;
  provider: TProviderPreference;
  inference: 'thread' | 'in-process';
  slowMs: number;
  spoolFile: string;
  logFlushIntervalMs?: number;
  /** The prediction-log spool's size cap in bytes (default 2 GiB). */
  spoolMaxBytes?: number;
}

export interface WorkerDeps {
  source: ModelSource;
  /** Where prediction-log batches go; null disables the log (benchmark baselines). */
  ship: ShipFn | null;
  log?: (line: string) => void;
}

export interface Worker {
  server: Server;
  registry: VersionRegistry;
  metrics: WorkerMetrics;
  predictionLog: PredictionLog | null;
  host: InferenceHost;
  listen(port: number, host?: string): Promise<number>;
  applyDesiredState(state: TDesiredState): Promise<{ failures: string[] }>;
  desiredRevision(): string | null;
  /** SIGTERM: stop accepting, answer everything in flight, flush the log, release sessions. */
  shutdown(): Promise<void>;
}

const SERVER_NAME = 'ballast-inference-worker';
const SERVER_VERSION = '0.1.0';

export function createWorker(config: WorkerConfig, deps: WorkerDeps): Worker {
  const log = deps.log ?? ((line: string) => console.log(`[worker] ${line}`));
  const startedAt = Date.now();
  let draining = false;
  let revision: string | null = null;
  let inFlight = 0;
  let idleResolve: (() => void) | null = null;

  // The gauges read the registry lazily (at scrape time), so it can be built after the metrics.
  const metrics = createWorkerMetrics({
    queueDepth: () => registry.all().filter((e) => e.queue).map((e) => [[e.model, String(e.version)], e.queue!.depthRows] as [string[], number]),
    versionStates: () =>
      registry.all().flatMap((e) => {
        const variant = registry.routeOf(e.model).find((c) => c.entry === e)?.variant ?? 'none';
        return VERSION_STATES.map((s) => [[e.model, String(e.version), s, variant], e.state === s ? 1 : 0] as [string[], number]);
      }),
    uptimeS: () => (Date.now() - startedAt) / 1000,
  });
  const host = createInferenceHost(config.inference, { intraOpThreads: config.intraOpThreads, provider: config.provider }, log);
  const registry: VersionRegistry = new VersionRegistry({
    host,
    source: deps.source,
    policy: { maxBatchSize: config.maxBatchSize, windowMs: config.batchWindowMs, queueLimitRows: config.queueLimitRows },
    metrics,
    log,
  });
  const predictionLog = deps.ship
    ? new PredictionLog({ ship: deps.ship, spoolFile: config.spoolFile, metrics, slowMs: config.slowMs, flushIntervalMs: config.logFlushIntervalMs, spoolMaxBytes: config.spoolMaxBytes, log })
    : null;
  predictionLog?.start();

  const predictDeps: PredictDeps = {
    registry,
    metrics,
    log: predictionLog,
    maxBodyBytes: config.maxBodyBytes,
    maxRowsPerRequest: config.maxRowsPerRequest,
    deadlineMs: config.requestDeadlineMs,
    logError: (line) => console.error(`[worker] ${line}`),
  };

  const versionView = (e: VersionEntry) => {
    const choice = registry.routeOf(e.model).find((c) => c.entry === e);
    return { model: e.model, version: e.version, state: e.state, variant: choice?.variant ?? null, weight: choice?.weight ?? 0, failure: e.failure };
  };

  const modelMetadata = (res: ServerResponse, model: string, version?: number) => {
    const entries = registry.all().filter((e) => e.model === model && e.state === 'ready');
    const chosen = version === undefined ? (registry.routeOf(model).find((c) => c.weight > 0)?.entry ?? entries[0]) : entries.find((e) => e.version === version);
    if (!chosen?.signature) return sendJson(res, 404, { error: version === undefined ? `unknown model '${model}'` : `model '${model}' has no version ${version} ready` });
    sendJson(res, 200, {
      name: model,
      versions: version === undefined ? entries.map((e) => String(e.version)) : [String(version)],
      platform: 'onnxruntime_onnx',
      inputs: chosen.signature.inputs,
      outputs: chosen.signature.outputs,
    });
  };

  const modelReady = (model: string, version?: number) =>
    version === undefined ? registry.isServing(model) : registry.entry(model, version)?.state === 'ready';

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/predict') return handlePredict(predictDeps, req, res);
    if (method === 'GET' && path === '/health') {
      const versions = registry.all().map(versionView);
      const ready = registry.models().every((m) => registry.isServing(m)) && registry.models().length > 0;
      return sendJson(res, 200, {
        status: draining ? 'draining' : ready ? 'ok' : 'starting',
        uptime_s: Math.round((Date.now() - startedAt) / 100) / 10,
        inference: host.mode,
        desired_revision: revision,
        versions,
      });
    }
    if (method === 'GET' && path === '/metrics') {
      const text = metrics.registry.render();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      return void res.end(text);
    }
    if (path === '/v2' || path.startsWith('/v2/')) return routeOip(req, res, method, path);
    metrics.badRequests.inc(['no_such_route']);
    sendJson(res, 404, { error: `no route ${method} ${path}` });
  }

  async function routeOip(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    if (method === 'GET' && path === '/v2') return sendJson(res, 200, { name: SERVER_NAME, version: SERVER_VERSION, extensions: [] });
    // OIP health: the status code is the answer (200 true, 4xx false), with an empty body.
    if (method === 'GET' && path === '/v2/health/live') return sendEmpty(res, draining ? 400 : 200);
    if (method === 'GET' && path === '/v2/health/ready') return sendEmpty(res, !draining && registry.models().length > 0 && registry.models().every((m) => registry.isServing(m)) ? 200 : 400);
    const m = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/.exec(path);
    if (!m) {
      metrics.badRequests.inc(['no_such_route']);
      return sendJson(res, 404, { error: `no route ${method} ${path}` });
    }
    const model = decodeURIComponent(m[1]!);
    let version: number | undefined;
    if (m[2] !== undefined) {
      version = Number(m[2]);
      if (!Number.isInteger(version) || version < 1) {
        metrics.badRequests.inc(['unknown_model']);
        return sendJson(res, 404, { error: `model '${model}' has no version '${decodeURIComponent(m[2])}'` });
      }
    }
    if (m[3] === '/infer' && method === 'POST') return handleInfer(predictDeps, req, res, model, version);
    if (m[3] === '/ready' && method === 'GET') {
      if (!registry.models().includes(model)) return sendJson(res, 404, { error: `unknown model '${model}'` });
      return sendEmpty(res, modelReady(model, version) ? 200 : 400);
    }
    if (m[3] === undefined && method === 'GET') return modelMetadata(res, model, version);
    sendJson(res, 405, { error: `${method} is not allowed on ${path}` });
  }

  const server = createServer((req, res) => {
    if (draining) {
      res.setHeader('connection', 'close');
      return sendJson(res, 503, { error: 'the worker is shutting down' });
    }
    inFlight++;
    res.on('close', () => {
      if (--inFlight === 0 && idleResolve) idleResolve();
    });
    route(req, res).catch((err) => {
      const d = describeError(err);
      if (d.status >= 500) console.error('[worker]', err);
      if (!res.headersSent) sendJson(res, d.status, { error: d.message }, d.headers);
    });
  });
  server.keepAliveTimeout = 5_000;

  return {
    server,
    registry,
    metrics,
    predictionLog,
    host,
    listen: (port, hostname = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, hostname, () => resolve((server.address() as AddressInfo).port));
      }),
    async applyDesiredState(state) {
      const results = await Promise.all(state.models.map((m) => registry.apply(m)));
      revision = state.revision;
      return { failures: results.flatMap((r) => r.failures) };
    },
    desiredRevision: () => revision,
    async shutdown() {
      draining = true;
      server.close();
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolve) => (idleResolve = resolve));
      await registry.drainAll();
      await predictionLog?.close();
      await host.close();
    },
  };
}
