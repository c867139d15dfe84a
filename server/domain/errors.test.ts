import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError, ERROR_TABLE, parseInput, STORAGE_ERROR_TABLE } from './errors';

describe('error table', () => {
  it('maps every code to a 4xx or 5xx status', () => {
    for (const [code, { http }] of Object.entries(ERROR_TABLE)) {
      expect(http, code).toBeGreaterThanOrEqual(400);
      expect(http, code).toBeLessThan(600);
    }
    expect(new DomainError('CONFLICT', 'x').httpStatus).toBe(409);
  });

  it('parseInput names each failing field and its rule', () => {
    const schema = z.object({ name: z.string().min(1, 'is required'), nested: z.object({ n: z.number().int('must be an integer') }) });
    try {
      parseInput(schema, { name: '', nested: { n: 1.5 } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('BAD_REQUEST');
      expect((err as DomainError).message).toBe('invalid input: name: is required; nested.n: must be an integer');
    }
  });

  it('maps every database refusal it lists to a 4xx: the request caused it', () => {
    for (const [code, entry] of Object.entries(STORAGE_ERROR_TABLE)) {
      expect(code, code).toMatch(/^(P\d{4}|[0-9A-Z]{5})$/);
      expect(ERROR_TABLE[entry.code].http, code).toBeGreaterThanOrEqual(400);
      expect(ERROR_TABLE[entry.code].http, code).toBeLessThan(500);
    }
    expect(STORAGE_ERROR_TABLE['23505']!.code).toBe('CONFLICT');
    expect(STORAGE_ERROR_TABLE['22021']!.code).toBe('BAD_REQUEST');
    expect(STORAGE_ERROR_TABLE['22003']!.code).toBe('BAD_REQUEST');
  });
});
