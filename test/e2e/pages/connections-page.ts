import { expect, type Locator, type Page } from '@playwright/test';

/** The connection banner, the connect dialogs and the Overview's connection cards of the open workspace. */
export class ConnectionsPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  get banner(): Locator {
    return this.page.getByTestId('connection-banner');
  }

  get dialog(): Locator {
    return this.page.getByTestId('connect-hubspot-dialog');
  }

  get hubspotCard(): Locator {
    return this.page.getByTestId('hubspot-card');
  }

  async expectState(state: 'connected' | 'reauthorize' | 'disconnected' | 'authorizing'): Promise<void> {
    await expect(this.banner).toHaveAttribute('data-state', state);
  }

  /** Opens the HubSpot dialog from the banner, on the OAuth tab, and starts the browser authorization. */
  async startOAuth(input: { clientId: string; clientSecret: string; apiBase: string; authBase: string }): Promise<void> {
    await this.banner.getByRole('button', { name: /Connect HubSpot|Reconnect/ }).click();
    await this.dialog.getByText('HubSpot app (OAuth)').click();
    await this.dialog.getByLabel('Client ID').fill(input.clientId);
    await this.dialog.getByLabel('Client secret').fill(input.clientSecret);
    await this.dialog.getByText('Advanced: addresses').click();
    await this.dialog.getByLabel('API address').fill(input.apiBase);
    await this.dialog.getByLabel('Authorization address').fill(input.authBase);
    await this.dialog.getByRole('button', { name: 'Continue in HubSpot' }).click();
    await expect(this.dialog.getByTestId('oauth-waiting')).toBeVisible();
  }

  /** Follows the dialog's authorization link; resolves to HubSpot's consent screen in the new tab. */
  async followAuthorizeLink(): Promise<Page> {
    const [consent] = await Promise.all([this.page.context().waitForEvent('page'), this.dialog.getByTestId('oauth-authorize-link').click()]);
    await consent.waitForLoadState();
    return consent;
  }

  async connectToken(token: string, apiBase: string): Promise<void> {
    await this.banner.getByRole('button', { name: /Connect HubSpot|Replace token/ }).click();
    await this.dialog.getByText('Private app token').click();
    await this.dialog.getByLabel('Access token').fill(token);
    await this.dialog.getByText('Advanced: addresses').click();
    await this.dialog.getByLabel('API address').fill(apiBase);
    await this.dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  }
}

/** The sandbox portal's simulated HubSpot consent screen. */
export class ConsentScreen {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  async decline(scope: string): Promise<void> {
    await this.page.getByTestId(`scope-${scope}`).uncheck();
  }

  /** Approves; resolves once the browser is back on Syncdesk's callback page. */
  async approve(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Connect app' }).click();
    const callback = this.page.getByTestId('oauth-callback');
    await expect(callback).toBeVisible();
    return callback;
  }
}
