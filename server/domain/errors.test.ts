import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GENERIC_ERROR_CODES, RULE_ERROR_CODES, refusalOf } from '../contracts/refusals';
import { DomainError, ERROR_TABLE, parseInput, refusal, STORAGE_ERROR_TABLE } from './errors';

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

describe('codes that name the rule', () => {
  // The statuses users saw before these codes existed (hand-written, not read from the table): a
  // rule code refines the generic code it replaced and keeps its status and tRPC code.
  const EXPECTED: Record<string, { http: number; trpc: string }> = {
    GATES_UNMET: { http: 409, trpc: 'CONFLICT' },
    INVALID_TRANSITION: { http: 409, trpc: 'CONFLICT' },
    FOUR_EYES: { http: 403, trpc: 'FORBIDDEN' },
    NOT_OWNER: { http: 403, trpc: 'FORBIDDEN' },
    NOT_REQUESTER: { http: 403, trpc: 'FORBIDDEN' },
    DEPLOYMENT_RUNNING: { http: 409, trpc: 'CONFLICT' },
    STALE_SNAPSHOT: { http: 409, trpc: 'CONFLICT' },
    LAST_ACTIVE_ADMIN: { http: 409, trpc: 'CONFLICT' },
    SAME_ORIGIN: { http: 403, trpc: 'FORBIDDEN' },
    JSON_CONTENT_TYPE: { http: 403, trpc: 'FORBIDDEN' },
    SCOPE_MISSING: { http: 403, trpc: 'FORBIDDEN' },
    ADMIN_REASON_REQUIRED: { http: 403, trpc: 'FORBIDDEN' },
    PERSON_REQUIRED: { http: 403, trpc: 'FORBIDDEN' },
    SYSTEM_ONLY: { http: 403, trpc: 'FORBIDDEN' },
    DEPLOYMENT_NOT_ACTIVE: { http: 409, trpc: 'CONFLICT' },
    ALREADY_PAUSED: { http: 409, trpc: 'CONFLICT' },
    NOT_PAUSED: { http: 409, trpc: 'CONFLICT' },
    REQUEST_ALREADY_OPEN: { http: 409, trpc: 'CONFLICT' },
    NO_PRODUCTION: { http: 409, trpc: 'CONFLICT' },
    NO_PREVIOUS: { http: 409, trpc: 'CONFLICT' },
    NOT_ARCHIVABLE: { http: 409, trpc: 'CONFLICT' },
    NO_LIVE_FIGURES: { http: 409, trpc: 'CONFLICT' },
    RESERVED_ALIAS: { http: 400, trpc: 'BAD_REQUEST' },
    COMMENT_REQUIRED: { http: 400, trpc: 'BAD_REQUEST' },
    INVALID_PLAN: { http: 400, trpc: 'BAD_REQUEST' },
  };

  it('maps each rule code to the HTTP status and tRPC code it always had', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...RULE_ERROR_CODES].sort());
    for (const code of RULE_ERROR_CODES) expect(ERROR_TABLE[code], code).toEqual(EXPECTED[code]);
  });

  it('has exactly the codes the contract names, generic and rule codes apart', () => {
    expect(Object.keys(ERROR_TABLE).sort()).toEqual([...GENERIC_ERROR_CODES, ...RULE_ERROR_CODES].sort());
    expect(GENERIC_ERROR_CODES.filter((c) => (RULE_ERROR_CODES as readonly string[]).includes(c))).toEqual([]);
  });

  it('a rule code maps to the tRPC code of the generic code with the same status', () => {
    const genericByStatus = new Map(GENERIC_ERROR_CODES.map((c) => [ERROR_TABLE[c].http, ERROR_TABLE[c].trpc]));
    for (const code of RULE_ERROR_CODES) expect(ERROR_TABLE[code].trpc, code).toBe(genericByStatus.get(ERROR_TABLE[code].http));
  });

  it('refusal() builds a DomainError carrying its code, status and typed details', () => {
    const unmet = [{ gate: 'benchmark' as const, met: false, reason: 'no latency benchmark has been measured' }];
    const err = refusal('GATES_UNMET', 'version 3 of churn cannot move to production', { model: 'churn', version: 3, to: 'production', unmet });
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe('GATES_UNMET');
    expect(err.httpStatus).toBe(409);
    expect(err.details).toEqual({ model: 'churn', version: 3, to: 'production', unmet });
  });

  it('refusalOf reads the details of the named code only', () => {
    const data = { code: 'FOUR_EYES', httpStatus: 403, details: { adminOverride: false, minReasonLength: 10 } };
    expect(refusalOf(data, 'FOUR_EYES')).toEqual({ adminOverride: false, minReasonLength: 10 });
    expect(refusalOf(data, 'GATES_UNMET')).toBeNull();
    expect(refusalOf({ code: 'FOUR_EYES', httpStatus: 403 }, 'FOUR_EYES')).toBeNull();
    expect(refusalOf(undefined, 'FOUR_EYES')).toBeNull();
  });
});
