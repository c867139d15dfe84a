import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { histogramFamily, metricFamily, writeExposition, writeFamily } from './prometheus-text';

// promtool (the Prometheus project's own parser and linter) is the independent reference here.
const promtool = (text: string) => execFileSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] }).toString();

describe('prometheus-text', () => {
  it('escapes label values (backslash, quote, newline) and HELP text (backslash, newline), leaving other characters alone', () => {
    const text = writeFamily(metricFamily('x_things', 'gauge', 'Line one\nline "two" \\ three.', [{ labels: { name: 'a\\b"c\nd', tab: 'x\ty é' }, value: 1 }]));
    expect(text.split('\n')).toEqual(['# HELP x_things Line one\\nline "two" \\\\ three.', '# TYPE x_things gauge', 'x_things{name="a\\\\b\\"c\\nd",tab="x\ty é"} 1']);
    expect(() => promtool(`${text}\n`)).not.toThrow();
  });

  it('writes special values as Prometheus spells them', () => {
    const text = writeFamily(metricFamily('x_values', 'gauge', 'Values.', [NaN, Infinity, -Infinity, 0.1, -2, 1e-7].map((value, i) => ({ labels: { i: String(i) }, value }))));
    expect(text.split('\n').slice(2).map((l) => l.split(' ')[1])).toEqual(['NaN', '+Inf', '-Inf', '0.1', '-2', '1e-7']);
  });

  it('writes a histogram as cumulative buckets ending in +Inf, then _sum and _count, with le after the series labels', () => {
    const text = writeFamily(
      histogramFamily('x_duration_seconds', 'Latency.', [0.005, 0.1, 2.5], [
        { labels: { model: 'm', version: '1' }, counts: [2, 0, 3, 1], sum: 7.25 },
        { labels: { model: 'm', version: '2' }, counts: [0, 0, 0, 0], sum: 0 },
      ]),
    );
    expect(text.split('\n')).toEqual([
      '# HELP x_duration_seconds Latency.',
      '# TYPE x_duration_seconds histogram',
      'x_duration_seconds_bucket{model="m",version="1",le="0.005"} 2',
      'x_duration_seconds_bucket{model="m",version="1",le="0.1"} 2',
      'x_duration_seconds_bucket{model="m",version="1",le="2.5"} 5',
      'x_duration_seconds_bucket{model="m",version="1",le="+Inf"} 6',
      'x_duration_seconds_sum{model="m",version="1"} 7.25',
      'x_duration_seconds_count{model="m",version="1"} 6',
      'x_duration_seconds_bucket{model="m",version="2",le="0.005"} 0',
      'x_duration_seconds_bucket{model="m",version="2",le="0.1"} 0',
      'x_duration_seconds_bucket{model="m",version="2",le="2.5"} 0',
      'x_duration_seconds_bucket{model="m",version="2",le="+Inf"} 0',
      'x_duration_seconds_sum{model="m",version="2"} 0',
      'x_duration_seconds_count{model="m",version="2"} 0',
    ]);
    expect(() => promtool(`${text}\n`)).not.toThrow();
  });

  it('writes a histogram without labels and one with no bounds (only +Inf)', () => {
    expect(writeFamily(histogramFamily('x_rows', 'Rows.', [], [{ counts: [4], sum: 9 }])).split('\n').slice(2)).toEqual(['x_rows_bucket{le="+Inf"} 4', 'x_rows_sum 9', 'x_rows_count 4']);
  });

  it('writes an empty family as HELP and TYPE only, and the exposition stays valid', () => {
    const text = writeExposition([
      metricFamily('x_drift_psi', 'gauge', 'PSI.', []),
      histogramFamily('x_wait_seconds', 'Wait.', [0.1, 1], []),
      metricFamily('x_requests_total', 'counter', 'Requests.', [{ value: 3 }]),
    ]);
    expect(text).toBe(
      ['# HELP x_drift_psi PSI.', '# TYPE x_drift_psi gauge', '# HELP x_wait_seconds Wait.', '# TYPE x_wait_seconds histogram', '# HELP x_requests_total Requests.', '# TYPE x_requests_total counter', 'x_requests_total 3', ''].join('\n'),
    );
    expect(() => promtool(text)).not.toThrow();
    expect(writeExposition([])).toBe('');
  });

  it('refuses what no scraper would accept: bad names, le on a histogram series, mismatched counts, unordered bounds, a family twice', () => {
    expect(() => writeFamily(metricFamily('1x', 'gauge', 'h', []))).toThrow('invalid metric name "1x"');
    expect(() => writeFamily(metricFamily('x', 'gauge', 'h', [{ labels: { 'a-b': '1' }, value: 1 }]))).toThrow('x: invalid label name "a-b"');
    expect(() => writeFamily(metricFamily('x', 'gauge', 'h', [{ labels: { __name: '1' }, value: 1 }]))).toThrow('invalid label name "__name"');
    expect(() => writeFamily(histogramFamily('x', 'h', [1], [{ labels: { le: '1' }, counts: [0, 0], sum: 0 }]))).toThrow('invalid label name "le"');
    expect(() => writeFamily(histogramFamily('x', 'h', [1, 2], [{ counts: [0, 0], sum: 0 }]))).toThrow('x: 2 counts for 2 bounds');
    expect(() => writeFamily(histogramFamily('x', 'h', [2, 1], []))).toThrow('strictly increasing');
    expect(() => writeFamily(histogramFamily('x', 'h', [1, Infinity], []))).toThrow('finite');
    expect(() => writeExposition([metricFamily('x', 'gauge', 'h', []), metricFamily('x', 'counter', 'h', [])])).toThrow('metric family x written twice');
    // le is an ordinary label on a gauge.
    expect(writeFamily(metricFamily('x', 'gauge', 'h', [{ labels: { le: '1' }, value: 1 }]))).toContain('x{le="1"} 1');
  });
});
