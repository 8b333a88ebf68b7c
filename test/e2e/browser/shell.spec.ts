import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '../fixtures.ts';

test('a new user creates a workspace from the welcome screen and it survives a server restart', async ({ shell, host, page }) => {
  await expect(page.getByTestId('welcome')).toBeVisible();
  await shell.createWorkspace('Acme Corp');
  // The token left the address bar once the cookie was set.
  expect(page.url()).not.toContain('token=');

  await host.restart();
  await shell.open(host.url);
  await expect(shell.switcher).toContainText('Acme Corp');
  await expect(page.getByTestId('overview-name')).toHaveText('Acme Corp');
});

test('rename, duplicate-name error and delete with typed confirmation', async ({ shell, page }) => {
  await shell.createWorkspace('Globex');
  await shell.createWorkspace('Initech');

  await shell.switcher.click();
  await page.getByRole('button', { name: /Rename “Initech”/ }).click();
  const rename = page.getByTestId('rename-workspace-dialog');
  await rename.getByLabel('Name').fill('globex');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(rename.getByRole('alert')).toContainText('already exists');
  await rename.getByLabel('Name').fill('Initech Labs');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByTestId('overview-name')).toHaveText('Initech Labs');

  await shell.switcher.click();
  await page.getByRole('button', { name: /Delete “Initech Labs”/ }).click();
  const del = page.getByTestId('delete-workspace-dialog');
  const confirm = del.getByRole('button', { name: 'Delete workspace' });
  await expect(confirm).toBeDisabled();
  await del.getByLabel('Workspace name to confirm').fill('Initech Labs');
  await confirm.click();
  await expect(shell.switcher).toContainText('Globex');
  await shell.switcher.click();
  await expect(page.getByRole('option')).toHaveCount(1);
});

test('keyboard: Ctrl+K opens the switcher, typing filters, Enter opens, Escape closes dialogs', async ({ shell, page }) => {
  await shell.createWorkspace('Alpha Ltd');
  await shell.createWorkspace('Beta GmbH');
  await page.keyboard.press('Control+k');
  await page.keyboard.type('alp');
  await expect(page.getByRole('option')).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('overview-name')).toHaveText('Alpha Ltd');

  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByTestId('rename-workspace-dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('rename-workspace-dialog')).toBeHidden();
});

test('health board and settings are real pages', async ({ shell, page, host }) => {
  await shell.createWorkspace('Umbrella');
  await shell.navigate('Health board');
  await expect(page.getByRole('table', { name: 'Workspaces' }).getByRole('row')).toHaveCount(2);
  await shell.navigate('Settings');
  await expect(page.getByTestId('secret-storage')).toContainText(/OS keychain|Memory only/);
  await page.getByLabel('Dark').check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  // The theme shows at once; it is kept once the host has written it.
  await expect.poll(() => fs.readFileSync(path.join(host.dataDir, 'preferences.json'), 'utf8')).toContain('"dark"');
  await page.reload();
  await shell.waitReady();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('a wrong token gets an explanation, not the console', async ({ host, page }) => {
  const wrong = host.url.replace(/token=[^&]+/, 'token=wrong');
  const response = await page.goto(wrong);
  expect(response?.status()).toBe(401);
  await expect(page.getByRole('heading', { name: 'Token missing or wrong' })).toBeVisible();
});
