import { encode } from 'next-auth/jwt';
import { beforeAll, describe, expect, it } from 'vitest';
import * as mlflow from '@/app/api/2.0/mlflow/[...path]/route';
import { callerAs } from '../testing/deployment-fixtures';
import { makeToken, makeUser, testDb } from '../testing/fixtures';
import { insertPredictionLogs, makeDeployment, makeMonitoredModel } from '../testing/monitoring-fixtures';
import { createRegisteredModel } from './create-registered-model';
import { ctxAs } from '../testing/fixtures';

/*
 * Renaming, deleting and editing a model are owner actions on every surface (MLflow REST and
 * tRPC alike): a model:write holder that does not own the model - an engineer, a CI ingest
 * token - is refused, an admin needs a reason; a served model is not renamed (409), since
 * workers and the prediction log address it by name. Tag and description changes are audited
 * in the change's transaction.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Person = Awaited<ReturnType<typeof makeUser>>;
const db = () => testDb().db;
let owner: Person;
let engineer: Person;
let admin: Person;
let ingest: Record<string, string>;
let ownerIngest: Record<string, string>;
let ownerSession: Record<string, string>;
let seq = 0;

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', endpoint: string, body: Json, headers: Record<string, string>) {
  const res = (await (mlflow[method] as (r: Request) => Promise<Response>)(
    new Request(`http://localhost:3000/api/2.0/mlflow/${endpoint}`, { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  )) as Response;
  return { status: res.status, json: (await res.json()) as Json };
}

async function ownedModel() {
  const name = `admin-${Date.now().toString(36)}-${seq++}`;
  await createRegisteredModel(ctxAs(owner.principal), { name, description: 'first', tags: [{ key: 'team', value: 'risk' }] });
  return name;
}

beforeAll(async () => {
  [owner, engineer, admin] = await Promise.all([makeUser('engineer'), makeUser('engineer'), makeUser('admin')]);
  ingest = (await makeToken('engineer', ['ingest'])).bearer;
  const mine = await (await import('./create-api-token')).createApiToken(ctxAs(owner.principal), { name: `ci-${seq++}`, scopes: ['ingest'] });
  ownerIngest = { authorization: `Bearer ${mine.secret}` };
  // A browser session: same-origin Origin, as the cross-site guard requires of signed-in changes.
  ownerSession = { cookie: `next-auth.session-token=${await encode({ token: { sub: owner.id, email: owner.email }, secret: process.env.NEXTAUTH_SECRET! })}`, origin: 'http://localhost:3000' };
});

describe('model administration needs ownership', () => {
  it('MLflow rename, update, set-tag, delete-tag, delete: refused for ingest tokens (even the owner\'s), allowed for the owner', async () => {
    const name = await ownedModel();
    const attempts: [Parameters<typeof call>[0], string, Json][] = [
      ['POST', 'registered-models/rename', { name, new_name: `${name}-stolen` }],
      ['PATCH', 'registered-models/update', { name, description: 'defaced' }],
      ['POST', 'registered-models/set-tag', { name, key: 'team', value: 'other' }],
      ['DELETE', 'registered-models/delete-tag', { name, key: 'team' }],
      ['DELETE', 'registered-models/delete', { name }],
    ];
    for (const token of [ingest, ownerIngest]) {
      for (const [method, endpoint, body] of attempts) {
        const res = await call(method, endpoint, body, token);
        expect(res, endpoint).toMatchObject({ status: 403, json: { error_code: 'PERMISSION_DENIED', message: expect.stringMatching(/model:approve/) } });
      }
    }
    const model = await db().registeredModel.findUniqueOrThrow({ where: { name }, include: { tags: true } });
    expect(model).toMatchObject({ name, description: 'first', tags: [expect.objectContaining({ key: 'team', value: 'risk' })] });

    // Another engineer's session holds model:approve but does not own the model.
    const otherSession = { cookie: `next-auth.session-token=${await encode({ token: { sub: engineer.id, email: engineer.email }, secret: process.env.NEXTAUTH_SECRET! })}`, origin: 'http://localhost:3000' };
    expect(await call('POST', 'registered-models/rename', { name, new_name: `${name}-stolen` }, otherSession)).toMatchObject({
      status: 403,
      json: { message: `only an owner of model ${name} (or an admin, with a reason) may rename the model` },
    });
    // An admin through MLflow has no way to give a reason: refused, pointing at the field.
    const adminToken = (await makeToken('admin', ['admin'])).bearer;
    expect(await call('POST', 'registered-models/rename', { name, new_name: `${name}-stolen` }, adminToken)).toMatchObject({ status: 403, json: { message: expect.stringMatching(/written reason/) } });

    expect(await call('POST', 'registered-models/set-tag', { name, key: 'tier', value: 'gold' }, ownerSession)).toMatchObject({ status: 200 });
    expect(await call('POST', 'registered-models/rename', { name, new_name: `${name}-x` }, ownerSession)).toMatchObject({ status: 200, json: { registered_model: { name: `${name}-x` } } });
  });

  it('tRPC: engineers who do not own the model are refused; an admin acts with a reason, audited', async () => {
    const name = await ownedModel();
    await expect(callerAs(engineer.principal).models.rename({ name, newName: `${name}-stolen` })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(engineer.principal).models.update({ name, description: 'defaced' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(engineer.principal).models.setTag({ name, key: 'team', value: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(engineer.principal).models.delete({ name })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(admin.principal).models.rename({ name, newName: `${name}-a` })).rejects.toMatchObject({ code: 'FORBIDDEN', message: /written reason of at least 10 characters \(reason\)/ });
    const renamed = await callerAs(admin.principal).models.rename({ name, newName: `${name}-a`, reason: 'naming convention, ticket OPS-88' });
    expect(renamed.name).toBe(`${name}-a`);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: 'model.renamed', subjectId: renamed.id } });
    expect(event).toMatchObject({ actorLabel: admin.email, reason: 'naming convention, ticket OPS-88', before: { name }, after: { name: `${name}-a`, as: 'admin' } });
    // Bad input is a 400 naming the field.
    await expect(callerAs(owner.principal).models.setTag({ name: `${name}-a`, key: 'bad\u0000key', value: 'v' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /key: contains a NUL character/ });
    await expect(callerAs(owner.principal).models.setTag({ name: `${name}-a`, key: 'k'.repeat(251), value: 'v' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /key: must be at most 250 characters/ });
  });
});

describe('a served model keeps its name', () => {
  it('refused with 409 while a version is in production, a deployment runs, or traffic was seen in the last 15 minutes', async () => {
    const { model, versions } = await makeMonitoredModel(db(), { versions: 2 });
    await db().modelOwner.create({ data: { modelId: model.id, userId: owner.id } });
    const rename = () => callerAs(owner.principal).models.rename({ name: model.name, newName: `${model.name}-new` });

    await expect(rename()).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/version 1 in production.*cannot be renamed while served/) });
    expect(await call('POST', 'registered-models/rename', { name: model.name, new_name: `${model.name}-new` }, ownerSession)).toMatchObject({ status: 400, json: { error_code: 'INVALID_STATE' } });

    await db().modelVersion.update({ where: { id: versions[0]!.id }, data: { stage: 'archived' } });
    const deployment = await makeDeployment(db(), model.id, { stableVersionId: versions[0]!.id, candidateVersionId: versions[1]!.id, strategy: 'canary' });
    await expect(rename()).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`a running deployment (${deployment.id})`) });

    await db().deployment.update({ where: { id: deployment.id }, data: { status: 'promoted', activeModelId: null, endedAt: new Date() } });
    await insertPredictionLogs(db(), [{ ts: new Date(Date.now() - 60_000), requestId: `r-${seq++}`, modelVersionId: versions[1]!.id, variant: 'stable' }]);
    await expect(rename()).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('prediction traffic at') });
    expect(await db().registeredModel.findUnique({ where: { id: model.id } })).toMatchObject({ name: model.name });

    // Traffic older than the window: nothing serves it any more, the rename goes through.
    await db().predictionLog.deleteMany({ where: { modelVersionId: versions[1]!.id } });
    await insertPredictionLogs(db(), [{ ts: new Date(Date.now() - 3_600_000), requestId: `r-${seq++}`, modelVersionId: versions[1]!.id, variant: 'stable' }]);
    await db().versionTraffic.create({ data: { modelVersionId: versions[1]!.id, workerId: 'w1', minute: new Date(Date.now() - 3_600_000), requests: 10 } });
    expect((await rename()).name).toBe(`${model.name}-new`);
  });

  it('recent per-minute traffic reports count as serving too', async () => {
    const { model, versions } = await makeMonitoredModel(db(), { versions: 2 });
    await db().modelOwner.create({ data: { modelId: model.id, userId: owner.id } });
    await db().modelVersion.update({ where: { id: versions[0]!.id }, data: { stage: 'archived' } });
    await db().versionTraffic.create({ data: { modelVersionId: versions[1]!.id, workerId: 'w1', minute: new Date(Date.now() - 120_000), requests: 3 } });
    await expect(callerAs(owner.principal).models.rename({ name: model.name, newName: `${model.name}-new` })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('tag and description changes are audited', () => {
  it('models (owner) and versions (model:write) through MLflow and tRPC: one audit event per change, with before and after', async () => {
    const name = await ownedModel();
    const model = await db().registeredModel.findUniqueOrThrow({ where: { name } });
    const { versions } = { versions: [await db().modelVersion.create({ data: { modelId: model.id, version: 1, source: 'mem://v1' } })] };
    const auditOf = async (subjectId: string) => (await db().auditEvent.findMany({ where: { subjectId }, orderBy: { id: 'asc' } })).map((a) => ({ action: a.action, before: a.before, after: a.after }));

    expect((await call('PATCH', 'registered-models/update', { name, description: 'second' }, ownerSession)).status).toBe(200);
    expect((await call('POST', 'registered-models/set-tag', { name, key: 'team', value: 'fraud' }, ownerSession)).status).toBe(200);
    expect((await call('DELETE', 'registered-models/delete-tag', { name, key: 'team' }, ownerSession)).status).toBe(200);
    expect(await call('DELETE', 'registered-models/delete-tag', { name, key: 'team' }, ownerSession)).toMatchObject({ status: 404 });
    await callerAs(owner.principal).models.setTag({ name, key: 'tier', value: 'gold' });
    expect((await auditOf(model.id)).filter((a) => a.action !== 'model.created')).toEqual([
      { action: 'model.updated', before: expect.objectContaining({ description: 'first' }), after: expect.objectContaining({ description: 'second', as: 'owner' }) },
      { action: 'model.tag_set', before: { model: name, key: 'team', value: 'risk' }, after: { model: name, key: 'team', value: 'fraud', as: 'owner' } },
      { action: 'model.tag_deleted', before: { model: name, key: 'team', value: 'fraud' }, after: { model: name, key: 'team', value: null, as: 'owner' } },
      { action: 'model.tag_set', before: { model: name, key: 'tier', value: null }, after: { model: name, key: 'tier', value: 'gold', as: 'owner' } },
    ]);

    // Versions: CI annotates what it registers (an ingest token), audited all the same.
    expect((await call('PATCH', 'model-versions/update', { name, version: '1', description: 'from CI' }, ingest)).status).toBe(200);
    expect((await call('POST', 'model-versions/set-tag', { name, version: '1', key: 'commit', value: 'abc123' }, ingest)).status).toBe(200);
    expect((await call('DELETE', 'model-versions/delete-tag', { name, version: '1', key: 'commit' }, ingest)).status).toBe(200);
    await callerAs(engineer.principal).versions.setTag({ modelName: name, version: 1, key: 'reviewed', value: 'yes' });
    await callerAs(engineer.principal).versions.update({ modelName: name, version: 1, description: 'reviewed' });
    expect(await auditOf(versions[0]!.id)).toEqual([
      { action: 'model_version.updated', before: { model: name, version: 1, description: '' }, after: { model: name, version: 1, description: 'from CI' } },
      { action: 'model_version.tag_set', before: { model: name, version: 1, key: 'commit', value: null }, after: { model: name, version: 1, key: 'commit', value: 'abc123' } },
      { action: 'model_version.tag_deleted', before: { model: name, version: 1, key: 'commit', value: 'abc123' }, after: { model: name, version: 1, key: 'commit', value: null } },
      { action: 'model_version.tag_set', before: { model: name, version: 1, key: 'reviewed', value: null }, after: { model: name, version: 1, key: 'reviewed', value: 'yes' } },
      { action: 'model_version.updated', before: { model: name, version: 1, description: 'from CI' }, after: { model: name, version: 1, description: 'reviewed' } },
    ]);
    await expect(callerAs(engineer.principal).versions.setTag({ modelName: name, version: 1, key: 'k', value: 'v'.repeat(5001) })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /value: must be at most 5000 characters/ });
  });
});
