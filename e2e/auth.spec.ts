import { expect, test, type Page } from '@playwright/test';
import { E2E_USERS } from './users';

type TE2EUser = { email: string; password: string };

async function signIn(page: Page, user: TE2EUser, path = '/signin') {
  await page.goto(path);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const NAV_ITEMS = ['Experiments', 'Datasets', 'Models', 'Deployments', 'Monitoring', 'Audit', 'Settings'];

test('admin signs in, sees the shell, and signs out', async ({ page }) => {
  await signIn(page, E2E_USERS.admin);
  await expect(page).toHaveURL(/\/experiments$/);
  const nav = page.getByTestId('app-nav');
  for (const item of [...NAV_ITEMS, 'Users']) await expect(nav.getByRole('link', { name: item, exact: true })).toBeVisible();
  await expect(page.getByTestId('user-email')).toHaveText(E2E_USERS.admin.email);
  await expect(page.getByTestId('user-role')).toHaveText('admin');
  await expect(page.getByRole('heading', { name: 'No experiments yet' })).toBeVisible();

  await page.getByTestId('signout-link').click();
  await expect(page).toHaveURL(/\/signout$/);
  await page.getByTestId('signout-button').click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // The session is really gone: the app sends us back to sign-in.
  await page.goto('/models');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fmodels$/);
});

test('an anonymous visit to /audit redirects to sign-in and comes back after it', async ({ page }) => {
  await page.goto('/audit');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faudit$/);
  await page.getByLabel('Email').fill(E2E_USERS.engineer.email);
  await page.getByLabel('Password').fill(E2E_USERS.engineer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
});

test('a wrong password shows an error and stays on sign-in', async ({ page }) => {
  await signIn(page, { ...E2E_USERS.viewer, password: 'not-the-password' });
  await expect(page.getByTestId('signin-error')).toHaveText(/wrong email or password/i);
  await expect(page).toHaveURL(/\/signin/);
});

test('a viewer opening /settings/users is told they need the admin role', async ({ page }) => {
  await signIn(page, E2E_USERS.viewer, '/signin?callbackUrl=%2Fsettings%2Fusers');
  await expect(page).toHaveURL(/\/settings\/users$/);
  await expect(page.getByTestId('forbidden')).toContainText('You need the admin role to manage users');
  await expect(page.getByTestId('app-nav').getByRole('link', { name: 'Users', exact: true })).toHaveCount(0);
  await expect(page.getByTestId('create-user-form')).toHaveCount(0);
});

test('admin creates an API token, sees its secret once, revokes it, and the audit log lists it', async ({ page }) => {
  const name = `e2e-token-${Date.now()}`;
  await signIn(page, E2E_USERS.admin, '/signin?callbackUrl=%2Fsettings');
  await expect(page).toHaveURL(/\/settings$/);

  const form = page.getByTestId('create-token-form');
  await form.getByLabel('Name').fill(name);
  await form.getByRole('checkbox', { name: /^ingest/ }).check();
  await form.getByRole('checkbox', { name: /^worker/ }).check();
  await form.getByLabel('Expires in days').fill('30');
  await page.getByTestId('create-token-submit').click();

  const secretBox = page.getByTestId('new-token');
  await expect(secretBox).toContainText('will not be shown again');
  const secret = (await page.getByTestId('token-secret').textContent()) ?? '';
  expect(secret).toMatch(/^blt_[A-Za-z0-9_-]{40,}$/);

  const row = page.locator(`[data-testid="token-row"][data-token-name="${name}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('token-status')).toHaveText('active');
  await expect(row).toContainText(secret.slice(0, 10));
  await expect(row).not.toContainText(secret);

  // Once dismissed (or after a reload) the secret is gone for good.
  await page.getByTestId('secret-done').click();
  await expect(secretBox).toHaveCount(0);
  await page.reload();
  await expect(row).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);

  await row.getByTestId('revoke-token').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(name);
  await dialog.getByTestId('confirm-button').click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('token-status')).toHaveText('revoked');
  await expect(row.getByTestId('revoke-token')).toHaveCount(0);

  await page.getByTestId('app-nav').getByRole('link', { name: 'Audit', exact: true }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await page.getByLabel('Action starts with').fill('token.');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/\/audit\?action=token\.$/);
  const created = page.locator('[data-testid="audit-row"][data-action="token.created"]').filter({ hasText: E2E_USERS.admin.email }).first();
  await expect(created).toBeVisible();
  await created.locator('summary').click();
  await expect(created).toContainText(name);
  await expect(page.locator('[data-testid="audit-row"][data-action="token.revoked"]').first()).toBeVisible();
});
