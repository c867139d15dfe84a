import type { TRunView } from '@/server/contracts/tracking';

/** "3h 12m", "4m 05s", "850 ms": the two largest units are enough to compare runs at a glance. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/** A run's duration: a running run counts up to now. */
export function runDuration(run: Pick<TRunView, 'startTime' | 'endTime' | 'status'>, now = Date.now()): number | null {
  if (run.endTime != null) return run.endTime - run.startTime;
  return run.status === 'RUNNING' ? now - run.startTime : null;
}

/** Metric values as MLflow shows them: NaN and ±Infinity spelled out, otherwise 4-5 significant digits. */
export function formatMetric(value: number | null | undefined): string {
  if (value == null) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(3);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(5)));
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** "5 min ago", "3 d ago": for the experiments list, where the exact time is in the title. */
export function formatAgo(epochMs: number | null | undefined, now = Date.now()): string {
  if (epochMs == null) return '—';
  const s = Math.max(0, Math.round((now - epochMs) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 86400 * 60) return `${Math.floor(s / 86400)} d ago`;
  return `${Math.floor(s / (86400 * 30))} mo ago`;
}

export function shortHash(value: string | null | undefined, length = 8): string {
  if (!value) return '—';
  const bare = value.replace(/^sha256:/, '');
  return bare.length > length ? bare.slice(0, length) : bare;
}

export function tagValue(run: Pick<TRunView, 'tags'>, key: string): string | undefined {
  return run.tags.find((t) => t.key === key)?.value;
}

/** The engineer MLflow records as user_id, else the tags that carry it. */
export function runEngineer(run: Pick<TRunView, 'userId' | 'tags'>): string {
  return run.userId || tagValue(run, 'engineer') || tagValue(run, 'mlflow.user') || '—';
}
