import fs from 'node:fs';
import { expect, test } from '../fixtures.ts';
import { PlansFlow } from '../pages/plans-flow.ts';


test('pushes leads, shows the failures in Sync History, and after fixing the mapping Retry all failed succeeds; the bundle replays', async ({ page, sandboxWorkspace: shell, history }, testInfo) => {
  test.setTimeout(180_000);
  // Three leads with a Plan field, mapped to the portal's "Plan interest" dropdown as it is: its options are
  // lower-case, so every value is refused.
  const plans = new PlansFlow(page, shell);
  await plans.importLeads();
  await plans.mapPlanToPlanInterest();
  await page.getByRole('button', { name: 'Save mapping' }).click();
  await expect(page.getByTestId('save-bar')).toBeHidden();

  // Push: three failures in Sync History, with the plain-language title and the badge.
  await shell.navigate('Sync History');
  await history.pushAll();
  await expect(history.rows.filter({ hasText: 'Failed' })).toHaveCount(3, { timeout: 30_000 });
  await expect(history.badge).toHaveText('3');
  await expect(page.getByRole('link', { name: 'Sync History', exact: true })).toHaveAccessibleDescription('3 failed jobs');
  // The health board counts them too, and its cell leads back here.
  await page.getByRole('link', { name: 'Health board' }).click();
  await page.getByTestId('health-failed').click();
  await expect(history.rows.filter({ hasText: 'Failed' })).toHaveCount(3);
  await history.errorsOnly();
  await expect(history.rows).toHaveCount(3);
  // Export CSV: what the filters show (the three failures), header first.
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), history.root.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/^sync-history-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync(await csvDownload.path(), 'utf8').split('\r\n').filter(Boolean);
  expect(csv[0]).toContain('Started,Finished');
  expect(csv.slice(1)).toHaveLength(3);
  expect(csv.slice(1).every((line) => line.includes('invalid_value'))).toBe(true);
  await expect(history.row('Grace Hopper').getByTestId('history-error')).toContainText('HubSpot rejected a value');
  await history.page.getByTestId('history-table').focus();
  await page.keyboard.press('Enter');
  await expect(history.detail).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(history.detail).toBeHidden();

  await history.openJob('Grace Hopper');
  const error = history.detail.getByTestId('error-card');
  await expect(error).toContainText('HubSpot rejected a value');
  await expect(error).toContainText('Platinum');
  await expect(error).toContainText('Add the option in HubSpot, map the field to a text property, or fix the lead.');
  await expect(history.detail.getByTestId('step-contact')).toContainText('Failed');

  // Report an issue: the bundle downloads; kept for the replay below.
  await history.detail.getByRole('button', { name: 'Report an issue' }).click();
  const report = page.getByTestId('report-dialog');
  await report.getByLabel('What happened? (optional)').fill('Plans never reach HubSpot');
  const [download] = await Promise.all([page.waitForEvent('download'), report.getByRole('button', { name: 'Save support bundle' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^syncdesk-bundle-job\d+-\d{4}-\d{2}-\d{2}-masked\.json$/);
  const bundleFile = testInfo.outputPath('bundle.json');
  await download.saveAs(bundleFile);
  expect(fs.readFileSync(bundleFile, 'utf8')).not.toContain('grace@navy.example');
  await expect(report.getByTestId('report-saved')).toContainText('personal data masked');
  await report.getByRole('button', { name: 'Done' }).click();
  await history.closeJob();

  // Fix the mapping: map the lead values onto the dropdown's options.
  await shell.navigate('Mapping');
  const planRow = page.getByTestId('contact-rows').getByTestId('mapping-row').last();
  await planRow.getByRole('button', { name: 'Map these values' }).click();
  const transforms = page.getByTestId('transforms-dialog');
  await transforms.getByLabel('Option for Professional').selectOption('professional');
  await transforms.getByLabel('Option for Platinum').selectOption('enterprise');
  await transforms.getByLabel('Option for Starter').selectOption('starter');
  await transforms.getByRole('button', { name: 'Apply' }).click();
  await expect(planRow.getByTestId('row-problem')).toHaveCount(0);
  await page.getByRole('button', { name: 'Save mapping' }).click();
  await expect(page.getByTestId('save-bar')).toBeHidden();

  // Retry all failed (with its preview count): each job's second attempt succeeds.
  await shell.navigate('Sync History');
  await history.errorsOnly(false);
  await history.retryFailed(3);
  await expect(history.rows.filter({ hasText: 'Succeeded' }).filter({ hasText: '#2' })).toHaveCount(3, { timeout: 30_000 });
  await expect(history.badge).toBeHidden();
  await history.openJob('Grace Hopper');
  await expect(history.detail.getByTestId('status-tag').first()).toHaveText('Succeeded');
  await expect(history.detail.getByTestId('step-contact')).toContainText(/Created|Updated/);
  await expect(history.detail.getByTestId('attempt')).toHaveCount(2);
  await history.closeJob();

  // The contact's record page (after a mirror sync) carries its push history; a row opens the job.
  await shell.navigate('Sync');
  await page.getByRole('button', { name: 'Run sync now' }).click();
  await expect(page.getByRole('table', { name: 'Run log' }).getByText('succeeded').first()).toBeVisible({ timeout: 30_000 });
  await shell.navigate('Records');
  await page.getByRole('searchbox', { name: 'Search records' }).fill('grace@navy.example');
  await expect(page.getByTestId('records-total')).toHaveText('1 contact');
  await page.getByRole('table', { name: 'contacts records' }).getByRole('button').first().click();
  const card = page.getByTestId('sync-card');
  await expect(card.getByRole('row')).toHaveCount(1);
  await expect(card).toContainText('Succeeded');
  await card.screenshot({ path: testInfo.outputPath('sync-card.png') });
  await card.getByRole('button', { name: 'Grace Hopper' }).click();
  await expect(history.detail).toBeVisible();
  await expect(history.detail.getByTestId('attempt')).toHaveCount(2);
  await history.closeJob();

  // The support agent's side: import the bundle and replay it against a sandbox portal seeded from it.
  await page.getByRole('button', { name: 'Support bundles' }).click();
  await page.getByTestId('bundle-file').setInputFiles(bundleFile);
  const detail = page.getByTestId('bundle-detail');
  await expect(detail).toContainText('Plans never reach HubSpot');
  await detail.getByRole('button', { name: 'Replay' }).click();
  const replay = detail.getByTestId('replay').first();
  await expect(replay.getByTestId('comparison-verdict')).toContainText('Reproduced', { timeout: 60_000 });
  await expect(replay.getByTestId('compare-contact')).toContainText('Failed');
});
