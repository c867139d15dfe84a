import type { TSlaClass } from '@/server/contracts/model-registry';
import { SLA_P99_LIMIT_MS } from '@/server/domain/model-lifecycle';

/** Latencies as people read them: 0.84 ms, 12.4 ms, 312 ms, 1.25 s. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 1000 ? value.toLocaleString('en-US', { maximumFractionDigits: 1 }) : String(Number(value.toPrecision(4)));
}

export function slaLimitMs(slaClass: string): number {
  return SLA_P99_LIMIT_MS[slaClass as TSlaClass] ?? SLA_P99_LIMIT_MS.realtime;
}

export function slaLabel(slaClass: string): string {
  return `${slaClass === 'batch' ? 'Batch' : 'Real-time'} · p99 ≤ ${formatMs(slaLimitMs(slaClass))}`;
}

export function shortSha(sha: string | null | undefined, length = 12): string {
  return sha ? sha.replace(/^sha256:/, '').slice(0, length) : '—';
}

export function modelHref(name: string): string {
  return `/models/${encodeURIComponent(name)}`;
}
