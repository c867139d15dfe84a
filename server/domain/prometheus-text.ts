/*
 * The one Prometheus text-format (0.0.4) writer, used by the worker's /metrics and the control
 * plane's /api/metrics alike: one family at a time, HELP and TYPE first, label values escaped,
 * histograms as cumulative _bucket lines ending in +Inf, then _sum and _count. It only formats;
 * the values come from the caller. A bad metric or label name is a programming error, so it throws
 * here rather than producing text that every scrape would reject.
 */

export type TLabels = Readonly<Record<string, string>>;
export type TSample = { labels?: TLabels; value: number };
/** counts: one per bound plus +Inf last, not cumulative (the writer accumulates them). */
export type THistogramSample = { labels?: TLabels; counts: readonly number[]; sum: number };

export type TFamily =
  | { name: string; help: string; type: 'counter' | 'gauge'; samples: readonly TSample[] }
  | { name: string; help: string; type: 'histogram'; bounds: readonly number[]; samples: readonly THistogramSample[] };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const escapeLabelValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(family: string, labels: TLabels | undefined, le?: string): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    // `__` names are reserved for Prometheus itself; `le` is the bucket bound of a histogram.
    if (!LABEL_NAME.test(k) || k.startsWith('__') || (le !== undefined && k === 'le')) throw new Error(`${family}: invalid label name ${JSON.stringify(k)}`);
    parts.push(`${k}="${escapeLabelValue(v)}"`);
  }
  if (le !== undefined) parts.push(`le="${le}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** One family's lines, without a trailing newline. A family without samples is HELP and TYPE only. */
export function writeFamily(f: TFamily): string {
  if (!METRIC_NAME.test(f.name)) throw new Error(`invalid metric name ${JSON.stringify(f.name)}`);
  const lines = [`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`];
  if (f.type !== 'histogram') {
    for (const s of f.samples) lines.push(`${f.name}${labelText(f.name, s.labels)} ${formatValue(s.value)}`);
    return lines.join('\n');
  }
  if (f.bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= f.bounds[i - 1]!))) throw new Error(`${f.name}: bucket bounds must be finite and strictly increasing`);
  for (const s of f.samples) {
    const labels = labelText(f.name, s.labels);
    if (s.counts.length !== f.bounds.length + 1) throw new Error(`${f.name}: ${s.counts.length} counts for ${f.bounds.length} bounds (+Inf needs one more)`);
    let cumulative = 0;
    f.bounds.forEach((b, i) => {
      cumulative += s.counts[i]!;
      lines.push(`${f.name}_bucket${labelText(f.name, s.labels, formatValue(b))} ${cumulative}`);
    });
    cumulative += s.counts[f.bounds.length]!;
    lines.push(`${f.name}_bucket${labelText(f.name, s.labels, '+Inf')} ${cumulative}`);
    lines.push(`${f.name}_sum${labels} ${formatValue(s.sum)}`);
    lines.push(`${f.name}_count${labels} ${cumulative}`);
  }
  return lines.join('\n');
}

/** A whole scrape body: every family, each name once, newline-terminated. */
export function writeExposition(families: readonly TFamily[]): string {
  const seen = new Set<string>();
  for (const f of families) {
    if (seen.has(f.name)) throw new Error(`metric family ${f.name} written twice`);
    seen.add(f.name);
  }
  return families.map((f) => `${writeFamily(f)}\n`).join('');
}

export const metricFamily = (name: string, type: 'gauge' | 'counter', help: string, samples: readonly TSample[]): TFamily => ({ name, type, help, samples });

export const histogramFamily = (name: string, help: string, bounds: readonly number[], samples: readonly THistogramSample[]): TFamily => ({ name, type: 'histogram', help, bounds, samples });
