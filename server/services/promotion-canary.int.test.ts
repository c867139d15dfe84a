/*
 * A promotion request that asks for a canary: the owner's approval starts the canary rather than
 * promoting at once, the version stays in staging while it runs, and the promotion it ends in
 * records the approver (four-eyes carried through the rollout). Refusals change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVersion, callerAs, makeRegistryPeople, newModel, type TRegistry } from '../testing/deployment-fixtures';
import { testDb } from '../testing/fixtures';
import { resolveDesiredState } from './resolve-desired-state';

let p: TRegistry;
beforeAll(async () => {
  p = await makeRegistryPeople();
});
afterAll(() => undefined);

const db = () => testDb().db;

describe('promotion requests with a canary rollout', () => {
  it('approval starts the canary; promoting it records the approver; the request and history show it', async () => {
    const name = await newModel(p);
    const stable = await addVersion(p, name, { stage: 'production' });
    const candidate = await addVersion(p, name);
    const engineer = callerAs(p.engineer.principal);
    const owner = callerAs(p.owner.principal);

    const request = await engineer.promotions.request({ modelName: name, version: candidate.version, comment: 'better recall', canary: { percent: 10, durationS: 3_600 } });
    const approved = await owner.promotions.approve({ requestId: request.id, comment: 'canary it' });
    expect(approved).toMatchObject({ status: 'approved', deploymentId: expect.any(String) });

    const deployment = await db().deployment.findUniqueOrThrow({ where: { id: approved.deploymentId! } });
    expect(deployment).toMatchObject({ strategy: 'canary', status: 'running', candidateWeight: 1_000, stepDurationS: 3_600, promotionRequestId: request.id, candidateVersionId: candidate.id, stableVersionId: stable.id });
    // Still staging while the canary runs; the worker's desired state splits 90/10.
    expect((await db().modelVersion.findUniqueOrThrow({ where: { id: candidate.id } })).stage).toBe('staging');
    const state = await resolveDesiredState(db(), [`${name}@production`]);
    expect(state.models[0]!.versions.map((v) => [v.version, v.weight])).toEqual([
      [stable.version, 9_000],
      [candidate.version, 1_000],
    ]);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { subjectId: request.id, action: 'promotion.approved' } });
    expect(audit.after).toMatchObject({ rollout: 'canary', deploymentId: deployment.id });

    const model = await owner.models.get({ name });
    expect(model.promotions[0]).toMatchObject({ status: 'approved', canary: { percent: 10, durationS: 3_600 }, deployment: { id: deployment.id, status: 'running' } });
    // The candidate's approval gate is met by the approval its canary carries; a new request waits for the canary.
    expect(model.versions.find((v) => v.version === candidate.version)!.gates.find((g) => g.gate === 'approval')).toMatchObject({ met: true });
    await expect(engineer.promotions.request({ modelName: name, version: candidate.version })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/deciding production: request again once it has ended/) });

    // An owner other than the requester may end the canary early; the request's approval goes with it into the stage change.
    await owner.deployments.promote({ deploymentId: deployment.id });
    expect((await db().modelVersion.findUniqueOrThrow({ where: { id: candidate.id } })).stage).toBe('production');
    const change = await db().auditEvent.findFirstOrThrow({ where: { subjectId: candidate.id, action: 'model_version.stage_changed' }, orderBy: { id: 'desc' } });
    expect(change.after).toMatchObject({ stage: 'production', approvedBy: `${p.owner.email} (promotion request ${request.id}); promoted early by ${p.owner.email}` });
  });

  it('while the canary runs, production changes only through it; its requester cannot cut it short', async () => {
    const name = await newModel(p);
    const stable = await addVersion(p, name, { stage: 'production' });
    const candidate = await addVersion(p, name);
    const other = await addVersion(p, name);
    const owner = callerAs(p.owner.principal);
    // owner2 owns the model and asks for the canary; owner approves it.
    // A direct request made before the canary started.
    const direct = await callerAs(p.engineer.principal).promotions.request({ modelName: name, version: other.version });
    const request = await callerAs(p.owner2.principal).promotions.request({ modelName: name, version: candidate.version, canary: { percent: 10 } });
    const { deploymentId } = await owner.promotions.approve({ requestId: request.id });

    await expect(callerAs(p.engineer.principal).promotions.request({ modelName: name, version: other.version, comment: 'again' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(owner.promotions.approve({ requestId: direct.id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/has a running canary deployment .*: promote or roll it back before changing production/) });
    await expect(owner.versions.rollback({ modelName: name })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(owner.versions.archive({ modelName: name, version: stable.version, reason: 'retire' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await db().promotionRequest.findUniqueOrThrow({ where: { id: direct.id } })).toMatchObject({ status: 'requested' });
    expect((await owner.models.get({ name })).aliases.find((a: { alias: string }) => a.alias === 'production')).toMatchObject({ version: stable.version });

    await expect(callerAs(p.owner2.principal).deployments.promote({ deploymentId: deploymentId! })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/you requested this rollout/) });
    await callerAs(p.owner.principal).deployments.rollback({ deploymentId: deploymentId!, reason: 'not now' });
    // With the canary ended, the direct request can be approved again.
    await owner.promotions.approve({ requestId: direct.id });
    expect((await db().modelVersion.findUniqueOrThrow({ where: { id: other.id } })).stage).toBe('production');
  });

  it('refuses a canary without a production version, bad canary options, and an approval while another deployment runs - changing nothing', async () => {
    const name = await newModel(p);
    const first = await addVersion(p, name);
    const engineer = callerAs(p.engineer.principal);
    const owner = callerAs(p.owner.principal);
    await expect(engineer.promotions.request({ modelName: name, version: first.version, canary: { percent: 10 } })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/no production version for a canary.*direct promotion/),
    });
    await expect(engineer.promotions.request({ modelName: name, version: first.version, canary: { percent: 0 } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/percent.*above 0%/) });
    await expect(engineer.promotions.request({ modelName: name, version: first.version, canary: { steps: [50, 25] } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/steps must increase/) });
    expect(await db().promotionRequest.count({ where: { model: { name } } })).toBe(0);

    // v1 to production directly; v2 as a canary; v3 asks for one too but v2's canary is running.
    const direct = await engineer.promotions.request({ modelName: name, version: first.version });
    await owner.promotions.approve({ requestId: direct.id });
    const second = await addVersion(p, name);
    const third = await addVersion(p, name);
    const r2 = await engineer.promotions.request({ modelName: name, version: second.version, canary: { percent: 5 } });
    const r3 = await engineer.promotions.request({ modelName: name, version: third.version, canary: { percent: 5 } });
    await owner.promotions.approve({ requestId: r2.id });
    await expect(owner.promotions.approve({ requestId: r3.id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already has a running deployment/) });
    expect(await db().promotionRequest.findUniqueOrThrow({ where: { id: r3.id } })).toMatchObject({ status: 'requested', decidedAt: null });
    const { id: modelId } = await db().registeredModel.findUniqueOrThrow({ where: { name } });
    expect(await db().deployment.count({ where: { modelId } })).toBe(1);
  });
});
