import { expect, type Locator, type Page } from '@playwright/test';

/** Sync History: the table, its filters, the chart, a job's detail and the support bundles view. */
export class HistoryPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  get root(): Locator {
    return this.page.getByTestId('history-page');
  }

  get rows(): Locator {
    return this.page.getByTestId('history-row');
  }

  get detail(): Locator {
    return this.page.getByTestId('job-detail');
  }

  get badge(): Locator {
    return this.page.getByRole('navigation', { name: 'Main' }).getByTestId('failed-badge');
  }

  row(lead: string): Locator {
    return this.rows.filter({ hasText: lead }).first();
  }

  /** Push all leads from the page header, and wait for the first attempt to show. */
  async pushAll(): Promise<void> {
    await this.root.getByRole('button', { name: 'Push all leads' }).first().click();
    const dialog = this.page.getByTestId('push-all-dialog');
    await dialog.getByRole('button', { name: 'Push all leads' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.rows.first()).toBeVisible({ timeout: 30_000 });
  }

  async errorsOnly(on = true): Promise<void> {
    const chip = this.page.getByTestId('errors-only');
    if ((await chip.getAttribute('aria-pressed')) !== String(on)) await chip.click();
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search history' }).fill(text);
  }

  async openJob(lead: string): Promise<void> {
    await this.row(lead).click();
    await expect(this.detail).toBeVisible();
    await expect(this.detail.getByTestId('attempt').first()).toBeVisible();
  }

  async closeJob(): Promise<void> {
    await this.detail.getByRole('button', { name: 'Close job detail' }).click();
    await expect(this.detail).toBeHidden();
  }

  /** Retry all failed: checks the preview's count, confirms, and waits for the dialog to close. */
  async retryFailed(expected: number): Promise<void> {
    await this.page.getByTestId('retry-failed').click();
    const dialog = this.page.getByTestId('retry-failed-dialog');
    await expect(dialog.getByRole('heading')).toHaveText(`Retry ${expected} failed job${expected === 1 ? '' : 's'}?`);
    await dialog.getByTestId('retry-failed-confirm').click();
    await expect(dialog).toBeHidden();
  }
}
