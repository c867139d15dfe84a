import { describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken, parseExperimentFilter, parseRunFilter, parseRunOrderBy } from './run-search';

describe('parseRunFilter (MLflow search grammar)', () => {
  it('parses metrics, params, tags and attributes joined by AND', () => {
    expect(parseRunFilter(`metrics.acc > 0.9 and params.lr = '0.01' AND tags."mlflow.user" = "ada" AND attributes.status != 'FAILED'`)).toEqual([
      { entity: 'metric', key: 'acc', op: '>', value: 0.9 },
      { entity: 'param', key: 'lr', op: '=', value: '0.01' },
      { entity: 'tag', key: 'mlflow.user', op: '=', value: 'ada' },
      { entity: 'attribute', key: 'status', op: '!=', value: 'FAILED' },
    ]);
  });

  it('reads dotted unquoted keys, backticked keys, aliases and negative / exponent numbers', () => {
    expect(parseRunFilter('tags.mlflow.source.git.commit LIKE \'ab%\'')).toEqual([{ entity: 'tag', key: 'mlflow.source.git.commit', op: 'LIKE', value: 'ab%' }]);
    expect(parseRunFilter('metric.`val loss` <= -1.5e-3')).toEqual([{ entity: 'metric', key: 'val loss', op: '<=', value: -0.0015 }]);
    expect(parseRunFilter('run_name ILIKE \'%base%\' AND attribute.start_time >= 1700000000000')).toEqual([
      { entity: 'attribute', key: 'run_name', op: 'ILIKE', value: '%base%' },
      { entity: 'attribute', key: 'start_time', op: '>=', value: 1_700_000_000_000 },
    ]);
    expect(parseRunFilter("attributes.run_id IN ('a', 'b')")).toEqual([{ entity: 'attribute', key: 'run_id', op: 'IN', value: ['a', 'b'] }]);
    expect(parseRunFilter('   ')).toEqual([]);
  });

  it('refuses type mismatches, unknown attributes, OR and junk with a message that says why', () => {
    expect(() => parseRunFilter("metrics.acc > 'high'")).toThrow(/needs a number/);
    expect(() => parseRunFilter('metrics.acc LIKE 1')).toThrow(/numeric/);
    expect(() => parseRunFilter('params.lr > 1')).toThrow(/compares strings|string/);
    expect(() => parseRunFilter("attributes.colour = 'red'")).toThrow(/not a searchable attribute/);
    expect(() => parseRunFilter("params.a = 'x' OR params.b = 'y'")).toThrow(/OR is not supported/);
    expect(() => parseRunFilter("params.a = 'x")).toThrow(/unterminated quote/);
    expect(() => parseRunFilter("params.a IN ('x')")).toThrow(/only for attributes.run_id/);
  });

  it('parses order_by entries and round-trips page tokens', () => {
    expect(parseRunOrderBy(['metrics.acc DESC', 'params.lr', 'attributes.start_time asc'])).toEqual([
      { entity: 'metric', key: 'acc', ascending: false },
      { entity: 'param', key: 'lr', ascending: true },
      { entity: 'attribute', key: 'start_time', ascending: true },
    ]);
    expect(decodePageToken(encodePageToken(1234))).toBe(1234);
    expect(decodePageToken(undefined)).toBe(0);
    expect(() => decodePageToken('not-a-token')).toThrow(/page_token/);
  });

  it('parses experiment filters on name and tags', () => {
    expect(parseExperimentFilter("name LIKE 'vision%' AND tags.team = 'cv'")).toEqual([
      { field: 'name', key: 'name', op: 'LIKE', value: 'vision%' },
      { field: 'tag', key: 'team', op: '=', value: 'cv' },
    ]);
    expect(() => parseExperimentFilter("metrics.x = '1'")).toThrow(/name or tags/);
  });
});
