import { expect, test } from '../fixtures.ts';
import { PlansFlow } from '../pages/plans-flow.ts';


test('edits, reorders and saves the mapping, guards unsaved changes, and names a refused rule', async ({ page, shell }) => {
  await shell.createWorkspace('Mapping test');
  await shell.navigate('Mapping');
  const mapping = page.getByTestId('mapping-page');
  await expect(mapping).toBeVisible();
  const rows = page.getByTestId('contact-rows').getByTestId('mapping-row');
  await expect(rows).toHaveCount(8);
  await expect(rows.first().getByRole('button', { name: 'Property of row 1' })).toContainText('email');
  // Never connected: the properties can't be checked yet, and refreshing says why.
  await expect(page.getByTestId('tab-problem').first()).toContainText("contact properties haven't been read yet");
  await expect(page.getByTestId('properties-age')).toHaveText('Properties never read');
  await page.getByRole('button', { name: 'Refresh properties' }).first().click();
  await expect(page.getByRole('status').or(page.locator('.toast')).filter({ hasText: "isn't connected" }).first()).toBeVisible();

  // Edit: an update rule, then move row 2 down with the keyboard.
  await page.getByLabel('Update rule of row 2').selectOption('fillIfEmpty');
  await expect(page.getByTestId('save-bar')).toContainText('unsaved changes');
  await page.getByRole('button', { name: /^Move row 2 / }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(2).getByRole('button', { name: 'Property of row 3' })).toContainText('firstname');

  // Leaving asks first; Stay keeps the edits.
  await shell.navigate('Leads');
  const guard = page.getByTestId('unsaved-dialog');
  await expect(guard).toBeVisible();
  await guard.getByRole('button', { name: 'Stay' }).click();
  await expect(mapping).toBeVisible();

  await page.getByRole('button', { name: 'Save mapping' }).click();
  await expect(page.getByTestId('save-bar')).toBeHidden();
  await page.reload();
  await shell.waitReady();
  await expect(rows.nth(2).getByRole('button', { name: 'Property of row 3' })).toContainText('firstname');
  await expect(page.getByLabel('Update rule of row 3')).toHaveValue('fillIfEmpty');

  // A filter rule without a value is refused, and the message names the rule.
  await page.getByRole('tab', { name: 'Advanced' }).click();
  await page.getByTestId('inclusion-filter').getByText('Only push leads that match').click();
  await page.getByRole('button', { name: 'Save mapping' }).click();
  await expect(page.getByTestId('save-bar')).toContainText('Inclusion filter, rule 1, value: give a value to compare with');
  await page.getByLabel('Value of rule 1').fill('webinar');
  await page.getByRole('button', { name: 'Save mapping' }).click();
  await expect(page.getByTestId('save-bar')).toBeHidden();
});

// On a workspace connected to the embedded sandbox portal (seeded, with a `plan_interest` dropdown).
test('imports leads, maps a dropdown with a value map, and sends a test lead', async ({ page, sandboxWorkspace: shell }) => {
  // Three leads whose Plan becomes a custom field, mapped to the `plan_interest` dropdown: the leads' values
  // aren't its options, shown before any push and fixed with a value map.
  const plans = new PlansFlow(page, shell);
  await plans.importLeads();
  const row = await plans.mapPlanToPlanInterest();
  await row.getByRole('button', { name: 'Map these values' }).click();
  const transforms = page.getByTestId('transforms-dialog');
  await transforms.getByLabel('Option for Professional').selectOption('professional');
  await transforms.getByLabel('Option for Platinum').selectOption('enterprise');
  await transforms.getByLabel('Option for Starter').selectOption('starter');
  await transforms.getByRole('button', { name: 'Apply' }).click();
  await expect(row.getByTestId('row-problem')).toHaveCount(0);
  // Send test lead right away: it waits for the save under way, then tests what was saved.
  await page.getByRole('button', { name: 'Save mapping' }).click();
  await page.getByRole('button', { name: 'Send test lead' }).click();
  const dialog = page.getByTestId('test-lead-dialog');
  await dialog.getByLabel('One of your leads').check();
  await dialog.getByTestId('send-test-lead').click();
  await expect(dialog.getByTestId('test-result')).toHaveAttribute('data-result', 'passed');
  await expect(dialog.locator('[data-property="plan_interest"]')).toHaveAttribute('data-status', 'ok');
  await dialog.getByTestId('delete-test-contact').click();
  await expect(dialog.getByTestId('test-contact-id')).toContainText('Deleted');
});
