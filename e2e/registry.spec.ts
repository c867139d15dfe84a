import { test, type Locator, type Page } from '@playwright/test';
import { expect, FINGERPRINT, rest, signedIn, stagingVersion, trpc, type TSetup } from './registry-fixtures';
import { E2E_USERS } from './users';

/*
 * The model registry end to end: data is set up through the real HTTP APIs (tRPC and the MLflow
 * REST API, authenticated by each person's session cookie), then an engineer requests promotion
 * in the UI, the owner approves it from the inbox, rolls it back, and the audit log shows it all.
 */

const versionCard = (page: Page, version: number): Locator => page.locator(`[data-testid="version-card"][data-version="${version}"]`);
const openDialog = (page: Page): Locator => page.getByRole('dialog');

test('an engineer requests promotion, the owner approves it from the inbox, rolls it back, and the audit log shows each step', async ({ browser }) => {
  test.setTimeout(360_000);
  const stamp = Date.now();
  const model = `e2e-churn-${stamp}`;
  const dataset = `e2e-transactions-${stamp}`;
  const adminPage = await signedIn(browser, E2E_USERS.admin);
  const engineerPage = await signedIn(browser, E2E_USERS.engineer);

  // ---- set-up through the APIs: a model owned by the admin, three complete versions ----------
  const created = await trpc<{ id: string; name: string }>(adminPage.request, 'models.create', {
    name: model,
    description: 'Predicts churn in the next 30 days from account activity.',
    slaClass: 'realtime',
    tags: [{ key: 'team', value: 'growth' }],
  });
  await trpc(engineerPage.request, 'datasets.registerVersion', { name: dataset, version: '1.0.0', fingerprint: FINGERPRINT, rowCount: 120_000 });
  const { experiment_id: experimentId } = await rest<{ experiment_id: string }>(engineerPage.request, '/api/2.0/mlflow/experiments/create', { name: `churn-${stamp}` });
  const setup: TSetup = { engineer: engineerPage.request, admin: adminPage.request, model, experimentId, dataset };
  expect(await stagingVersion(setup, 1)).toBe(1);
  expect(await stagingVersion(setup, 2)).toBe(2);
  // Version 3 lacks its latency benchmark: requesting production for it must be refused (409).
  expect(await stagingVersion(setup, 3, { benchmark: false })).toBe(3);

  // Version 1 is already in production: requested by the engineer, approved by the owner, via the API.
  const first = await trpc<{ id: string }>(engineerPage.request, 'promotions.request', { modelName: model, version: 1, comment: 'baseline' });
  await trpc(adminPage.request, 'promotions.approve', { requestId: first.id, comment: 'baseline approved' });

  // ---- the models list ----------------------------------------------------------------------
  await engineerPage.goto('/models');
  const row = engineerPage.locator(`[data-testid="model-row"][data-model="${model}"]`);
  await expect(row).toContainText(E2E_USERS.admin.email);
  await expect(row.getByTestId('model-production')).toHaveText('v1');

  // ---- the engineer: sees the evidence, is refused on unmet gates, requests version 2 --------
  await row.getByRole('link', { name: model }).click();
  await expect(engineerPage).toHaveURL(new RegExp(`/models/${model}$`));
  await expect(engineerPage.getByTestId('model-owners')).toHaveText(E2E_USERS.admin.email);
  await expect(engineerPage.getByTestId('sla-class')).toContainText('p99 ≤ 100 ms');
  await expect(engineerPage.getByTestId('production-version')).toHaveText('version 1');
  // Not an owner: no owner actions anywhere on the page.
  await expect(engineerPage.getByTestId('rollback')).toHaveCount(0);
  await expect(engineerPage.getByTestId('promote-staging')).toHaveCount(0);
  await expect(engineerPage.getByTestId('archive')).toHaveCount(0);

  const v2 = versionCard(engineerPage, 2);
  await expect(v2.getByTestId('stage-badge')).toHaveText('staging');
  await expect(v2.getByTestId('complete-badge')).toHaveText('complete');
  await expect(v2.getByTestId('validation-row')).toHaveCount(3);
  await expect(v2.getByTestId('benchmark-row')).toHaveAttribute('data-within-sla', 'true');
  await expect(v2.locator('[data-testid="gate"][data-gate="benchmark"]')).toHaveAttribute('data-met', 'true');
  await expect(v2.locator('[data-testid="gate"][data-gate="approval"]')).toHaveAttribute('data-met', 'false');
  await expect(v2.getByTestId('lineage-run')).toBeVisible();
  await expect(v2.getByTestId('lineage')).toContainText(dataset);
  await expect(versionCard(engineerPage, 1).locator('[data-testid="alias-chip"][data-alias="production"]')).toBeVisible();

  const v3 = versionCard(engineerPage, 3);
  await expect(v3.locator('[data-testid="gate"][data-gate="benchmark"]')).toHaveAttribute('data-met', 'false');
  await v3.getByTestId('request-promotion').click();
  await openDialog(engineerPage).getByTestId('confirm-button').click();
  const refusal = openDialog(engineerPage).getByTestId('action-error');
  await expect(refusal).toContainText('Unmet gates');
  await expect(refusal.locator('[data-testid="unmet-gate"][data-gate="benchmark"]')).toContainText('no latency benchmark');
  await openDialog(engineerPage).getByRole('button', { name: 'Cancel' }).click();
  await expect(openDialog(engineerPage)).toHaveCount(0);
  await expect(v3.getByTestId('open-request')).toHaveCount(0);

  await v2.getByTestId('request-promotion').click();
  const request = openDialog(engineerPage);
  await expect(request).toContainText('Request production for version 2?');
  await request.getByTestId('action-text').fill('Retrained on November data: +1 pt accuracy, same latency.');
  await request.getByTestId('confirm-button').click();
  await expect(openDialog(engineerPage)).toHaveCount(0);
  await expect(v2.getByTestId('open-request')).toContainText(`requested by ${E2E_USERS.engineer.email}`);
  // The engineer is neither an owner nor allowed to approve their own request.
  await expect(v2.getByTestId('approve')).toHaveCount(0);

  // ---- the owner approves from the inbox ----------------------------------------------------
  await adminPage.goto('/approvals');
  const item = adminPage.locator(`[data-testid="inbox-item"][data-model="${model}"][data-version="2"]`);
  await expect(item).toContainText(`Requested by ${E2E_USERS.engineer.email}`);
  await expect(item).toContainText('replaces version 1');
  await expect(item).toContainText('Retrained on November data');
  await expect(item.getByTestId('validation-row')).toHaveCount(3);
  await expect(item.getByTestId('benchmark-row')).toHaveAttribute('data-within-sla', 'true');
  await item.getByTestId('inbox-approve').click();
  const approve = openDialog(adminPage);
  await expect(approve).toContainText('version 1 steps down to staging and becomes @previous');
  await approve.getByTestId('action-text').fill('Evidence looks good.');
  await approve.getByTestId('confirm-button').click();
  await expect(openDialog(adminPage)).toHaveCount(0);
  await expect(item).toHaveCount(0);

  // ---- version 2 is production, version 1 is @previous ---------------------------------------
  await adminPage.goto(`/models/${model}`);
  await expect(adminPage.getByTestId('production-version')).toHaveText('version 2');
  await expect(versionCard(adminPage, 2)).toHaveAttribute('data-stage', 'production');
  await expect(versionCard(adminPage, 2).locator('[data-testid="alias-chip"][data-alias="production"]')).toBeVisible();
  await expect(versionCard(adminPage, 1)).toHaveAttribute('data-stage', 'staging');
  await expect(versionCard(adminPage, 1).locator('[data-testid="alias-chip"][data-alias="previous"]')).toBeVisible();

  // ---- the owner rolls back ------------------------------------------------------------------
  await adminPage.getByTestId('rollback').click();
  const rollback = openDialog(adminPage);
  await expect(rollback).toContainText('Roll production back to version 1?');
  await rollback.getByTestId('action-text').fill('p99 regression seen by the canary dashboards');
  await rollback.getByTestId('confirm-button').click();
  await expect(openDialog(adminPage)).toHaveCount(0);
  await expect(adminPage.getByTestId('production-version')).toHaveText('version 1');
  await expect(versionCard(adminPage, 1)).toHaveAttribute('data-stage', 'production');
  await expect(versionCard(adminPage, 1).locator('[data-testid="alias-chip"][data-alias="production"]')).toBeVisible();
  await expect(versionCard(adminPage, 2)).toHaveAttribute('data-stage', 'staging');
  await expect(adminPage.getByTestId('rollback')).toHaveCount(0);

  // The alias history records every move; "what served production" answers from it.
  await adminPage.getByTestId('tab-aliases').click();
  const moves = adminPage.getByTestId('alias-move');
  await expect(moves.first()).toHaveAttribute('data-cause', 'rollback');
  await expect(adminPage.locator('[data-testid="alias-move"][data-alias="production"][data-cause="rollback"]')).toContainText(E2E_USERS.admin.email);
  await expect(adminPage.getByTestId('served-at-version')).toHaveText('version 1');

  // ---- the audit log shows each step ---------------------------------------------------------
  await adminPage.goto('/audit');
  const audit = (action: string, ...texts: string[]) => {
    let rows = adminPage.locator(`[data-testid="audit-row"][data-action="${action}"]`);
    for (const text of texts) rows = rows.filter({ hasText: text });
    return rows;
  };
  const about = `"model": "${model}"`;
  await expect(audit('promotion.requested', about, '"version": 2', E2E_USERS.engineer.email)).toHaveCount(1);
  await expect(audit('promotion.approved', about, '"version": 2', E2E_USERS.admin.email)).toHaveCount(1);
  await expect(audit('model_version.stage_changed', about, '"version": 2', '"stage": "production"', '"cause": "promote"')).toHaveCount(1);
  await expect(audit('model_version.stage_changed', about, '"version": 1', '"cause": "replaced"')).toHaveCount(1);
  await expect(audit('model_version.stage_changed', about, '"version": 2', '"cause": "rollback"')).toHaveCount(1);
  await expect(audit('model_version.stage_changed', about, '"version": 1', '"cause": "restore"')).toHaveCount(1);
  await expect(audit('model_alias.moved', about, '"cause": "rollback"')).toHaveCount(2);
  const rolledBack = audit('model.rolled_back').filter({ has: adminPage.locator(`[title="${created.id}"]`) });
  await expect(rolledBack).toHaveCount(1);
  await expect(rolledBack).toContainText('p99 regression seen by the canary dashboards');

  // ---- a viewer reads everything and is offered no action ------------------------------------
  const viewerPage = await signedIn(browser, E2E_USERS.viewer);
  await viewerPage.goto(`/models/${model}`);
  await expect(viewerPage.getByTestId('production-version')).toHaveText('version 1');
  await expect(viewerPage.getByTestId('version-card')).toHaveCount(3);
  for (const action of ['request-promotion', 'request-canary', 'promote-staging', 'demote', 'archive', 'rollback']) await expect(viewerPage.getByTestId(action)).toHaveCount(0);
  await expect(viewerPage.getByTestId('app-nav').getByRole('link', { name: 'Approvals' })).toHaveCount(0);
});
