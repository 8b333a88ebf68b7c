import { expect, test } from '../fixtures.ts';

test('runs a sync of a sandbox workspace, browses the mirror offline and opens a record', async ({ page, shell }, testInfo) => {
  // "Try the sandbox": a workspace connected (HubSpot and Stripe) to the embedded sandbox portal, 500 contacts seeded.
  await page.getByTestId('try-sandbox').click();
  await expect(page.getByTestId('connection-banner')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });

  await shell.navigate('Sync');
  await page.getByRole('button', { name: 'Run sync now' }).click();
  const log = page.getByRole('table', { name: 'Run log' });
  await expect(log.getByText('succeeded').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('last-full')).not.toHaveText('never');
  await expect(page.getByRole('table', { name: 'Streams' })).toContainText('Contacts');
  await page.screenshot({ path: testInfo.outputPath('sync.png'), fullPage: true });
  const settings = page.getByTestId('sync-settings');
  await settings.getByLabel('Lookback window (minutes)').fill('20');
  // Keep who is in the newsletter list, then sync again to fetch it.
  await settings.getByRole('checkbox', { name: /Newsletter subscribers/ }).check();
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Sync settings saved.')).toBeVisible();
  await settings.screenshot({ path: testInfo.outputPath('sync-settings.png') });
  await page.getByRole('button', { name: 'Run sync now' }).click();
  await expect(log.getByText('succeeded')).toHaveCount(2, { timeout: 30_000 });

  await shell.navigate('Records');
  await expect(page.getByTestId('records-total')).toHaveText('500 contacts');
  await page.getByRole('combobox', { name: 'List' }).selectOption({ label: 'In “Newsletter subscribers”' });
  await expect(page.getByTestId('records-total')).toHaveText(/^\d+ contacts?$/);
  await expect(page.getByTestId('records-total')).not.toHaveText('500 contacts');
  await page.getByRole('combobox', { name: 'List' }).selectOption({ label: 'Any list' });
  await expect(page.getByTestId('records-total')).toHaveText('500 contacts');
  await page.getByRole('tab', { name: 'Companies' }).click();
  await expect(page.getByTestId('records-total')).toHaveText(/\d+ companies/);
  await page.getByRole('tab', { name: 'Contacts' }).click();
  await expect(page.getByTestId('records-total')).toHaveText('500 contacts');
  const firstRow = page.getByRole('table', { name: 'contacts records' }).getByRole('row').nth(1);
  const name = (await firstRow.getByRole('button').textContent())!.trim();
  await page.getByRole('searchbox', { name: 'Search records' }).fill(name.split(' ')[0]!);
  await expect(page.getByTestId('records-total')).not.toHaveText('500 contacts');
  await page.screenshot({ path: testInfo.outputPath('records.png') });
  await page.getByRole('button', { name, exact: true }).first().click();

  const record = page.getByTestId('record-page');
  await expect(record.getByRole('heading', { name })).toBeVisible();
  await expect(record.getByRole('table', { name: 'Properties' })).toContainText('Email');
  const company = record.getByRole('list', { name: 'Associations' }).getByRole('button').first();
  await expect(company).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('record.png'), fullPage: true });
  await record.getByRole('button', { name: 'Resync from HubSpot' }).click();
  await expect(page.getByText(/Resynced from HubSpot/)).toBeVisible();
  await company.click();
  await expect(page.getByTestId('record-billing')).toBeVisible();

  await shell.navigate('Billing');
  await expect(page.getByTestId('mrr-totals')).toContainText(/[$€£¥]/);
  const linked = page.getByRole('table', { name: 'Customers' }).getByRole('button').first();
  const companyName = (await linked.textContent())!.trim();
  await page.screenshot({ path: testInfo.outputPath('billing.png'), fullPage: true });
  await linked.click();
  await expect(page.getByTestId('record-page').getByRole('heading', { name: companyName })).toBeVisible();
  await expect(page.getByTestId('record-billing')).toContainText('MRR');

  // The health board: the sync just run, today's API budget.
  await page.getByRole('link', { name: 'Health board' }).click();
  const row = page.getByRole('table', { name: 'Workspaces' }).getByRole('row').nth(1);
  await expect(row.getByTestId('health-last-full')).toHaveText('just now');
  await expect(row.getByTestId('health-budget')).toHaveText(/%$/);
  await page.screenshot({ path: testInfo.outputPath('health.png'), fullPage: true });
});

test.describe('with the schedule on (as `syncdesk serve` runs by default)', () => {
  test.use({ schedule: true });

  test('connecting starts a full sync by itself, and the Sync page fills in as it lands', async ({ page, sandboxWorkspace: shell }) => {
    await shell.navigate('Sync');
    // Opened before or while the first sync runs: nothing is clicked, the page follows it.
    await expect(page.getByText(/^incremental .*, full /)).toBeVisible();
    const log = page.getByRole('table', { name: 'Run log' });
    await expect(log.getByText('succeeded').first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('last-full')).not.toHaveText('never');
    // The lists came with that sync: offered without reopening the page.
    await expect(page.getByTestId('sync-settings').getByRole('checkbox', { name: /Newsletter subscribers/ })).toBeVisible();
  });
});
