import path from 'node:path';
import { expect, test } from '../fixtures.ts';

const FIXTURE = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'csv', 'bad-values.csv');

test('imports a CSV through the wizard and shows the leads with a flagged row', async ({ page, shell }) => {
  await shell.createWorkspace('Import test');
  await page.getByRole('link', { name: 'Leads' }).click();
  await expect(page.getByTestId('leads-page')).toBeVisible();
  await expect(page.getByTestId('leads-empty')).toBeVisible();

  await page.getByTestId('leads-empty').getByRole('button', { name: 'Import CSV' }).click();
  const wizard = page.getByTestId('import-wizard');
  await wizard.getByTestId('import-file').setInputFiles(FIXTURE);

  // Preview with the detected settings, then the suggested columns.
  await expect(wizard.getByRole('cell', { name: 'not-an-email' })).toBeVisible();
  await expect(wizard.getByLabel('Delimiter')).toHaveValue(',');
  await wizard.getByRole('button', { name: 'Next: assign columns' }).click();
  await expect(wizard.getByLabel('Lead field for E-mail').or(wizard.getByLabel('Lead field for Email'))).toHaveValue('email');
  await wizard.getByTestId('import-start').click();

  const summary = wizard.getByTestId('import-summary');
  await expect(summary).toContainText('5');
  await expect(summary.getByTestId('flagged-rows')).toHaveText('3, 4, 5, 6');
  await wizard.getByTestId('show-flagged').click();

  // The flagged leads, with their flags; then all of them.
  const table = page.getByTestId('leads-table');
  await expect(table.getByTestId('lead-row')).toHaveCount(4);
  await expect(table.getByTestId('lead-row').filter({ hasText: 'not-an-email' }).getByTestId('lead-flag')).toBeVisible();
  await page.getByRole('button', { name: /From the last import/ }).click();
  await page.getByTestId('flagged-filter').click();
  await expect(table.getByTestId('lead-row')).toHaveCount(5);

  // Search narrows the list; Enter on a row opens it with the problem under its field.
  await page.keyboard.press('/');
  await page.getByRole('searchbox', { name: 'Search leads' }).fill('not-an-email');
  await expect(table.getByTestId('lead-row')).toHaveCount(1);
  await table.getByTestId('lead-row').first().dblclick();
  const editor = page.getByTestId('lead-editor');
  await expect(editor).toContainText('Not an email address');
});
