/*
 * Prometheus text exposition (format 0.0.4) for the control plane's /api/metrics: one family at a
 * time, HELP and TYPE first, label values escaped. The values are read fresh on every scrape.
 */

export type TSample = { labels?: Record<string, string>; value: number };

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function metricFamily(name: string, type: 'gauge' | 'counter', help: string, samples: readonly TSample[]): string {
  const lines = [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];
  for (const s of samples) {
    const labels = Object.entries(s.labels ?? {});
    const text = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
    lines.push(`${name}${text} ${formatValue(s.value)}`);
  }
  return lines.join('\n');
}
