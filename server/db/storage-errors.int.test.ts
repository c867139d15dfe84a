import { describe, expect, it } from 'vitest';
import { testDb } from '../testing/fixtures';
import { DomainError } from '../domain/errors';
import { domainErrorOf } from './storage-errors';

// Real refusals from PostgreSQL through Prisma 7 and the pg adapter, so the mapper is tested
// against the shapes Prisma really produces, not against copies of them.
async function refusal(p: Promise<unknown>): Promise<DomainError | null> {
  const err = await p.then(
    () => expect.unreachable('the database accepted it'),
    (e: unknown) => e,
  );
  return domainErrorOf(err);
}

describe('domainErrorOf: database refusals the request caused', () => {
  it('a unique violation is a 409 naming the model and the field', async () => {
    const db = testDb().db;
    await db.registeredModel.create({ data: { name: 'unique-one' } });
    const err = await refusal(db.registeredModel.create({ data: { name: 'unique-one' } }));
    expect(err).toMatchObject({ code: 'CONFLICT', httpStatus: 409, message: 'a registered model with this name already exists', details: { fields: ['name'], storageCode: '23505' } });
  });

  it('a unique violation inside a transaction, on a composite key, is a 409 too', async () => {
    const db = testDb().db;
    const model = await db.registeredModel.create({ data: { name: 'tagged' } });
    await db.registeredModelTag.create({ data: { modelId: model.id, key: 'k', value: 'v' } });
    const err = await refusal(db.$transaction((tx) => tx.registeredModelTag.create({ data: { modelId: model.id, key: 'k', value: 'w' } })));
    expect(err).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    expect(err!.message).toMatch(/^(a|this) registered model tag .*already exists$/);
  });

  it('NUL in text (22021) is a 400', async () => {
    const err = await refusal(testDb().db.registeredModel.create({ data: { name: 'nul\u0000name' } }));
    expect(err).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, details: { storageCode: '22021' } });
    expect(err!.message).toMatch(/NUL/);
  });

  it('a value too large for its index (54000) is a 400', async () => {
    const err = await refusal(testDb().db.registeredModel.create({ data: { name: 'x'.repeat(1 << 20) } }));
    expect(err).toMatchObject({ code: 'BAD_REQUEST', details: { storageCode: '54000' } });
  });

  it('an integer past int4 (22003) is a 400, from the query builder and from raw SQL', async () => {
    const db = testDb().db;
    const model = await db.registeredModel.create({ data: { name: 'int4' } });
    expect(await refusal(db.modelVersion.findFirst({ where: { modelId: model.id, version: 2147483648 } }))).toMatchObject({ code: 'BAD_REQUEST', details: { storageCode: '22003' } });
    expect(await refusal(db.$queryRawUnsafe('SELECT 2147483647::int4 + 1'))).toMatchObject({ code: 'BAD_REQUEST', message: 'a number is out of range for its column' });
  });

  it('bytes that are not UTF-8 in raw SQL (22021), and a date past timestamptz (22008), are 400s', async () => {
    const db = testDb().db;
    expect(await refusal(db.$queryRawUnsafe(`SELECT convert_from('\\xff'::bytea, 'UTF8')`))).toMatchObject({ code: 'BAD_REQUEST', details: { storageCode: '22021' } });
    expect(await refusal(db.$queryRawUnsafe(`SELECT '294277-01-01'::timestamptz`))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('a date before any timestamptz (22009, from the query builder) is a 400', async () => {
    const err = await refusal(testDb().db.auditEvent.findMany({ where: { at: { gte: new Date(-8.64e15) } } }));
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: 'a date or time is out of range' });
  });

  it('updating a row that does not exist (P2025) is a 404', async () => {
    const err = await refusal(testDb().db.registeredModel.update({ where: { name: 'never-made' }, data: { description: 'x' } }));
    expect(err).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
  });

  it('leaves everything else to be a logged 500', async () => {
    expect(await refusal(testDb().db.$queryRawUnsafe('SELECT * FROM no_such_table'))).toBeNull();
    expect(domainErrorOf(new Error('boom'))).toBeNull();
    expect(domainErrorOf(null)).toBeNull();
    expect(domainErrorOf({ code: 'P9999' })).toBeNull();
    const own = new DomainError('FORBIDDEN', 'no');
    expect(domainErrorOf(own)).toBe(own);
  });
});
