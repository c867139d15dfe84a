import { describe, expect, it } from 'vitest';
import { DomainError, refusal } from '../domain/errors';
import { mlflowErrorBody, toMlflowError } from './mlflow-wire';

/** What an MLflow client gets for a refusal: the status after toMlflowError, and MLflow's own error_code. */
function onTheWire(err: DomainError) {
  const mapped = toMlflowError(err) as DomainError;
  return { status: mapped.httpStatus, ...mlflowErrorBody(mapped) };
}

describe("MLflow's error shape keeps MLflow's names for Ballast's rule codes", () => {
  it('a conflict of state is 400 INVALID_STATE, as MLflow answers it; a duplicate stays RESOURCE_ALREADY_EXISTS', () => {
    const unmet = [{ gate: 'validation' as const, met: false, reason: 'no validation checks are recorded for this version' }];
    expect(onTheWire(refusal('GATES_UNMET', 'unmet gates: validation: no validation checks', { model: 'm', version: 1, to: 'staging', unmet }))).toEqual({
      status: 400,
      error_code: 'INVALID_STATE',
      message: 'unmet gates: validation: no validation checks',
    });
    expect(onTheWire(refusal('DEPLOYMENT_RUNNING', 'a running canary', { deploymentId: 'd', status: 'running', strategy: 'canary' }))).toMatchObject({ status: 400, error_code: 'INVALID_STATE' });
    expect(onTheWire(refusal('STALE_SNAPSHOT', 'the request is stale', { changed: 'request', status: 'stale' }))).toMatchObject({ status: 400, error_code: 'INVALID_STATE' });
    expect(onTheWire(new DomainError('CONFLICT', 'Registered Model (name=m) already exists.'))).toMatchObject({ status: 400, error_code: 'RESOURCE_ALREADY_EXISTS' });
  });

  it('a refusal of rights is 403 PERMISSION_DENIED', () => {
    expect(onTheWire(refusal('FOUR_EYES', 'four-eyes', { adminOverride: false, minReasonLength: 10 }))).toMatchObject({ status: 403, error_code: 'PERMISSION_DENIED' });
    expect(onTheWire(refusal('NOT_OWNER', 'only an owner', { model: 'm', action: 'promote' }))).toMatchObject({ status: 403, error_code: 'PERMISSION_DENIED' });
    expect(onTheWire(refusal('SAME_ORIGIN', 'cross-site request refused (SAME_ORIGIN)', { rule: 'SAME_ORIGIN' }))).toMatchObject({ status: 403, error_code: 'PERMISSION_DENIED' });
  });
});
