import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import type { ShellPage } from './shell-page.ts';

const PLANS_CSV = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'csv', 'plans.csv');

/**
 * The steps two specs share on a sandbox workspace: three leads with a Plan field ("Professional",
 * "Platinum", "Starter"), and Plan mapped to the portal's "Plan interest" dropdown, whose options are
 * lower-case, so the row shows every value refused until a value map fixes it.
 */
export class PlansFlow {
  private readonly page: Page;
  private readonly shell: ShellPage;
  constructor(page: Page, shell: ShellPage) {
    this.page = page;
    this.shell = shell;
  }

  /** Imports plans.csv; "Plan" matches no standard field, so the wizard makes a custom field of it. */
  async importLeads(): Promise<void> {
    await this.shell.navigate('Leads');
    await this.page.getByTestId('leads-empty').getByRole('button', { name: 'Import CSV' }).click();
    const wizard = this.page.getByTestId('import-wizard');
    await wizard.getByTestId('import-file').setInputFiles(PLANS_CSV);
    await wizard.getByRole('button', { name: 'Next: assign columns' }).click();
    await wizard.getByLabel('Lead field for Plan').selectOption({ label: 'New custom field…' });
    await expect(wizard.getByLabel('Label of the new field for Plan')).toHaveValue('Plan');
    await wizard.getByTestId('import-start').click();
    await wizard.getByRole('button', { name: /Done|Close/ }).click();
  }

  /** Reads the portal's properties and adds row 9, Plan → Plan interest; returns the row (unsaved). */
  async mapPlanToPlanInterest(): Promise<Locator> {
    await this.shell.navigate('Mapping');
    await this.page.getByRole('button', { name: 'Refresh properties' }).first().click();
    await expect(this.page.getByText('Properties refreshed from HubSpot.')).toBeVisible();
    await expect(this.page.getByTestId('properties-age')).toContainText('Properties read');
    await this.page.getByRole('button', { name: 'Add mapping' }).first().click();
    const row = this.page.getByTestId('contact-rows').getByTestId('mapping-row').last();
    await row.getByLabel('Lead field of row 9').selectOption({ label: 'Plan' });
    await row.getByRole('button', { name: 'Property of row 9' }).click();
    await this.page.getByRole('searchbox', { name: 'Search properties' }).fill('Plan interest');
    await this.page.keyboard.press('Enter');
    await expect(row.getByTestId('row-problem')).toContainText("aren't options of Plan interest");
    return row;
  }
}
