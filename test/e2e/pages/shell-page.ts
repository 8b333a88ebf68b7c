import { expect, type Locator, type Page } from '@playwright/test';

/** The app frame: workspace switcher, navigation, dialogs. Shared by the browser and Electron projects. */
export class ShellPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await expect(this.page.locator('[data-app-state="ready"]')).toBeVisible();
  }

  get switcher(): Locator {
    return this.page.getByTestId('workspace-switcher');
  }

  async createWorkspace(name: string): Promise<void> {
    const welcome = this.page.getByRole('button', { name: /create (your first|a) workspace/i });
    if (await welcome.isVisible()) await welcome.click();
    else {
      await this.switcher.click();
      await this.page.getByRole('button', { name: 'New workspace…' }).click();
    }
    const dialog = this.page.getByTestId('create-workspace-dialog');
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Create workspace' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.page.getByTestId('overview-name')).toHaveText(name);
  }

  async switchTo(name: string): Promise<void> {
    await this.switcher.click();
    await this.page.getByRole('option', { name: new RegExp(name) }).click();
    await expect(this.switcher).toContainText(name);
  }

  async navigate(label: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  }
}
