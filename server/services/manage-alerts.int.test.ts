import { TRPCError } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../api/root';
import type { TPrincipal } from '../auth/principal';
import { makeUser, testDb } from '../testing/fixtures';
import { makeMonitoredModel } from '../testing/monitoring-fixtures';
import { raiseAlert } from '../records/raise-alert';

const callerAs = (principal: TPrincipal) => createCaller({ db: testDb().db, principal, authError: null, requestId: 'test' });
type Person = Awaited<ReturnType<typeof makeUser>>;

let engineer: Person;
let viewer: Person;
let modelName: string;
const ids: string[] = [];

beforeAll(async () => {
  [engineer, viewer] = await Promise.all([makeUser('engineer'), makeUser('viewer')]);
  const db = testDb().db;
  const { model, versions } = await makeMonitoredModel(db);
  modelName = model.name;
  const raise = (kind: 'drift' | 'latency' | 'error_rate', severity: 'warning' | 'critical', key: string) =>
    db.$transaction((tx) => raiseAlert(tx, new Date(), { kind, severity, model, modelVersionId: versions[1]!.id, title: `${kind} ${key}`, message: 'm', dedupeKey: key }));
  for (const [kind, severity, key] of [['drift', 'warning', 'k1'], ['latency', 'critical', 'k2'], ['error_rate', 'critical', 'k3']] as const) ids.push((await raise(kind, severity, key))!);
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    return err instanceof TRPCError ? err.code : String(err);
  }
}

describe('alerts router', () => {
  it('lists with filters and counts open alerts for the badge', async () => {
    const caller = callerAs(viewer.principal);
    expect(await caller.alerts.openCount()).toEqual({ open: 3, critical: 2 });
    const critical = await caller.alerts.list({ severity: ['critical'], modelName });
    expect(critical.alerts.map((a) => a.kind).sort()).toEqual(['error_rate', 'latency']);
    expect(critical.alerts[0]).toMatchObject({ model: modelName, version: 2 });
    const page = await caller.alerts.list({ limit: 2 });
    expect(page.alerts).toHaveLength(2);
    const rest = await caller.alerts.list({ limit: 2, cursor: page.nextCursor! });
    expect(rest.alerts).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    expect((await caller.alerts.list({ modelName: 'no-such-model' })).alerts).toEqual([]);
  });

  it('acknowledge and resolve are audited; repeating one is a conflict; viewers may not', async () => {
    const db = testDb().db;
    expect(await code(callerAs(viewer.principal).alerts.acknowledge({ alertId: ids[0]! }))).toBe('FORBIDDEN');
    const caller = callerAs(engineer.principal);
    const acked = await caller.alerts.acknowledge({ alertId: ids[0]!, comment: 'looking into the upstream feed' });
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: engineer.email });
    expect(await code(caller.alerts.acknowledge({ alertId: ids[0]! }))).toBe('CONFLICT');
    expect(await caller.alerts.openCount()).toEqual({ open: 2, critical: 2 });

    const resolved = await caller.alerts.resolve({ alertId: ids[0]! });
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolvedAt).not.toBeNull();
    expect(await code(caller.alerts.resolve({ alertId: ids[0]! }))).toBe('CONFLICT');
    expect(await code(caller.alerts.resolve({ alertId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');

    const events = await db.auditEvent.findMany({ where: { subjectType: 'alert', subjectId: ids[0]! }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.action, e.actorLabel, e.reason])).toEqual([
      ['alert.acknowledged', engineer.email, 'looking into the upstream feed'],
      ['alert.resolved', engineer.email, null],
    ]);
    expect(events[1]!.before).toMatchObject({ status: 'acknowledged' });

    // Resolved, the same condition may raise again.
    const { model } = { model: await db.registeredModel.findUniqueOrThrow({ where: { name: modelName } }) };
    const again = await db.$transaction((tx) => raiseAlert(tx, new Date(), { kind: 'drift', model, title: 't', message: 'm', dedupeKey: 'k1' }));
    expect(again).not.toBeNull();
  });
});
