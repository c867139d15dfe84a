import { BATCH_CLOSE_REASONS } from '../server/domain/batch-policy';
import { Counter, Gauge, Histogram, Registry } from './exposition';

/*
 * Every metric the worker exports. Latencies are in seconds (Prometheus base units, which promtool
 * enforces); labels are model and version so dashboards can compare a canary with stable.
 */

const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_ROW_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export interface GaugeSources {
  queueDepth(): Iterable<[string[], number]>;
  versionStates(): Iterable<[string[], number]>;
  uptimeS(): number;
}

export function createWorkerMetrics(sources: GaugeSources) {
  const registry = new Registry();
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
    logDropped: registry.add(new Counter('ballast_worker_prediction_log_dropped_total', 'Prediction-log records not kept, by reason (sampled_out, overflow, rejected).', ['reason'])),
    logSpooled: registry.add(new Counter('ballast_worker_prediction_log_spooled_total', 'Prediction-log records written to the on-disk spool while the control plane was unreachable.')),
    logShipped: registry.add(new Counter('ballast_worker_prediction_log_shipped_total', 'Prediction-log records accepted by the control plane (replays included).')),
  };
  registry.add(new Gauge('ballast_worker_queue_depth_rows', 'Rows waiting in the batch queue, by model version.', mv, sources.queueDepth));
  registry.add(new Gauge('ballast_worker_model_versions', 'Model versions known to the worker, 1 per version in its current state.', [...mv, 'state', 'variant'], sources.versionStates));
  registry.add(new Gauge('ballast_worker_uptime_seconds', 'Seconds since the worker started.', [], () => [[[], sources.uptimeS()]]));
  return m;
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
