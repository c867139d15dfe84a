import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError, ERROR_TABLE, parseInput } from './errors';

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
});
