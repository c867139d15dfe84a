import { expect, test } from '@playwright/test';
import { E2E_USERS } from './users';

// An admin manages a person from /settings/users: every change asks first and lands in the audit log.
test('admin creates a person, changes their role, disables, re-enables and resets their password', async ({ page, browser }) => {
  const email = `e2e-person-${Date.now()}@e2e.test`;
  await page.goto('/signin?callbackUrl=%2Fsettings%2Fusers');
  await page.getByLabel('Email').fill(E2E_USERS.admin.email);
  await page.getByLabel('Password').fill(E2E_USERS.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/settings\/users$/);

  const form = page.getByTestId('create-user-form');
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role').selectOption('viewer');
  // A common password is refused by name.
  await form.getByLabel(/^Password/).fill('password1234');
  await page.getByTestId('create-user-submit').click();
  await expect(page.getByTestId('create-user-error')).toContainText('common passwords');
  await form.getByLabel(/^Password/).fill('first-e2e-password');
  await page.getByTestId('create-user-submit').click();
  await expect(page.getByTestId('user-created')).toContainText(email);

  const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  const dialog = page.getByTestId('confirm-dialog');
  await row.getByTestId('user-role-select').selectOption('engineer');
  await expect(dialog).toContainText(`Make ${email} an engineer?`);
  await dialog.getByTestId('user-change-reason').fill('joined the ML team');
  await dialog.getByTestId('confirm-button').click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('user-role-select')).toHaveValue('engineer');

  await row.getByTestId('disable-user').click();
  await expect(dialog).toContainText('their API tokens stop working at once');
  await dialog.getByTestId('confirm-button').click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('disabled');

  // A disabled person cannot sign in.
  const other = await (await browser.newContext()).newPage();
  await other.goto('/signin');
  await other.getByLabel('Email').fill(email);
  await other.getByLabel('Password').fill('first-e2e-password');
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other.getByTestId('signin-error')).toHaveText(/wrong email or password/i);

  await row.getByTestId('enable-user').click();
  await dialog.getByTestId('confirm-button').click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('active');

  await row.getByTestId('reset-password').click();
  await dialog.getByTestId('reset-password-input').fill('second-e2e-password');
  await dialog.getByTestId('confirm-button').click();
  await expect(dialog).toBeHidden();

  await other.goto('/signin');
  await other.getByLabel('Email').fill(email);
  await other.getByLabel('Password').fill('second-e2e-password');
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other).toHaveURL(/\/experiments$/);

  await page.goto('/audit?action=user.');
  for (const action of ['user.created', 'user.role_changed', 'user.disabled', 'user.enabled', 'user.password_reset']) {
    await expect(page.locator(`[data-testid="audit-row"][data-action="${action}"]`).first()).toBeVisible();
  }
});
