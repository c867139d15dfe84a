import { describe, expect, it } from 'vitest';
import { matchesRegistryFilter, parseRegistryFilter } from './registry-search';

describe('registry search filters', () => {
  it('parses and matches name, run_id IN, tags and LIKE joined with AND', () => {
    const clauses = parseRegistryFilter("name LIKE 'fraud%' AND tags.team = 'risk' AND run_id IN ('a', 'b')");
    expect(clauses).toEqual([
      { field: 'name', op: 'LIKE', values: ['fraud%'] },
      { field: 'tags.team', op: '=', values: ['risk'] },
      { field: 'run_id', op: 'IN', values: ['a', 'b'] },
    ]);
    expect(matchesRegistryFilter(clauses, { name: 'fraud-v2', 'tags.team': 'risk', run_id: 'b' })).toBe(true);
    expect(matchesRegistryFilter(clauses, { name: 'fraud-v2', 'tags.team': 'risk', run_id: 'c' })).toBe(false);
    expect(matchesRegistryFilter(parseRegistryFilter("name ILIKE 'FR%'"), { name: 'fraud' })).toBe(true);
    expect(matchesRegistryFilter(parseRegistryFilter("name = 'it''s'"), { name: "it's" })).toBe(true);
    expect(parseRegistryFilter("name='a AND b'")).toEqual([{ field: 'name', op: '=', values: ['a AND b'] }]);
  });
  it('refuses unknown fields and unquoted values', () => {
    expect(() => parseRegistryFilter("color = 'red'")).toThrow(/cannot filter on/);
    expect(() => parseRegistryFilter('name = fraud')).toThrow(/quoted/);
  });
});
