import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, Registry } from './exposition';

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
