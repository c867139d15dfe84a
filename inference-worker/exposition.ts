import { histogramFamily, metricFamily, writeExposition, type TFamily, type TLabels } from '../server/domain/prometheus-text';

/*
 * The worker's metric collectors: counters, gauges and histograms with labels, kept in memory and
 * turned into text by the one Prometheus writer the control plane uses too
 * (server/domain/prometheus-text.ts). `promtool check metrics` lints the output in the
 * integration tests (names in base units, counters ending in _total, HELP and TYPE for all).
 */

type LabelValues = readonly string[];

interface Metric {
  family(): TFamily;
}

abstract class Labelled<T> implements Metric {
  protected series = new Map<string, { labels: LabelValues; value: T }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
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

  protected labelsOf(values: LabelValues): TLabels {
    return Object.fromEntries(this.labelNames.map((n, i) => [n, values[i] ?? '']));
  }

  abstract family(): TFamily;
}

export class Counter extends Labelled<number> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames);
  }

  inc(labels: LabelValues = [], n = 1): void {
    this.entry(labels, () => 0).value += n;
  }

  get(labels: LabelValues = []): number {
    return this.series.get(labels.join('\u0000'))?.value ?? 0;
  }

  family(): TFamily {
    return metricFamily(this.name, 'counter', this.help, [...this.series.values()].map(({ labels, value }) => ({ labels: this.labelsOf(labels), value })));
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
    super(name, help, labelNames);
  }

  family(): TFamily {
    return metricFamily(this.name, 'gauge', this.help, [...this.collect()].map(([labels, value]) => ({ labels: this.labelsOf(labels), value })));
  }
}

interface HistogramState {
  /** One per bucket plus +Inf last, not cumulative. */
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
    super(name, help, labelNames);
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

  family(): TFamily {
    return histogramFamily(this.name, this.help, this.buckets, [...this.series.values()].map(({ labels, value }) => ({ labels: this.labelsOf(labels), counts: value.counts, sum: value.sum })));
  }
}

export class Registry {
  private metrics: Metric[] = [];

  add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }

  render(): string {
    return writeExposition(this.metrics.map((m) => m.family()));
  }
}
