import { ZAlertKind, ZAlertSeverity } from '../contracts/alerts';
import { ZDeploymentStatus } from '../contracts/deployments';
import type { DbOrTx } from '../db/client';
import { metricFamily, writeExposition, type TSample } from '../domain/prometheus-text';
import { predictionLogCounters } from './ingest-prediction-logs';
import { listJobRuns } from './read-job-runs';
import { feedbackCounters } from './record-feedback';

/*
 * The control plane's Prometheus metrics (GET /api/metrics): alerts by kind and severity, the
 * latest drift figures per version and feature, feedback and prediction-log ingest counters,
 * deployments by status, live workers and the background jobs' last runs (job_runs). Read from the database on every scrape, so every replica reports the same gauges
 * (the feedback counters are per process, as Prometheus counters are).
 */

/** A worker heartbeats every 10 s; three missed beats and it no longer counts as live. */
export const WORKER_LIVE_S = 30;
/** Drift gauges show windows that started within this many hours (older ones drop out). */
const DRIFT_RECENT_MS = 3 * 3_600_000;

export async function renderControlPlaneMetrics(db: DbOrTx, now: Date = new Date()): Promise<string> {
  const [alerts, drift, deployments, liveWorkers, knownWorkers, jobs] = await Promise.all([
    db.alert.groupBy({ by: ['kind', 'severity', 'status'], where: { status: { in: ['open', 'acknowledged'] } }, _count: { _all: true } }),
    db.$queryRaw<{ model: string; version: number; feature: string; windowS: number; meanShift: number; psi: number; ks: number | null }[]>`
      SELECT DISTINCT ON (d.model_version_id, d.feature, d.window_s)
        m.name AS model, v.version, d.feature, d.window_s AS "windowS", d.mean_shift AS "meanShift", d.psi, d.ks
      FROM drift_windows d JOIN model_versions v ON v.id = d.model_version_id JOIN registered_models m ON m.id = v.model_id
      WHERE d.window_start >= ${new Date(now.getTime() - DRIFT_RECENT_MS)} AND v.stage <> 'archived'
      ORDER BY d.model_version_id, d.feature, d.window_s, d.window_start DESC`,
    db.deployment.groupBy({ by: ['status', 'strategy'], _count: { _all: true } }),
    db.worker.count({ where: { lastHeartbeatAt: { gte: new Date(now.getTime() - WORKER_LIVE_S * 1000) } } }),
    db.worker.count(),
    listJobRuns(db, now),
  ]);

  const alertSamples = (status: 'open' | 'acknowledged'): TSample[] => {
    const kinds = new Set<string>([...ZAlertKind.options, ...alerts.map((a) => a.kind)]);
    const severities = new Set<string>([...ZAlertSeverity.options, ...alerts.map((a) => a.severity)]);
    return [...kinds].flatMap((kind) =>
      [...severities].map((severity) => ({
        labels: { kind, severity },
        value: alerts.find((a) => a.kind === kind && a.severity === severity && a.status === status)?._count._all ?? 0,
      })),
    );
  };
  const driftLabels = (d: (typeof drift)[number]) => ({ model: d.model, version: String(d.version), feature: d.feature, window: d.windowS === 3600 ? '1h' : `${d.windowS / 60}m` });
  const counters = feedbackCounters();
  const logs = predictionLogCounters();
  const strategies = ['blue_green', 'canary', 'ab_test'];
  const seconds = (d: Date) => d.getTime() / 1000;
  const perJob = (value: (j: (typeof jobs)[number]) => number | null) =>
    jobs.flatMap((j) => {
      const v = value(j);
      return v === null ? [] : [{ labels: { job: j.name }, value: v }];
    });

  return writeExposition([
    metricFamily('ballast_alerts_open', 'gauge', 'Alerts raised and not yet acknowledged or resolved.', alertSamples('open')),
    metricFamily('ballast_alerts_acknowledged', 'gauge', 'Alerts acknowledged and not yet resolved.', alertSamples('acknowledged')),
    metricFamily('ballast_drift_mean_shift', 'gauge', 'Latest window: |live mean - training mean| in training standard deviations (alert above 2).', drift.map((d) => ({ labels: driftLabels(d), value: d.meanShift }))),
    metricFamily('ballast_drift_psi', 'gauge', 'Latest window: population stability index on the training bins (warning above 0.2).', drift.map((d) => ({ labels: driftLabels(d), value: d.psi }))),
    metricFamily('ballast_drift_ks', 'gauge', 'Latest window: two-sample Kolmogorov-Smirnov statistic on sampled values.', drift.filter((d) => d.ks !== null).map((d) => ({ labels: driftLabels(d), value: d.ks! }))),
    metricFamily('ballast_feedback_unknown_request_total', 'counter', 'Feedback posts naming a request id or routing key with no logged prediction (this process).', [{ value: counters.unknownRequest }]),
    metricFamily('ballast_feedback_outcomes_total', 'counter', 'Feedback outcomes received by this process: recorded, or duplicates left unchanged.', [
      { labels: { result: 'recorded' }, value: counters.recorded },
      { labels: { result: 'duplicate' }, value: counters.duplicate },
    ]),
    metricFamily('ballast_prediction_log_records_accepted_total', 'counter', 'Prediction-log records ingest stored or found already stored (replays), in this process.', [{ value: logs.accepted }]),
    metricFamily('ballast_prediction_log_records_rejected_total', 'counter', 'Prediction-log records ingest refused by index (this process): invalid, or naming a model version the registry does not know.', [
      { labels: { reason: 'invalid' }, value: logs.invalid },
      { labels: { reason: 'unknown_version' }, value: logs.unknownVersion },
    ]),
    metricFamily(
      'ballast_deployments',
      'gauge',
      'Deployments by status and strategy.',
      ZDeploymentStatus.options.flatMap((status) => strategies.map((strategy) => ({ labels: { status, strategy }, value: deployments.find((d) => d.status === status && d.strategy === strategy)?._count._all ?? 0 }))),
    ),
    metricFamily('ballast_workers_live', 'gauge', `Inference workers that sent a heartbeat within the last ${WORKER_LIVE_S} seconds.`, [{ value: liveWorkers }]),
    metricFamily('ballast_workers_known', 'gauge', 'Inference workers that ever registered.', [{ value: knownWorkers }]),
    // Jobs: the runs of every replica together (job_runs), so every replica reports the same figures.
    metricFamily('ballast_job_last_run_timestamp_seconds', 'gauge', 'When the job last started (Unix time), by any replica.', perJob((j) => (j.lastStartedAt ? seconds(j.lastStartedAt) : null))),
    metricFamily('ballast_job_last_success_timestamp_seconds', 'gauge', 'When a run of the job last ended without error (Unix time).', perJob((j) => (j.lastSuccessAt ? seconds(j.lastSuccessAt) : null))),
    metricFamily('ballast_job_last_duration_seconds', 'gauge', 'How long the job\'s last finished run took.', perJob((j) => (j.lastDurationMs === null ? null : j.lastDurationMs / 1000))),
    metricFamily('ballast_job_last_run_failed', 'gauge', 'Whether the job\'s last finished run ended in an error (1) or not (0).', perJob((j) => (j.lastFinishedAt ? (j.lastError === null ? 0 : 1) : null))),
    metricFamily('ballast_job_running', 'gauge', 'Whether a run of the job is in flight on some replica (its lease is live).', perJob((j) => (j.running ? 1 : 0))),
    metricFamily('ballast_job_interval_seconds', 'gauge', 'How often the job runs, across all replicas.', perJob((j) => j.everyMs / 1000)),
    metricFamily('ballast_job_runs_total', 'counter', 'Finished runs of the job, by all replicas.', perJob((j) => j.runs)),
    metricFamily('ballast_job_failures_total', 'counter', 'Finished runs of the job that ended in an error, by all replicas.', perJob((j) => j.failures)),
  ]);
}
