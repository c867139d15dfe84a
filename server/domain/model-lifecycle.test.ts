import { describe, expect, it } from 'vitest';
import { MODEL_STAGES, type TModelStage } from '../contracts/model-registry';
import {
  checkApprover,
  checkTransition,
  compareToThreshold,
  isArchivable,
  stageFromMlflow,
  TRANSITIONS,
  unmetGates,
  type TGateEvidence,
  type TTransitionCause,
} from './model-lifecycle';

const CAUSES: TTransitionCause[] = ['promote', 'demote', 'replaced', 'rollback', 'restore', 'archive', 'auto-archive'];

// The whole table, written out independently of TRANSITIONS: from -> to -> the causes allowed.
const ALLOWED: Record<string, TTransitionCause[]> = {
  'development->staging': ['promote'],
  'development->archived': ['archive', 'auto-archive'],
  'staging->development': ['demote'],
  'staging->production': ['promote', 'restore'],
  'staging->archived': ['archive', 'auto-archive'],
  'production->staging': ['replaced', 'rollback'],
  'production->archived': ['archive'],
};

describe('lifecycle transition table', () => {
  const cases = MODEL_STAGES.flatMap((from) => MODEL_STAGES.flatMap((to) => CAUSES.map((cause) => [from, to, cause] as [TModelStage, TModelStage, TTransitionCause])));
  it.each(cases)('%s -> %s by %s', (from, to, cause) => {
    const allowed = (ALLOWED[`${from}->${to}`] ?? []).includes(cause);
    const result = checkTransition(from, to, cause);
    expect(result.ok).toBe(allowed);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
  });

  it('has exactly the allowed entries', () => {
    expect(TRANSITIONS).toHaveLength(Object.values(ALLOWED).flat().length);
  });

  it('gates: to staging needs complete + validation; to production by promotion needs all four; the others none', () => {
    expect(checkTransition('development', 'staging', 'promote')).toEqual({ ok: true, gates: ['complete', 'validation'] });
    expect(checkTransition('staging', 'production', 'promote')).toEqual({ ok: true, gates: ['complete', 'validation', 'benchmark', 'approval'] });
    expect(checkTransition('staging', 'production', 'restore')).toEqual({ ok: true, gates: [] });
    expect(checkTransition('production', 'staging', 'rollback')).toEqual({ ok: true, gates: [] });
  });

  it('explains refusals', () => {
    expect(checkTransition('archived', 'staging', 'promote')).toMatchObject({ ok: false, reason: expect.stringMatching(/archived/) });
    expect(checkTransition('production', 'development', 'demote')).toMatchObject({ ok: false, reason: expect.stringMatching(/replaces it|rolled back|archives/) });
    expect(checkTransition('development', 'production', 'promote')).toMatchObject({ ok: false, reason: expect.stringMatching(/from staging only/) });
    expect(checkTransition('production', 'archived', 'auto-archive')).toMatchObject({ ok: false, reason: expect.stringMatching(/never archives the production/) });
    expect(checkTransition('staging', 'staging', 'promote')).toMatchObject({ ok: false, reason: expect.stringMatching(/already in staging/) });
  });
});

const evidence = (over: Partial<TGateEvidence> = {}): TGateEvidence => ({
  complete: true,
  missing: [],
  validations: [{ name: 'holdout', metric: 'accuracy', comparator: '>=', threshold: 0.9, observed: 0.93, passed: true }],
  benchmark: { hardware: 'cpu', batchSize: 8, p50Ms: 10, p99Ms: 40, throughput: 900, measuredAt: '2026-01-01T00:00:00Z' },
  slaClass: 'realtime',
  approval: { approvedBy: 'owner@x', override: null },
  ...over,
});
const ALL = ['complete', 'validation', 'benchmark', 'approval'] as const;

describe('gates', () => {
  it('all met: nothing unmet', () => expect(unmetGates(ALL, evidence())).toEqual([]));

  it('lists each unmet gate with its reason', () => {
    const unmet = unmetGates(ALL, evidence({ complete: false, missing: ['onnx', 'metrics'], validations: [], benchmark: null, approval: null }));
    expect(unmet.map((u) => u.gate)).toEqual(['complete', 'validation', 'benchmark', 'approval']);
    expect(unmet[0]!.reason).toMatch(/missing onnx, metrics/);
    expect(unmet[1]!.reason).toMatch(/no validation checks/);
    expect(unmet[2]!.reason).toMatch(/p99 <= 100 ms/);
  });

  it('a failed check fails validation, naming it', () => {
    const unmet = unmetGates(['validation'], evidence({ validations: [{ name: 'holdout', metric: 'accuracy', comparator: '>=', threshold: 0.9, observed: 0.8, passed: false }] }));
    expect(unmet).toEqual([{ gate: 'validation', met: false, reason: expect.stringMatching(/holdout \(accuracy 0.8 not >= 0.9\)/) }]);
  });

  it('SLA: realtime p99 <= 100 ms, batch p99 <= 5000 ms, boundaries inclusive', () => {
    const bench = (p99Ms: number) => ({ hardware: 'cpu', batchSize: 1, p50Ms: 1, p99Ms, throughput: 1, measuredAt: '' });
    expect(unmetGates(['benchmark'], evidence({ benchmark: bench(100) }))).toEqual([]);
    expect(unmetGates(['benchmark'], evidence({ benchmark: bench(100.5) }))[0]!.reason).toMatch(/breaks the realtime SLA/);
    expect(unmetGates(['benchmark'], evidence({ slaClass: 'batch', benchmark: bench(5000) }))).toEqual([]);
    expect(unmetGates(['benchmark'], evidence({ slaClass: 'batch', benchmark: bench(5001) }))).toHaveLength(1);
  });

  it('compares thresholds; NaN never passes', () => {
    expect(compareToThreshold(0.9, '>=', 0.9)).toBe(true);
    expect(compareToThreshold(0.9, '>', 0.9)).toBe(false);
    expect(compareToThreshold(0.1, '<=', 0.2)).toBe(true);
    expect(compareToThreshold(0.3, '<', 0.2)).toBe(false);
    expect(compareToThreshold(1, '==', 1)).toBe(true);
    expect(compareToThreshold(Number.NaN, '<=', 1)).toBe(false);
  });
});

describe('four-eyes approval', () => {
  it('an owner who is not the requester approves', () => {
    expect(checkApprover({ approverId: 'b', requesterId: 'a', isOwner: true, isAdmin: false })).toEqual({ ok: true, override: null });
  });
  it('the requester cannot approve, even as owner', () => {
    expect(checkApprover({ approverId: 'a', requesterId: 'a', isOwner: true, isAdmin: false })).toMatchObject({ ok: false, rule: 'FOUR_EYES', adminOverride: false, reason: expect.stringMatching(/four-eyes/) });
  });
  it('a non-owner cannot approve', () => {
    expect(checkApprover({ approverId: 'c', requesterId: 'a', isOwner: false, isAdmin: false })).toMatchObject({ ok: false, rule: 'NOT_OWNER', reason: expect.stringMatching(/only an owner/) });
  });
  it('an admin overrides only with a written reason', () => {
    expect(checkApprover({ approverId: 'a', requesterId: 'a', isOwner: false, isAdmin: true })).toMatchObject({ ok: false, rule: 'FOUR_EYES', adminOverride: true, reason: expect.stringMatching(/written reason/) });
    expect(checkApprover({ approverId: 'a', requesterId: 'a', isOwner: true, isAdmin: true, overrideReason: 'short' })).toMatchObject({ ok: false });
    expect(checkApprover({ approverId: 'a', requesterId: 'a', isOwner: false, isAdmin: true, overrideReason: 'incident 42: the on-call owner is away' })).toEqual({
      ok: true,
      override: 'incident 42: the on-call owner is away',
    });
  });
  it('the system cannot approve', () => {
    expect(checkApprover({ approverId: null, requesterId: 'a', isOwner: false, isAdmin: true, overrideReason: 'a long enough reason' })).toMatchObject({ ok: false, rule: 'NO_PERSON' });
  });
});

describe('archival policy', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
  it('archives what has not served for 90 days, by last-served time first', () => {
    expect(isArchivable({ stage: 'staging', lastServedAt: daysAgo(90), leftProductionAt: null }, now)).toBe(true);
    expect(isArchivable({ stage: 'staging', lastServedAt: daysAgo(89), leftProductionAt: daysAgo(200) }, now)).toBe(false);
    expect(isArchivable({ stage: 'staging', lastServedAt: null, leftProductionAt: daysAgo(91) }, now)).toBe(true);
    expect(isArchivable({ stage: 'development', lastServedAt: null, leftProductionAt: daysAgo(89) }, now)).toBe(false);
  });
  it('never the production version, an archived one, or one that never served', () => {
    expect(isArchivable({ stage: 'production', lastServedAt: daysAgo(400), leftProductionAt: daysAgo(400) }, now)).toBe(false);
    expect(isArchivable({ stage: 'archived', lastServedAt: daysAgo(400), leftProductionAt: null }, now)).toBe(false);
    expect(isArchivable({ stage: 'development', lastServedAt: null, leftProductionAt: null }, now)).toBe(false);
  });
});

describe('MLflow stage names', () => {
  it('map both ways', () => {
    expect(['None', 'Staging', 'Production', 'Archived', 'production', ' none '].map(stageFromMlflow)).toEqual(['development', 'staging', 'production', 'archived', 'production', 'development']);
    expect(stageFromMlflow('Canary')).toBeNull();
  });
});
