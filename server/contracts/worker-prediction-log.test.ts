import { describe, expect, it } from 'vitest';
import { ZPredictionLogRecord } from './worker-prediction-log';

const record = (over: Record<string, unknown> = {}) => ({
  request_id: 'r-1',
  item: 0,
  model: 'm',
  model_version: 1,
  variant: 'stable',
  input_hash: 'c'.repeat(64),
  prediction: 1,
  confidence: null,
  latency_ms: 0,
  timestamp: '2026-01-01T00:00:00.000Z',
  error: null,
  ...over,
});
const ok = (over: Record<string, unknown>) => ZPredictionLogRecord.safeParse(record(over)).success;

describe('ZPredictionLogRecord', () => {
  it('takes real calendar dates with a zone, in years 1-9999', () => {
    for (const timestamp of ['2028-02-29T12:00:00Z', '2026-06-30T23:59:59.999+02:00', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-01-01T00:00Z']) expect(ok({ timestamp }), timestamp).toBe(true);
    for (const timestamp of ['2026-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T25:00:00Z', '2026-01-01', '2026-01-01T00:00:00', '0000-06-01T00:00:00Z', '0001-01-01T00:00:00+01:00', '1700000000000', ''])
      expect(ok({ timestamp }), timestamp).toBe(false);
  });

  it('keeps integers within int4 and numbers finite', () => {
    expect(ok({ item: 2_147_483_647, model_version: 2_147_483_647 })).toBe(true);
    for (const over of [{ item: 2_147_483_648 }, { item: -1 }, { item: 1.5 }, { model_version: 0 }, { model_version: 2_147_483_648 }, { latency_ms: Infinity }, { confidence: Number.NaN }, { prediction: -Infinity }, { inputs: [1, Infinity] }])
      expect(ok(over), JSON.stringify(over)).toBe(false);
  });

  it('refuses NUL everywhere and control characters in identifiers; free text keeps tabs and line breaks', () => {
    expect(ok({ error: 'line 1\nline 2\ttab\r\n', prediction: 'a label with spaces', routing_key: '' })).toBe(true);
    for (const over of [{ request_id: 'a\u0000' }, { model: 'm\u001b' }, { routing_key: 'k\u0085' }, { error: 'e\u0000' }, { prediction: '\ud800' }, { request_id: '' }, { routing_key: 'k'.repeat(257) }])
      expect(ok(over), JSON.stringify(over)).toBe(false);
  });
});
