import { test, type Page } from '@playwright/test';
import { expect, FINGERPRINT, rest, signedIn, stagingVersion, trpc, type TSetup } from './registry-fixtures';
import { E2E_USERS } from './users';

/*
 * Deployments and monitoring end to end: a model with a production version and a staging
 * candidate is set up through the real APIs; the owner starts a canary from the deployments page;
 * a worker (authenticated by a worker token made in Settings) reports healthy traffic, then an
 * error spike on the candidate; the in-process evaluator (every 30 s) rolls the canary back and
 * the page shows the rollback, its reason and figures, the alert and the header badge.
 */

// ---- a worker's heartbeat ------------------------------------------------------------------------

const BOUNDS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
/** A plausible latency shape: most requests within 10-25 ms, a thin tail to 100 ms. */
const SHAPE = [0, 0.02, 0.1, 0.38, 0.35, 0.12, 0.03, 0, 0, 0, 0, 0, 0];

function histogram(n: number) {
  const counts = SHAPE.map((p) => Math.floor(p * n));
  counts[3]! += n - counts.reduce((a, b) => a + b, 0);
  return { bounds_ms: BOUNDS_MS, counts, sum_ms: n * 14 };
}

type TCounters = { requests: number; errors: number };

/** Cumulative counters since the worker started, as the inference worker reports them. */
function report(model: string, startedAt: string, stable: { version: number } & TCounters, canary: { version: number; weight: number } & TCounters) {
  const entry = (v: number, variant: 'stable' | 'canary', weight: number, c: TCounters) => ({
    model,
    version: v,
    state: 'ready',
    variant,
    weight,
    requests: c.requests,
    rows: c.requests,
    errors: c.errors,
    latency: histogram(c.requests + c.errors),
    last_served_at: new Date().toISOString(),
    failure: null,
  });
  return {
    worker_id: `e2e-worker-${model}`,
    hostname: 'inference-e2e-1',
    started_at: startedAt,
    sent_at: new Date().toISOString(),
    uptime_s: 120,
    execution_provider: 'cpu',
    desired_revision: null,
    versions: [entry(stable.version, 'stable', 10_000 - canary.weight, stable), entry(canary.version, 'canary', canary.weight, canary)],
  };
}

async function createWorkerToken(page: Page): Promise<string> {
  await page.goto('/settings');
  const form = page.getByTestId('create-token-form');
  await form.getByLabel('Name').fill(`e2e-worker-${Date.now()}`);
  await form.getByRole('checkbox', { name: /^ingest/ }).uncheck();
  await form.getByRole('checkbox', { name: /^worker/ }).check();
  await page.getByTestId('create-token-submit').click();
  const secret = (await page.getByTestId('token-secret').textContent()) ?? '';
  expect(secret).toMatch(/^blt_/);
  return secret;
}

test('a canary on the deployments page: live split and charts, then rolled back automatically after an error spike', async ({ browser, request }) => {
  test.setTimeout(240_000);
  const stamp = Date.now();
  const model = `e2e-fraud-${stamp}`;
  const dataset = `e2e-payments-${stamp}`;
  const admin = await signedIn(browser, E2E_USERS.admin);
  const engineer = await signedIn(browser, E2E_USERS.engineer);

  // ---- set-up through the APIs: v1 in production, v2 a complete staging candidate -------------
  await trpc(admin.request, 'models.create', { name: model, description: 'Scores card payments for fraud.', slaClass: 'realtime', tags: [] });
  await trpc(engineer.request, 'datasets.registerVersion', { name: dataset, version: '1.0.0', fingerprint: FINGERPRINT, rowCount: 50_000 });
  const { experiment_id: experimentId } = await rest<{ experiment_id: string }>(engineer.request, '/api/2.0/mlflow/experiments/create', { name: `fraud-${stamp}` });
  const setup: TSetup = { engineer: engineer.request, admin: admin.request, model, experimentId, dataset };
  expect(await stagingVersion(setup, 1)).toBe(1);
  expect(await stagingVersion(setup, 2)).toBe(2);
  const first = await trpc<{ id: string }>(engineer.request, 'promotions.request', { modelName: model, version: 1, comment: 'baseline' });
  await trpc(admin.request, 'promotions.approve', { requestId: first.id, comment: 'baseline approved' });

  const workerToken = await createWorkerToken(admin);

  // ---- the owner starts a canary of v2 at 10% from the deployments page ------------------------
  await admin.goto('/deployments');
  await admin.getByTestId('new-deployment').click();
  const form = admin.getByTestId('create-deployment-form');
  await form.getByTestId('deploy-model').selectOption(model);
  await expect(form.getByTestId('deploy-version').locator('option[value="2"]')).toBeEnabled();
  await form.getByTestId('deploy-version').selectOption('2');
  await form.getByTestId('strategy-canary').check();
  await form.getByTestId('canary-percent').fill('10');
  await form.getByTestId('canary-duration').fill('24');
  await form.getByTestId('create-deployment-submit').click();
  await expect(admin).toHaveURL(/\/deployments\/[0-9a-f-]{36}$/);
  const deploymentUrl = admin.url();

  const view = admin.getByTestId('deployment-view');
  await expect(view).toHaveAttribute('data-status', 'running');
  await expect(admin.getByTestId('deployment-status')).toHaveText('Running');
  await expect(admin.getByTestId('live-split').getByTestId('split-canary')).toContainText('10%');
  await expect(admin.getByTestId('live-split').getByTestId('split-stable')).toContainText('90%');
  await expect(admin.getByTestId('deployment-actions').getByTestId('action-rollback')).toBeVisible();
  // Started directly by the owner, without an approved request: a second owner promotes it (four-eyes).
  await expect(admin.getByTestId('deployment-approval')).toContainText('a second owner promotes it');
  await expect(admin.getByTestId('deployment-actions').getByTestId('action-promote')).toBeDisabled();
  await expect(admin.locator('[data-testid="history-item"][data-action="deployment.created"]')).toBeVisible();

  // ---- healthy traffic: both versions report, the candidate below the 200-request minimum -----
  const auth = { Authorization: `Bearer ${workerToken}` };
  const startedAt = new Date(Date.now() - 120_000).toISOString();
  const stable = { version: 1, requests: 1_800, errors: 3 };
  await rest(request, '/api/worker/v1/heartbeat', report(model, startedAt, stable, { version: 2, weight: 1_000, requests: 150, errors: 0 }), auth);

  // The page refetches every 5 s: the charts fill in, and the policy panel shows what the
  // evaluator (every 30 s) decides on: 150 of the 200 candidate requests a decision needs.
  await expect(admin.getByTestId('policy-requests')).toContainText('150', { timeout: 45_000 });
  await expect(admin.getByTestId('window-stable')).toContainText('1,803');
  await expect(admin.getByTestId('policy-requests')).toHaveAttribute('data-state', 'wait');
  await expect(admin.getByTestId('policy-error-rate')).toHaveAttribute('data-state', 'ok');
  for (const chart of ['deployment-throughput-chart', 'deployment-error-chart', 'deployment-latency-chart']) {
    await expect(admin.getByTestId(chart)).toHaveAttribute('data-series', /[2-9]/);
    await expect.poll(async () => Number(await admin.getByTestId(chart).getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(admin.getByTestId(chart).locator('.recharts-line-curve, .recharts-line-dots').first()).toBeAttached();
  }
  await admin.screenshot({ path: 'e2e/.artifacts/monitoring-canary-running.png', fullPage: true });

  // The list shows the canary with its split.
  await engineer.goto('/deployments');
  const row = engineer.locator(`[data-testid="deployment-row"][data-model="${model}"]`);
  await expect(row).toHaveAttribute('data-status', 'running');
  await expect(row).toContainText('Canary');
  await expect(row).toContainText('v1 → v2');
  await expect(row.getByTestId('split-canary')).toContainText('10%');

  // ---- the error spike: 60 of 260 more candidate requests fail (23%, far above 2x the stable rate) ----
  await rest(request, '/api/worker/v1/heartbeat', report(model, startedAt, { ...stable, requests: 3_900, errors: 7 }, { version: 2, weight: 1_000, requests: 350, errors: 60 }), auth);

  // The evaluator runs every 30 s in the server process: the rollback shows within one or two intervals.
  await expect(admin.getByTestId('rollback-banner')).toBeVisible({ timeout: 70_000 });
  await expect(view).toHaveAttribute('data-status', 'rolled_back');
  await expect(admin.getByTestId('deployment-status')).toHaveText('Rolled back');
  await expect(admin.getByTestId('rollback-banner')).toContainText('automated rollback (error-rate)');
  await expect(admin.getByTestId('rollback-banner')).toContainText('410 requests');
  await expect(admin.locator('[data-testid="history-item"][data-action="deployment.rolled_back_automatically"]')).toContainText('error rate');
  // Traffic left the candidate; the owner actions are gone.
  await expect(admin.getByTestId('live-split').getByTestId('split-stable')).toContainText('100%');
  await expect(admin.getByTestId('deployment-actions')).toHaveCount(0);
  await expect(admin.getByTestId('deployment-error-chart')).toHaveAttribute('data-series', '2');
  await admin.screenshot({ path: 'e2e/.artifacts/monitoring-canary-rolled-back.png', fullPage: true });

  await engineer.reload();
  await expect(row).toHaveAttribute('data-status', 'rolled_back');
  await expect(row.getByTestId('deployment-status')).toHaveText('Rolled back');

  // ---- the rollback alert: the header badge counts it, the alerts page lists it ----------------
  await admin.goto(deploymentUrl);
  const badge = admin.getByTestId('alerts-badge');
  await expect.poll(async () => Number(await badge.getAttribute('data-count')), { timeout: 20_000 }).toBeGreaterThan(0);
  await badge.click();
  await expect(admin).toHaveURL(/\/monitoring\/alerts$/);
  const alert = admin.locator('[data-testid="alert-item"][data-kind="rollback"]', { hasText: model });
  await expect(alert).toHaveAttribute('data-status', 'open');
  await expect(alert).toContainText(`${model} v2 rolled back`);
  await alert.getByTestId('alert-acknowledge').click();
  await expect(alert).toHaveAttribute('data-status', 'acknowledged');

  // ---- the model's monitoring page shows v1 serving alone, and the alert ----------------------
  await admin.goto(`/monitoring/${model}`);
  await expect(admin.getByTestId('monitoring-view')).toBeVisible();
  await expect(admin.getByTestId('overview-split').getByTestId('split-stable')).toContainText('100%');
  await expect(admin.getByTestId('overview-version-1')).toBeVisible();
  await expect(admin.getByTestId('alert-list').locator('[data-testid="alert-item"][data-kind="rollback"]')).toBeVisible();
});
