import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, Registry } from './exposition';
import { LATENCY_BUCKETS_MS } from '../server/contracts/worker-report';
import { LATENCY_BUCKETS_S } from './worker-metrics';

describe('exposition', () => {
  it('writes counters, gauges and cumulative histogram buckets', () => {
    const r = new Registry();
    r.add(new Counter('x_requests_total', 'Requests.', ['model'])).inc(['a"b\\c'], 2);
    r.add(new Gauge('x_depth', 'Depth.', [], () => [[[], 3]]));
    const h = r.add(new Histogram('x_seconds', 'Latency.', ['v'], [0.1, 1]));
    h.observe(['1'], 0.05);
    h.observe(['1'], 0.5);
    h.observe(['1'], 5);
    expect(r.render()).toBe(
      [
        '# HELP x_requests_total Requests.',
        '# TYPE x_requests_total counter',
        'x_requests_total{model="a\\"b\\\\c"} 2',
        '# HELP x_depth Depth.',
        '# TYPE x_depth gauge',
        'x_depth 3',
        '# HELP x_seconds Latency.',
        '# TYPE x_seconds histogram',
        'x_seconds_bucket{v="1",le="0.1"} 1',
        'x_seconds_bucket{v="1",le="1"} 2',
        'x_seconds_bucket{v="1",le="+Inf"} 3',
        'x_seconds_sum{v="1"} 5.55',
        'x_seconds_count{v="1"} 3',
        '',
      ].join('\n'),
    );
  });
});

describe('latency bucket scheme', () => {
  it('is the contract list in seconds, so a report sends the histogram counts unchanged', () => {
    expect(LATENCY_BUCKETS_S).toEqual([0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
    expect(LATENCY_BUCKETS_S.map((s) => s * 1000)).toEqual([...LATENCY_BUCKETS_MS]);
    // A latency exactly on a bound falls in that bound's bucket on both sides (le is inclusive).
    const h = new Histogram('x_seconds', 'Latency.', [], LATENCY_BUCKETS_S);
    for (const ms of LATENCY_BUCKETS_MS) h.observe([], ms / 1000);
    h.observe([], 6);
    expect(h.snapshot([])!.counts).toEqual([...LATENCY_BUCKETS_MS.map(() => 1), 1]);
  });
});
