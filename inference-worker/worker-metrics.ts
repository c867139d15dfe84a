import { LATENCY_BUCKETS_MS } from '../server/contracts/worker-report';
import { BATCH_CLOSE_REASONS } from './batch-policy';
import { Counter, Gauge, Histogram, Registry } from './exposition';

/*
 * Every metric the worker exports. Latencies are in seconds (Prometheus base units, which promtool
 * enforces); labels are model and version so dashboards can compare a canary with stable.
 */

/** The contract's latency buckets in seconds: the heartbeat report sends these counts unchanged. */
export const LATENCY_BUCKETS_S: readonly number[] = LATENCY_BUCKETS_MS.map((ms) => ms / 1000);
const BATCH_ROW_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export interface GaugeSources {
  queueDepth(): Iterable<[string[], number]>;
  versionStates(): Iterable<[string[], number]>;
  uptimeS(): number;
}

/** The prediction-log spool's figures, written by the prediction log and read at scrape time. */
export interface SpoolState {
  bytes: number;
  records: number;
  capBytes: number;
  /** 1 while the cap refuses new records (alert on it). */
  full: number;
  /** Seconds until the next ship attempt after transient failures (0: shipping). */
  retryInS: number;
}

export function createWorkerMetrics(sources: GaugeSources) {
  const registry = new Registry();
  const spool: SpoolState = { bytes: 0, records: 0, capBytes: 0, full: 0, retryInS: 0 };
  const mv = ['model', 'version'];
  const m = {
    registry,
    requests: registry.add(new Counter('ballast_worker_requests_total', 'Prediction requests answered, by model version.', mv)),
    rows: registry.add(new Counter('ballast_worker_rows_total', 'Rows predicted, by model version.', mv)),
    errors: registry.add(new Counter('ballast_worker_request_errors_total', 'Prediction requests that failed after the model version was chosen, by HTTP status.', [...mv, 'status'])),
    badRequests: registry.add(new Counter('ballast_worker_bad_requests_total', 'Requests refused before reaching a model (malformed JSON, invalid input, unknown model, body too large, ...).', ['reason'])),
    latency: registry.add(new Histogram('ballast_worker_request_duration_seconds', 'Time from request received to response written, by model version.', mv, LATENCY_BUCKETS_S)),
    queueWait: registry.add(new Histogram('ballast_worker_queue_wait_seconds', 'Time a request waited in the batch queue before its batch started.', mv, LATENCY_BUCKETS_S)),
    inference: registry.add(new Histogram('ballast_worker_batch_inference_seconds', 'Duration of one model call (one batch).', mv, LATENCY_BUCKETS_S)),
    batchRows: registry.add(new Histogram('ballast_worker_batch_rows', 'Rows per batch sent to the model.', mv, BATCH_ROW_BUCKETS)),
    batches: registry.add(new Counter('ballast_worker_batches_total', `Batches closed, by reason (${BATCH_CLOSE_REASONS.join(', ')}).`, [...mv, 'reason'])),
    logSampled: registry.add(new Counter('ballast_worker_prediction_log_sampled_total', 'Prediction-log records kept (sampled, or always kept: errors, slow, canary, A/B).', ['kind'])),
    logDropped: registry.add(new Counter('ballast_worker_prediction_log_dropped_total', 'Prediction-log records not kept, by reason (sampled_out, overflow, spool_full, spool_error, torn: cut off by a crash mid-append).', ['reason'])),
    logDeadLettered: registry.add(new Counter('ballast_worker_prediction_log_dead_lettered_total', 'Prediction-log records the control plane refused for good, written to the dead-letter file and never retried, by reason (rejected: refused by index; batch_refused: the batch answered 400/413/422; unreadable: a spool line that is not a record; poison: answered HTTP 500 again and again while the records beside it were stored).', ['reason'])),
    logShipFailures: registry.add(new Counter('ballast_worker_prediction_log_ship_failures_total', 'Prediction-log batches that failed transiently (network, 5xx, 408, 429) and will be retried after a backoff.')),
    spool,
    logSpooled: registry.add(new Counter('ballast_worker_prediction_log_spooled_total', 'Prediction-log records written to the on-disk spool while the control plane was unreachable.')),
    logShipped: registry.add(new Counter('ballast_worker_prediction_log_shipped_total', 'Prediction-log records accepted by the control plane (replays included).')),
  };
  registry.add(new Gauge('ballast_worker_queue_depth_rows', 'Rows waiting in the batch queue, by model version.', mv, sources.queueDepth));
  registry.add(new Gauge('ballast_worker_model_versions', 'Model versions known to the worker, 1 per version in its current state.', [...mv, 'state', 'variant'], sources.versionStates));
  registry.add(new Gauge('ballast_worker_prediction_log_spool_bytes', 'Bytes of the prediction-log spool on disk.', [], () => [[[], spool.bytes]]));
  registry.add(new Gauge('ballast_worker_prediction_log_spool_records', 'Prediction-log records in the spool, not yet shipped.', [], () => [[[], spool.records]]));
  registry.add(new Gauge('ballast_worker_prediction_log_spool_cap_bytes', 'The spool size cap (BALLAST_WORKER_SPOOL_MAX_BYTES).', [], () => [[[], spool.capBytes]]));
  registry.add(new Gauge('ballast_worker_prediction_log_spool_full', '1 while the spool is at its cap and new prediction-log records are dropped (reason spool_full).', [], () => [[[], spool.full]]));
  registry.add(new Gauge('ballast_worker_prediction_log_retry_in_seconds', 'Seconds until the prediction log retries shipping after transient failures (0 while shipping).', [], () => [[[], spool.retryInS]]));
  registry.add(new Gauge('ballast_worker_uptime_seconds', 'Seconds since the worker started.', [], () => [[[], sources.uptimeS()]]));
  return m;
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
