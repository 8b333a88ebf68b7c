import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestSandbox, type TestSandbox } from '../../harness/hubspot-sandbox.ts';
import { type ConsoleHost, startConsoleHost } from '../console-host.ts';
import { expect, test as base } from '../fixtures.ts';
import { ConnectionsPage, ConsentScreen } from '../pages/connections-page.ts';
import { ShellPage } from '../pages/shell-page.ts';

interface OAuthFixtures {
  /** A sandbox portal with an OAuth app whose redirect URI is the console's own loopback port. */
  sandbox: TestSandbox & { app: { clientId: string; clientSecret: string }; redirectPort: number };
  /** `syncdesk serve` told to use that port for OAuth callbacks. */
  oauthHost: ConsoleHost;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

const test = base.extend<OAuthFixtures>({
  // eslint-disable-next-line no-empty-pattern
  sandbox: async ({}, use) => {
    const sandbox = await startTestSandbox({ seed: 20 });
    const redirectPort = await freePort();
    const app = (await sandbox.admin('oauth/apps', { name: 'Syncdesk (e2e)', redirectUris: [`http://localhost:${redirectPort}/oauth/callback`] })).body as { clientId: string; clientSecret: string };
    await use(Object.assign(sandbox, { app, redirectPort }));
    await sandbox.stop();
  },
  oauthHost: async ({ sandbox }, use) => {
    const host = await startConsoleHost({ env: { SYNCDESK_OAUTH_PORTS: String(sandbox.redirectPort) } });
    await use(host);
    await host.stop();
  },
});

test('connects a workspace through HubSpot OAuth: Connect, the consent screen, approve, back Connected', async ({ page, oauthHost, sandbox }) => {
  const shell = new ShellPage(page);
  await shell.open(oauthHost.url);
  await shell.createWorkspace('Acme Corp');
  const connections = new ConnectionsPage(page);
  await connections.expectState('disconnected');

  await connections.startOAuth({ clientId: sandbox.app.clientId, clientSecret: sandbox.app.clientSecret, apiBase: sandbox.url, authBase: sandbox.url });
  await connections.expectState('authorizing');
  const consent = await connections.followAuthorizeLink();
  expect(new URL(consent.url()).origin).toBe(sandbox.url);
  const callback = await new ConsentScreen(consent).approve();
  await expect(callback).toHaveAttribute('data-outcome', 'success');
  await expect(callback).toContainText('return to Syncdesk');
  await expect(callback).toContainText(`portal ${sandbox.portal.portalId}`);
  await consent.close();

  await connections.expectState('connected');
  await expect(connections.dialog).toBeHidden();
  await expect(connections.hubspotCard.getByTestId('portal-id')).toContainText(String(sandbox.portal.portalId));
  await expect(connections.hubspotCard.getByTestId('portal-id')).toContainText(sandbox.portal.domain);
  await expect(connections.hubspotCard.getByTestId('scope-status')).toContainText('All 8 required granted');
  await expect(page.getByTestId('budget-meter')).toBeVisible();

  await shell.navigate('Health board');
  await expect(page.getByTestId('health-state')).toHaveText('Connected');
});

test('declining a required scope on the consent screen ends with a clear message and no connection', async ({ page, oauthHost, sandbox }) => {
  const shell = new ShellPage(page);
  await shell.open(oauthHost.url);
  await shell.createWorkspace('Globex');
  const connections = new ConnectionsPage(page);
  await connections.startOAuth({ clientId: sandbox.app.clientId, clientSecret: sandbox.app.clientSecret, apiBase: sandbox.url, authBase: sandbox.url });
  const consentPage = await connections.followAuthorizeLink();
  const consent = new ConsentScreen(consentPage);
  await consent.decline('crm.objects.contacts.write');
  const callback = await consent.approve();
  await expect(callback).toHaveAttribute('data-outcome', 'error');
  await expect(callback).toContainText('crm.objects.contacts.write');
  await consentPage.close();

  await expect(connections.dialog.getByTestId('connect-error')).toContainText('These required permissions were not granted: crm.objects.contacts.write');
  await expect(page.getByRole('alert').filter({ hasText: 'crm.objects.contacts.write' }).first()).toBeVisible();
  await connections.dialog.getByRole('button', { name: 'Cancel' }).click();
  await connections.expectState('disconnected');
});

test('a private app token from the sandbox connects, and a token of another portal is refused naming both', async ({ page, oauthHost, sandbox }) => {
  const shell = new ShellPage(page);
  await shell.open(oauthHost.url);
  await shell.createWorkspace('Initech');
  const connections = new ConnectionsPage(page);
  await connections.connectToken(sandbox.token, sandbox.url);
  await connections.expectState('connected');

  const other = (await sandbox.admin('tokens', { portalId: 48151742 })).body.token as string;
  await connections.hubspotCard.getByRole('button', { name: 'Change credentials' }).click();
  await connections.dialog.getByText('Private app token').click();
  await connections.dialog.getByLabel('Access token').fill(other);
  await connections.dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(connections.dialog.getByTestId('connect-error')).toContainText(`This workspace belongs to portal ${sandbox.portal.portalId}`);
  await expect(connections.dialog.getByTestId('connect-error')).toContainText('portal 48151742');
});

test('Try the sandbox: one click on the welcome screen gives a connected workspace with data', async ({ shell, page }) => {
  await page.getByTestId('try-sandbox').click();
  const connections = new ConnectionsPage(page);
  await connections.expectState('connected');
  await expect(page.getByTestId('overview-name')).toHaveText('Sandbox portal');
  await expect(connections.hubspotCard.getByTestId('connection-state')).toHaveText('Connected');
  await expect(page.getByTestId('budget-meter').getByTestId('calls-today')).toBeVisible();
  const reserve = page.getByTestId('budget-meter').getByLabel('Reserved for other apps');
  await expect(reserve).toHaveValue('20');
  await reserve.selectOption('30');
  await expect(page.getByText('Syncdesk now leaves 30% of the daily API limit')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('budget-meter').getByLabel('Reserved for other apps')).toHaveValue('30');
  await expect(page.getByTestId('stripe-card').getByTestId('connection-state')).toHaveText('Connected');
  await shell.switcher.click();
  await expect(page.getByRole('option', { name: /Sandbox portal/ })).toContainText('sandbox');
});
