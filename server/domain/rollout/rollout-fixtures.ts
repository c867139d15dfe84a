import type { TModelStage } from '../../contracts/model-registry';
import type { TRolloutActor } from './actor';
import type { TDeploymentFacts, TRequestFacts, TRolloutSnapshot, TVersionFacts } from './snapshot';

/*
 * Test-only builders for rollout snapshots and the actors the rules tell apart. The scope lists
 * are written out here (not imported from server/auth): they are what the permission table
 * grants today, and a test that read the table would follow it blindly.
 */

const READ = ['experiment:read', 'dataset:read', 'model:read', 'deployment:read', 'monitoring:read', 'audit:read'];
export const ENGINEER_SCOPES = [...READ, 'experiment:write', 'dataset:write', 'model:write', 'model:approve', 'deployment:write', 'feedback:write', 'token:manage'];
export const ADMIN_SCOPES = [...ENGINEER_SCOPES, 'worker:report', 'user:manage'];
export const INGEST_SCOPES = ['experiment:read', 'experiment:write', 'dataset:read', 'dataset:write', 'model:read', 'model:write', 'feedback:write', 'monitoring:read'];
export const WORKER_SCOPES = ['model:read', 'deployment:read', 'worker:report'];

export const U = { owner: 'u-owner', requester: 'u-requester', engineer: 'u-engineer', other: 'u-other', viewer: 'u-viewer', admin: 'u-admin' } as const;

const user = (userId: string, label: string, scopes: string[], isAdmin = false): TRolloutActor => ({ kind: 'user', userId, label, scopes, isAdmin });

/** The actor kinds of the acceptance table. Owners of the model: owner and requester. */
export const ACTORS = {
  /** An owner who did not request or start anything. */
  owner: user(U.owner, 'owner@x', ENGINEER_SCOPES),
  /** An owner who requested the promotion and started the deployment. */
  requester: user(U.requester, 'requester@x', ENGINEER_SCOPES),
  /** An engineer who does not own the model. */
  otherEngineer: user(U.other, 'other@x', ENGINEER_SCOPES),
  /** An engineer who does not own the model and, in the tables' second world, asked for the promotion / canary. */
  engineerRequester: user(U.engineer, 'engineer@x', ENGINEER_SCOPES),
  viewer: user(U.viewer, 'viewer@x', READ),
  /** An admin who does not own the model; the reason (or none) is in the command. */
  admin: user(U.admin, 'admin@x', ADMIN_SCOPES, true),
  /** A CI token of the requester: ingest grants (model:write, no model:approve). */
  ingestToken: { kind: 'token', userId: U.requester, label: 'token:ci', scopes: INGEST_SCOPES, isAdmin: false } as TRolloutActor,
  /** A worker token of the owner. */
  workerToken: { kind: 'token', userId: U.owner, label: 'token:worker', scopes: WORKER_SCOPES, isAdmin: false } as TRolloutActor,
  /** An admin-grant token of the admin. */
  adminToken: { kind: 'token', userId: U.admin, label: 'token:ops', scopes: ADMIN_SCOPES, isAdmin: true } as TRolloutActor,
  /** The deployment evaluator / archival job. */
  system: { kind: 'system', userId: null, label: 'system:deployment-evaluator', scopes: [], isAdmin: false } as TRolloutActor,
} satisfies Record<string, TRolloutActor>;
export type TActorName = keyof typeof ACTORS;
export const ACTOR_NAMES = Object.keys(ACTORS) as TActorName[];

export const NOW = new Date('2026-06-01T12:00:00Z');
export const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
export const ADMIN_REASON = 'incident 7: both owners are on leave';

export function version(n: number, stage: TModelStage, over: Partial<TVersionFacts> = {}): TVersionFacts {
  return {
    id: `v-${n}`,
    version: n,
    stage,
    complete: true,
    missing: [],
    validations: [{ name: 'holdout', metric: 'accuracy', comparator: '>=', threshold: 0.9, observed: 0.93, passed: true }],
    benchmark: { hardware: 'cpu', batchSize: 8, p50Ms: 10, p99Ms: 40, throughput: 900, measuredAt: '2026-05-01T00:00:00Z' },
    evidenceMarker: { lastValidationId: `val-${n}`, lastBenchmarkId: `bench-${n}` },
    enteredProductionAt: stage === 'production' ? daysAgo(10) : null,
    leftProductionAt: null,
    lastServedAt: stage === 'production' ? NOW : null,
    ...over,
  };
}

export function request(id: string, v: TVersionFacts, over: Partial<TRequestFacts> = {}): TRequestFacts {
  return {
    id,
    versionId: v.id,
    status: 'requested',
    requestedById: U.requester,
    requestedByLabel: 'requester@x',
    evidence: { ...v.evidenceMarker },
    replacesVersionId: 'v-2',
    canary: null,
    decidedByLabel: null,
    overrideReason: null,
    staleReason: null,
    ...over,
  };
}

export function deployment(over: Partial<TDeploymentFacts> = {}): TDeploymentFacts {
  return {
    id: 'd-1',
    strategy: 'canary',
    status: 'running',
    candidateVersionId: 'v-3',
    stableVersionId: 'v-2',
    candidateWeight: 500,
    steps: [500],
    stepIndex: 0,
    stepDurationS: 3_600,
    stepStartedAt: new Date(NOW.getTime() - 600_000),
    autoPromote: true,
    createdById: U.requester,
    promotionRequest: null,
    live: { kind: 'canary', candidate: { requests: 50, errors: 0, p99Ms: 20 }, stable: { requests: 5_000, errors: 5 } },
    ...over,
  };
}

/**
 * The usual model: v1 once served production and is `previous` (staging), v2 is production,
 * v3 a complete staging candidate passing its evidence gates. Owners: owner and requester.
 */
export function snapshot(over: Partial<TRolloutSnapshot> = {}): TRolloutSnapshot {
  return {
    model: { id: 'm-1', name: 'churn', slaClass: 'realtime' },
    owners: [U.owner, U.requester],
    versions: [
      version(1, 'staging', { enteredProductionAt: daysAgo(40), leftProductionAt: daysAgo(10), lastServedAt: daysAgo(10) }),
      version(2, 'production'),
      version(3, 'staging'),
    ],
    aliases: [
      { alias: 'previous', versionId: 'v-1' },
      { alias: 'production', versionId: 'v-2' },
    ],
    requests: [],
    deployments: [],
    now: NOW,
    newIds: { request: 'r-new', deployment: 'd-new' },
    ...over,
  };
}
