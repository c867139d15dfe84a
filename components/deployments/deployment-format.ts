/** How deployments read on screen: strategy names, status tones, percentages and latencies. */

export const STRATEGY_LABEL: Record<string, string> = { canary: 'Canary', blue_green: 'Blue-green', ab_test: 'A/B test' };

export const STATUS_LABEL: Record<string, string> = {
  running: 'Running',
  paused: 'Paused',
  promoted: 'Promoted',
  rolled_back: 'Rolled back',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

const STATUS_TONE: Record<string, string> = {
  running: 'badge-accent',
  paused: 'badge-warning',
  promoted: 'badge-success',
  completed: 'badge-success',
  rolled_back: 'badge-danger',
  cancelled: 'badge-muted',
};

export const statusTone = (status: string) => STATUS_TONE[status] ?? 'badge-muted';

/** Stable blue, candidate orange: the same two colors on every chart of a deployment. */
export const ROLE_COLORS = { stable: '#2456d6', candidate: '#e8590c' } as const;
export const VARIANT_COLORS: Record<string, string> = { stable: '#2456d6', a: '#2456d6', canary: '#e8590c', b: '#e8590c' };

export function percent(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

export function sharePercent(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value >= 100 ? `${Math.round(value)} ms` : `${Number(value.toPrecision(3))} ms`;
}

export function count(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString('en-US');
}

export function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function since(date: Date, now: Date = new Date()): string {
  const s = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
