/*
 * A small Prometheus text-format (0.0.4) writer: counters, gauges and histograms with labels. Enough
 * for the worker's own metrics without a client library; `promtool check metrics` lints its output
 * in the integration tests (names in base units, counters ending in _total, HELP and TYPE for all).
 */

type LabelValues = readonly string[];

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(names: readonly string[], values: LabelValues, extra?: [string, string]): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

interface Metric {
  render(out: string[]): void;
}

abstract class Labelled<T> implements Metric {
  protected series = new Map<string, { labels: LabelValues; value: T }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly type: string,
  ) {}

  protected entry(labels: LabelValues, init: () => T): { labels: LabelValues; value: T } {
    const key = labels.join('\u0000');
    let e = this.series.get(key);
    if (!e) {
      e = { labels: [...labels], value: init() };
      this.series.set(key, e);
    }
    return e;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${this.name} ${this.type}`);
    this.renderSeries(out);
  }

  protected abstract renderSeries(out: string[]): void;
}

export class Counter extends Labelled<number> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames, 'counter');
  }

  inc(labels: LabelValues = [], n = 1): void {
    this.entry(labels, () => 0).value += n;
  }

  get(labels: LabelValues = []): number {
    return this.series.get(labels.join('\u0000'))?.value ?? 0;
  }

  protected renderSeries(out: string[]): void {
    for (const { labels, value } of this.series.values()) out.push(`${this.name}${labelText(this.labelNames, labels)} ${formatValue(value)}`);
  }
}

/** Gauges read their values when scraped, so they never go stale. */
export class Gauge extends Labelled<number> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly collect: () => Iterable<[LabelValues, number]>,
  ) {
    super(name, help, labelNames, 'gauge');
  }

  protected renderSeries(out: string[]): void {
    for (const [labels, value] of this.collect()) out.push(`${this.name}${labelText(this.labelNames, labels)} ${formatValue(value)}`);
  }
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Labelled<HistogramState> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames, 'histogram');
  }

  observe(labels: LabelValues, v: number, times = 1): void {
    const s = this.entry(labels, () => ({ counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 })).value;
    let i = 0;
    while (i < this.buckets.length && v > this.buckets[i]!) i++;
    s.counts[i]! += times;
    s.sum += v * times;
    s.count += times;
  }

  snapshot(labels: LabelValues): HistogramState | undefined {
    return this.series.get(labels.join('\u0000'))?.value;
  }

  protected renderSeries(out: string[]): void {
    for (const { labels, value } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += value.counts[i]!;
        out.push(`${this.name}_bucket${labelText(this.labelNames, labels, ['le', formatValue(b)])} ${cumulative}`);
      });
      out.push(`${this.name}_bucket${labelText(this.labelNames, labels, ['le', '+Inf'])} ${value.count}`);
      out.push(`${this.name}_sum${labelText(this.labelNames, labels)} ${formatValue(value.sum)}`);
      out.push(`${this.name}_count${labelText(this.labelNames, labels)} ${value.count}`);
    }
  }
}

export class Registry {
  private metrics: Metric[] = [];

  add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }

  render(): string {
    const out: string[] = [];
    for (const m of this.metrics) m.render(out);
    return `${out.join('\n')}\n`;
  }
}
