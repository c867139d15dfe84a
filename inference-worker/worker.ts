import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TDesiredState } from '../server/contracts/worker-desired-state';
import { VERSION_STATES } from './version-states';
import { ZSafeName } from '../server/contracts/safe-text';
import { decodeSegment, describeError, HttpError, sendEmpty, sendJson } from './http-io';
import { AdmissionGate } from './admission-gate';
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
  /** Models the worker was told to serve (BALLAST_WORKER_MODELS): not ready until each one serves. */
  expectedModels?: readonly string[];
  /** A request (headers and body) must arrive within this, else 408; a stalled body would hold a socket for Node's default 300 s. */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** How long a prediction may wait, unread, for queue room before its 429 (default: the request deadline). */
  admissionWaitMs?: number;
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
  /** SIGTERM, at once: readiness turns false (load balancers stop sending) while everything is still answered. */
  markStopping(): void;
  /** After the grace period: stop accepting, answer everything in flight, flush the log, release sessions. */
  shutdown(): Promise<void>;
}

/** Model name and version of an OIP path, decoded and checked by the rules names and ids follow everywhere. */
function oipPathTarget(modelSegment: string, versionSegment: string | undefined): { model: string; version: number | undefined } {
  const model = decodeSegment(modelSegment, 'model name');
  const checked = ZSafeName.safeParse(model);
  if (!checked.success) throw new HttpError(400, `model name: ${checked.error.issues[0]?.message ?? 'invalid'}`, 'invalid_request');
  if (versionSegment === undefined) return { model, version: undefined };
  const text = decodeSegment(versionSegment, 'version');
  // A version is a positive int4, as the registry stores it; anything else is a malformed path.
  const version = /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : NaN;
  if (!(version <= 2_147_483_647)) throw new HttpError(400, `version: '${text.slice(0, 64)}' is not a positive integer version`, 'invalid_request');
  return { model, version };
}

const SERVER_NAME = 'ballast-inference-worker';
// The package's own version, read once: the worker runs from the source tree (tsx), never bundled.
const SERVER_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function createWorker(config: WorkerConfig, deps: WorkerDeps): Worker {
  const log = deps.log ?? ((line: string) => console.log(`[worker] ${line}`));
  const startedAt = Date.now();
  /** SIGTERM seen: not ready, still serving. */
  let stopping = false;
  /** The listener is closed: requests on open connections are answered, then the connection closes. */
  let draining = false;
  let revision: string | null = null;
  let unresolved: { ref: string; reason: string }[] = [];
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
  // Bodies are read only when a queue has room for them (inference-worker/admission-gate.ts).
  const gate = new AdmissionGate({
    room: () => registry.roomRows(),
    // As long as a request may wait in the queue: each refusal under a closed-loop flood costs reading
    // its body, so a shorter wait means more of them (at 500 ms about a quarter of the worker's CPU
    // went to refusals in bench:overload; at 1,000 ms almost none).
    // Never as long as the request timeout: a request waiting unread would get Node's 408 instead.
    maxWaitMs: Math.min(config.admissionWaitMs ?? config.requestDeadlineMs, Math.floor((config.requestTimeoutMs ?? 30_000) / 2)),
    maxRows: Math.min(config.maxRowsPerRequest, config.queueLimitRows),
  });
  const host = createInferenceHost(config.inference, { intraOpThreads: config.intraOpThreads, provider: config.provider }, log);
  const registry: VersionRegistry = new VersionRegistry({
    host,
    source: deps.source,
    policy: { maxBatchSize: config.maxBatchSize, windowMs: config.batchWindowMs, queueLimitRows: config.queueLimitRows },
    metrics,
    log,
    onQueueRoom: () => gate.wake(),
  });
  const predictionLog = deps.ship
    ? new PredictionLog({ ship: deps.ship, spoolFile: config.spoolFile, metrics, slowMs: config.slowMs, flushIntervalMs: config.logFlushIntervalMs, spoolMaxBytes: config.spoolMaxBytes, log })
    : null;
  predictionLog?.start();

  const predictDeps: PredictDeps = {
    registry,
    gate,
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

  /** Configured or known models that serve no traffic yet (unresolved, loading, or failed their check). */
  const modelNames = () => new Set([...(config.expectedModels ?? []), ...registry.models()]);
  const notServing = (): string[] => [...modelNames()].filter((m) => !registry.isServing(m));
  const isReady = () => !stopping && modelNames().size > 0 && notServing().length === 0;

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
      const waiting = notServing();
      return sendJson(res, 200, {
        status: stopping ? 'draining' : waiting.length || !modelNames().size ? 'starting' : 'ok',
        ready: isReady(),
        uptime_s: Math.round((Date.now() - startedAt) / 100) / 10,
        inference: host.mode,
        desired_revision: revision,
        not_serving: waiting,
        unresolved,
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
    if (method === 'GET' && path === '/v2/health/ready') return sendEmpty(res, isReady() ? 200 : 400);
    const m = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/.exec(path);
    if (!m) {
      metrics.badRequests.inc(['no_such_route']);
      return sendJson(res, 404, { error: `no route ${method} ${path}` });
    }
    let model: string;
    let version: number | undefined;
    try {
      ({ model, version } = oipPathTarget(m[1]!, m[2]));
    } catch (err) {
      const d = describeError(err);
      metrics.badRequests.inc([d.reason]);
      return sendJson(res, d.status, { error: d.message });
    }
    if (m[3] === '/infer' && method === 'POST') return handleInfer(predictDeps, req, res, model, version);
    if (m[3] === '/ready' && method === 'GET') {
      if (!registry.models().includes(model)) return sendJson(res, 404, { error: `unknown model '${model}'` });
      return sendEmpty(res, modelReady(model, version) ? 200 : 400);
    }
    if (m[3] === undefined && method === 'GET') return modelMetadata(res, model, version);
    sendJson(res, 405, { error: `${method} is not allowed on ${path}` });
  }

  const requestTimeout = config.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(config.headersTimeoutMs ?? 10_000, requestTimeout);
  const server = createServer(
    // Node checks these timeouts every connectionsCheckingInterval (30 s by default): check often
    // enough that a stalled body gets its 408 near the configured time.
    { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))) },
    (req, res) => {
      // Past the grace period the listener is closed; a request on a connection still open is answered, and that connection closes.
      if (draining) res.setHeader('connection', 'close');
      inFlight++;
      res.on('close', () => {
        if (--inFlight === 0 && idleResolve) idleResolve();
      });
      route(req, res).catch((err) => {
        const d = describeError(err);
        if (d.status >= 500) console.error('[worker]', err);
        if (!res.headersSent) sendJson(res, d.status, { error: d.message }, d.headers);
      });
    },
  );
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
      unresolved = state.unresolved ?? [];
      return { failures: results.flatMap((r) => r.failures) };
    },
    desiredRevision: () => revision,
    markStopping() {
      stopping = true;
    },
    async shutdown() {
      stopping = true;
      draining = true;
      server.close();
      server.closeIdleConnections();
      while (inFlight > 0) await new Promise<void>((resolve) => (idleResolve = resolve));
      await registry.drainAll();
      await predictionLog?.close();
      await host.close();
    },
  };
}
