import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { ZDesiredState, type TDesiredState } from '../server/contracts/worker-desired-state';
import { LATENCY_BUCKETS_MS, type TWorkerReport } from '../server/contracts/worker-report';
import type { BenchmarkRunner } from './benchmark';
import type { FetchFn } from './model-source';
import type { Worker } from './worker';


/*
 * The worker's side of the control plane's worker API. Desired state is polled (a worker behind NAT
 * needs no inbound port) and persisted, so a worker restarted while the control plane is down serves
 * what it served before. Reports are cumulative, so a lost one loses nothing.
 */

/** Statuses that count as a version failing to serve (queue full, inference error, unavailable, deadline). */
const SERVING_FAILURE_STATUSES = [429, 500, 503, 504];

export interface ControlPlaneOptions {
  baseUrl: string;
  token: string | undefined;
  refs: string[];
  stateFile: string;
  fetchFn?: FetchFn;
  log: (line: string) => void;
  /** Runs the latency benchmarks the control plane asks for; absent, they are ignored. */
  benchmarks?: BenchmarkRunner;
}

const auth = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** GET {base}/api/worker/v1/desired-state?models=a@production,b@canary -> ZDesiredState. */
export async function fetchDesiredState(o: ControlPlaneOptions): Promise<TDesiredState> {
  const url = new URL('/api/worker/v1/desired-state', o.baseUrl);
  url.searchParams.set('models', o.refs.join(','));
  const res = await (o.fetchFn ?? fetch)(url, { headers: auth(o.token), signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`desired state: HTTP ${res.status}`);
  return ZDesiredState.parse(await res.json());
}

export async function loadPersistedState(file: string): Promise<TDesiredState | null> {
  try {
    return ZDesiredState.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return null;
  }
}

async function persist(file: string, state: TDesiredState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(state));
  await rename(`${file}.tmp`, file);
}

/** Polls until stopped; applies a state only when its revision changes. */
export function startDesiredStatePoller(worker: Worker, o: ControlPlaneOptions, intervalMs: number): { stop(): void; pollOnce(): Promise<void> } {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let lastError = '';
  const pollOnce = async () => {
    try {
      const state = await fetchDesiredState(o);
      lastError = '';
      if (state.benchmarks?.length) void o.benchmarks?.offer(state.benchmarks);
      if (state.revision === worker.desiredRevision()) return;
      const { failures } = await worker.applyDesiredState(state);
      if (!failures.length) await persist(o.stateFile, state);
    } catch (err) {
      const msg = (err as Error).message;
      if (msg !== lastError) o.log(`control plane unreachable or refused (${msg}); serving the last known state`);
      lastError = msg;
    }
  };
  const loop = async () => {
    await pollOnce();
    if (!stopped) timer = setTimeout(loop, intervalMs).unref();
  };
  void loop();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    pollOnce,
  };
}

export function buildReport(worker: Worker, workerId: string, startedAt: number): TWorkerReport {
  const m = worker.metrics;
  return {
    worker_id: workerId,
    hostname: hostname(),
    started_at: new Date(startedAt).toISOString(),
    sent_at: new Date().toISOString(),
    uptime_s: (Date.now() - startedAt) / 1000,
    execution_provider: worker.registry.all().find((e) => e.loaded)?.loaded?.provider ?? 'cpu',
    desired_revision: worker.desiredRevision(),
    versions: worker.registry.all().map((e) => {
      const labels = [e.model, String(e.version)];
      const h = m.latency.snapshot(labels);
      // The Prometheus histogram has the contract's bounds in seconds (LATENCY_BUCKETS_S), so its counts go as they are.
      const counts = h ? [...h.counts] : new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
      const choice = worker.registry.routeOf(e.model).find((c) => c.entry === e);
      // The version's own failures only: a caller's bad input (400/404) says nothing about the
      // model, and counting it would let bad requests push a healthy canary into rollback.
      const errors = SERVING_FAILURE_STATUSES.reduce((s, st) => s + m.errors.get([...labels, String(st)]), 0);
      return {
        model: e.model,
        version: e.version,
        state: e.state,
        variant: choice?.variant ?? null,
        weight: choice?.weight ?? 0,
        requests: m.requests.get(labels),
        rows: m.rows.get(labels),
        errors,
        latency: { bounds_ms: [...LATENCY_BUCKETS_MS], counts, sum_ms: (h?.sum ?? 0) * 1000 },
        last_served_at: e.lastServedAt ? new Date(e.lastServedAt).toISOString() : null,
        failure: e.failure,
      };
    }),
  };
}

/** POST {base}/api/worker/v1/heartbeat with ZWorkerReport, every intervalMs. */
export function startReporter(worker: Worker, o: ControlPlaneOptions, workerId: string, intervalMs: number): { stop(): void } {
  const startedAt = Date.now();
  const url = new URL('/api/worker/v1/heartbeat', o.baseUrl);
  const send = async () => {
    try {
      const res = await (o.fetchFn ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth(o.token) },
        body: JSON.stringify(buildReport(worker, workerId, startedAt)),
        signal: AbortSignal.timeout(5_000),
      });
      await res.arrayBuffer();
    } catch {
      // the poller already logs an unreachable control plane
    }
  };
  const timer = setInterval(send, intervalMs);
  timer.unref();
  void send();
  return { stop: () => clearInterval(timer) };
}
