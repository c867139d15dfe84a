import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { E2E_USERS } from './users';

// Experiment tracking end to end: data goes in through the MLflow REST API with an ingest token
// (as a training script would send it), and comes out in the UI.

async function signIn(page: Page, path: string) {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  await page.getByLabel('Email').fill(E2E_USERS.engineer.email);
  await page.getByLabel('Password').fill(E2E_USERS.engineer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`${path.replace(/[/?]/g, '\\$&')}$`), { timeout: 30_000 });
}

async function createIngestToken(page: Page): Promise<string> {
  await signIn(page, '/settings');
  const form = page.getByTestId('create-token-form');
  await form.getByLabel('Name').fill(`e2e-tracking-${Date.now()}`);
  await form.getByRole('checkbox', { name: /^ingest/ }).check();
  await page.getByTestId('create-token-submit').click();
  const secret = (await page.getByTestId('token-secret').textContent()) ?? '';
  expect(secret).toMatch(/^blt_/);
  return secret;
}

function configYaml(opts: { lr: number; batch: number; optimizer: string; seed: number }): string {
  return `model:
  architecture: resnet18
  hyperparameters:
    dropout: 0.1
optimizer:
  name: ${opts.optimizer}
  learning_rate: ${opts.lr}
lr_schedule:
  name: cosine
batch_size_per_device: ${opts.batch}
device_count: 2
gradient_accumulation_steps: 2
max_epochs: 5
seed: ${opts.seed}
datasets:
  - name: e2e-clicks
    version: md5:d41d8cd98f00b204e9800998ecf8427e
`;
}

async function mlflow(request: APIRequestContext, secret: string, endpoint: string, data: unknown) {
  const res = await request.post(`/api/2.0/mlflow/${endpoint}`, { headers: { authorization: `Bearer ${secret}` }, data });
  expect(res.status(), `${endpoint}: ${await res.text()}`).toBe(200);
  return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const RUNS = [
  { name: 'baseline', lr: 0.001, batch: 32, optimizer: 'sgd', finalAccuracy: 0.81 },
  { name: 'higher-lr', lr: 0.003, batch: 64, optimizer: 'adamw', finalAccuracy: 0.93 },
  { name: 'highest-lr', lr: 0.01, batch: 64, optimizer: 'adamw', finalAccuracy: 0.95 },
];

test('log runs over the MLflow API, then filter, open a run, compare and download config.yaml', async ({ page, request }) => {
  const secret = await createIngestToken(page);
  const experimentName = `e2e-tracking-${Date.now()}`;
  const { experiment_id: experimentId } = await mlflow(request, secret, 'experiments/create', { name: experimentName });
  const runIds: Record<string, string> = {};
  for (const [i, spec] of RUNS.entries()) {
    const start = Date.now() - (RUNS.length - i) * 60_000;
    const { run } = await mlflow(request, secret, 'runs/create', { experiment_id: experimentId, run_name: spec.name, start_time: start });
    const runId = run.info.run_id as string;
    runIds[spec.name] = runId;
    const metrics = Array.from({ length: 20 }, (_, step) => [
      { key: 'val_accuracy', value: spec.finalAccuracy * (1 - Math.exp(-(step + 1) / 4)) / (1 - Math.exp(-20 / 4)), step, timestamp: start + step * 1000 },
      { key: 'train_loss', value: 2 * Math.exp(-step / (6 + i)), step, timestamp: start + step * 1000 },
    ]).flat();
    await mlflow(request, secret, 'runs/log-batch', {
      run_id: runId,
      metrics,
      params: [
        { key: 'learning_rate', value: String(spec.lr) },
        { key: 'optimizer', value: spec.optimizer },
        { key: 'ballast.config', value: configYaml({ lr: spec.lr, batch: spec.batch, optimizer: spec.optimizer, seed: 40 + i }) },
      ],
      tags: [
        { key: 'model', value: 'resnet18' },
        { key: 'dataset', value: 'e2e-clicks' },
        { key: 'mlflow.user', value: E2E_USERS.engineer.email },
        { key: 'mlflow.source.git.commit', value: `${i}`.repeat(40) },
      ],
    });
    await mlflow(request, secret, 'runs/update', { run_id: runId, status: 'FINISHED', end_time: start + 30_000 });
  }

  // The experiment is listed; its runs table shows all three.
  await page.goto('/experiments');
  await page.getByTestId('experiment-row').filter({ hasText: experimentName }).getByRole('link', { name: experimentName }).click();
  await expect(page).toHaveURL(new RegExp(`/experiments/${experimentId}$`), { timeout: 20_000 });
  await expect(page.getByTestId('runs-count')).toHaveAttribute('data-total', '3');
  await expect(page.getByTestId('run-row')).toHaveCount(3);

  // Server-side filter on the latest metric value, held in the URL.
  await page.getByTestId('runs-filter-input').fill('metrics.val_accuracy > 0.9');
  await page.getByTestId('runs-filter-apply').click();
  await expect(page).toHaveURL(/[?&]q=metrics\.val_accuracy/);
  await expect(page.getByTestId('runs-count')).toHaveAttribute('data-total', '2');
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await expect(page.locator('[data-testid="run-row"][data-run-name="baseline"]')).toHaveCount(0);
  // ...and a param filter narrows it further.
  await page.getByTestId('runs-filter-input').fill("metrics.val_accuracy > 0.9 AND params.learning_rate = '0.01'");
  await page.getByTestId('runs-filter-apply').click();
  await expect(page.getByTestId('runs-count')).toHaveAttribute('data-total', '1');

  // Open a run and download its config.yaml.
  await page.locator('[data-testid="run-row"][data-run-name="highest-lr"]').getByRole('link', { name: 'highest-lr' }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runIds['highest-lr']}`), { timeout: 20_000 });
  await expect(page.getByTestId('run-name')).toContainText('highest-lr');
  await expect(page.getByTestId('metric-panel')).toHaveCount(2);
  await page.getByTestId('tab-config').click();
  await expect(page.getByTestId('effective-batch')).toContainText('256');
  await expect(page.getByTestId('config-yaml')).toContainText('learning_rate');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-config').click()]);
  expect(download.suggestedFilename()).toBe('config.yaml');
  const content = await readFile((await download.path())!, 'utf8');
  expect(content).toContain('batch_size_per_device: 64');
  expect(content).toMatch(/learning_rate: 0\.01\b/);
  expect(content).toContain('md5:d41d8cd98f00b204e9800998ecf8427e');

  // Compare two runs picked in the table.
  await page.goto(`/experiments/${experimentId}`);
  await expect(page.getByTestId('run-row')).toHaveCount(3);
  await page.locator('[data-testid="run-row"][data-run-name="baseline"]').getByTestId('run-select').check();
  await page.locator('[data-testid="run-row"][data-run-name="higher-lr"]').getByTestId('run-select').check();
  await page.getByTestId('compare-button').click();
  await expect(page).toHaveURL(/\/compare\?runs=/, { timeout: 20_000 });
  const url = new URL(page.url());
  expect(url.searchParams.get('runs')?.split(',').sort()).toEqual([runIds['baseline'], runIds['higher-lr']].sort());

  const diff = page.getByTestId('config-diff');
  const lrRow = diff.locator('[data-testid="config-diff-row"][data-key="optimizer.learning_rate"]');
  await expect(lrRow).toHaveAttribute('data-changed', 'true');
  await expect(lrRow).toContainText('0.001');
  await expect(lrRow).toContainText('0.003');
  // Unchanged keys are collapsed until asked for.
  await expect(diff.locator('[data-testid="config-diff-row"][data-key="max_epochs"]')).toHaveCount(0);
  await diff.getByTestId('toggle-unchanged').click();
  await expect(diff.locator('[data-testid="config-diff-row"][data-key="max_epochs"]')).toHaveAttribute('data-changed', 'false');

  // Overlaid curves: one line per run in the val_accuracy chart, with a legend naming both runs.
  const chart = page.locator('[data-testid="compare-chart"][data-metric="val_accuracy"]');
  await expect(chart.locator('svg path.recharts-line-curve')).toHaveCount(2);
  await expect(page.getByTestId('compare-legend')).toContainText('baseline');
  await expect(page.getByTestId('compare-legend')).toContainText('higher-lr');
  await expect(page.locator('[data-testid="param-row"][data-changed="true"]').filter({ hasText: 'learning_rate' })).toBeVisible();

  // A compare link with one run explains itself.
  await page.goto(`/compare?runs=${runIds['baseline']}`);
  await expect(page.getByTestId('compare-invalid')).toContainText('at least 2 runs');

  // The dataset named in the config has its lineage back to the runs.
  await page.goto('/datasets/e2e-clicks');
  await expect(page.locator(`[data-testid="lineage-run"][data-run-id="${runIds['higher-lr']}"]`)).toContainText('higher-lr');
});
