import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthAttempt, OAuthEnded, WorkspaceConnections } from '../contract/connections.ts';
import type { Result } from '../contract/errors.ts';
import type { Workspace } from '../contract/workspaces.ts';
import { createManualClock, type ManualClock } from '../ports/clock.ts';
import { createMemoryLogger } from '../ports/logger.ts';
import { createMemorySecretStore } from '../secrets/memory-secret-store.ts';
import { SECOND_PORTAL } from '../sandbox/hubspot/hubspot-portals.ts';
import { startTestSandbox, type TestSandbox } from '../../test/harness/hubspot-sandbox.ts';
import { createManualSchedule } from '../../test/harness/manual-schedule.ts';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';
import { makeTempDir } from '../../test/harness/temp-dir.ts';
import { createEmbeddedSandbox } from './embedded-sandbox.ts';

/** A port nobody listens on right now, to register as the OAuth app's redirect URI. */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const ok = <T>(result: Result<unknown>): T => {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
};

describe('connections against the sandbox portal', () => {
  let sb: TestSandbox;
  let t: TestServices;
  let clock: ManualClock;
  let app: { clientId: string; clientSecret: string };
  let ended: OAuthEnded[];
  const call = async <T = WorkspaceConnections>(method: string, input: unknown) => ok<T>(await t.services.router.handle(method, input, { client: 'test' }));

  beforeEach(async () => {
    sb = await startTestSandbox({ seed: 40 });
    clock = createManualClock(sb.server.clock.now());
    const port = await freePort();
    app = (await sb.admin('oauth/apps', { name: 'Syncdesk test', redirectUris: [`http://localhost:${port}/oauth/callback`] })).body;
    const memory = createMemorySecretStore();
    t = createTestServices({
      clock,
      secrets: { ...memory, status: () => ({ kind: 'keychain' }) },
      openExternal: async () => {},
      connections: { oauth: { ports: [port], schedule: createManualSchedule(clock).schedule }, tokens: { sleep: async () => {} }, timeoutMs: 10_000 },
    });
    ended = [];
    t.services.events.subscribe((event, payload) => {
      if (event === 'connections.onDidEndOAuth') ended.push(payload as OAuthEnded);
    });
  });
  afterEach(async () => {
    await t.services.connections.close();
    t.cleanup();
    await sb.stop();
  });

  /** The consent screen as a browser submits it: fetch the page, untick `decline`, pick a portal, follow the redirect. */
  async function consent(attempt: OAuthAttempt, options: { decline?: string[]; portalId?: number } = {}) {
    const page = await fetch(attempt.authorizeUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    const offered = [...html.matchAll(/name="grant_scope" value="([^"]+)"/g)].map((m) => m[1]!);
    const form = new URLSearchParams(hidden);
    form.set('portal_id', String(options.portalId ?? sb.portal.portalId));
    form.set('action', 'approve');
    for (const scope of offered) if (!options.decline?.includes(scope)) form.append('grant_scope', scope);
    const decision = await fetch(new URL('/oauth/authorize', attempt.authorizeUrl), { method: 'POST', body: form, redirect: 'manual' });
    expect(decision.status).toBe(302);
    const back = await fetch(decision.headers.get('location')!);
    return { status: back.status, page: await back.text() };
  }

  const start = (workspaceId: string) =>
    call<OAuthAttempt>('connections.startHubSpotOAuth', { workspaceId, clientId: app.clientId, clientSecret: app.clientSecret, apiBase: sb.url, authBase: sb.url });

  it('connects with OAuth through the consent screen, refreshes before expiry, goes Reauthorize when the grant is revoked, and reconnects', async () => {
    const id = (await call<Workspace>('workspaces.create', { name: 'Sandbox client' })).id;
    const { page } = await consent(await start(id));
    expect(page).toContain(`connected to HubSpot portal ${sb.portal.portalId}`);
    const connected = await call('connections.get', { workspaceId: id });
    expect(connected.hubspot).toMatchObject({
      state: 'connected',
      authKind: 'oauth',
      portal: { portalId: sb.portal.portalId, domain: sb.portal.domain, timeZone: 'US/Eastern', region: 'na1', uiDomain: 'app.hubspot.com' },
      scopes: { missingRequired: [], missingOptional: [] },
    });

    const gateway = await t.services.providers.hubspot(id);
    const first = await gateway.call('contacts', (c) => c.crm.contacts.basicApi.getPage(5));
    expect(first.results).toHaveLength(5);
    // 27 minutes later (both clocks): the next call refreshes first, and nothing is refused.
    clock.advance(27 * 60_000);
    await sb.admin('clock', { advanceMs: 27 * 60_000 });
    const before = (await call('connections.get', { workspaceId: id })).hubspot.accessExpiresAt;
    await gateway.call('contacts', (c) => c.crm.contacts.basicApi.getPage(5));
    const after = (await call('connections.get', { workspaceId: id })).hubspot.accessExpiresAt;
    expect(Date.parse(after!)).toBeGreaterThan(Date.parse(before!));

    // Uninstalled: the sandbox revokes the grant; the next refresh is refused for good.
    const refreshToken = await t.services.secrets.get(`workspace:${id}:hubspot.refreshToken`);
    await sb.admin('tokens/revoke', { token: refreshToken });
    clock.advance(30 * 60_000);
    await sb.admin('clock', { advanceMs: 30 * 60_000 });
    await expect(gateway.call('contacts', (c) => c.crm.contacts.basicApi.getPage(5))).rejects.toMatchObject({ code: 'auth_expired' });
    expect((await call('connections.get', { workspaceId: id })).hubspot).toMatchObject({ state: 'reauthorize', action: 'reconnect' });

    const again = await start(id);
    expect(new URL(again.authorizeUrl).pathname).toBe(`/oauth/${sb.portal.portalId}/authorize`);
    await consent(again);
    expect((await call('connections.get', { workspaceId: id })).hubspot.state).toBe('connected');
    expect((await gateway.call('contacts', (c) => c.crm.contacts.basicApi.getPage(5))).results).toHaveLength(5);
  });

  it('fails a declined required scope on the consent screen with nothing stored, and refuses the other portal by PAT', async () => {
    const id = (await call<Workspace>('workspaces.create', { name: 'Decliner' })).id;
    const { status, page } = await consent(await start(id), { decline: ['crm.lists.write'] });
    expect(status).toBe(400);
    expect(page).toContain('crm.lists.write');
    expect(ended).toMatchObject([{ outcome: 'failed', error: { code: 'missing_scopes' } }]);
    expect(await t.services.secrets.keys('')).toEqual([]);

    await call('connections.connectHubSpotToken', { workspaceId: id, token: sb.token, apiBase: sb.url });
    const other = (await sb.admin('tokens', { portalId: SECOND_PORTAL.portalId })).body.token as string;
    const refused = await t.services.router.handle('connections.connectHubSpotToken', { workspaceId: id, token: other, apiBase: sb.url }, { client: 'test' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining(`This workspace belongs to portal ${sb.portal.portalId}`) } });
  });

  it('reads a private-app token and its scopes from the sandbox, and names a scope the token lacks', async () => {
    const id = (await call<Workspace>('workspaces.create', { name: 'PAT client' })).id;
    const limited = (await sb.admin('tokens', { scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write'] })).body.token as string;
    const refused = await t.services.router.handle('connections.connectHubSpotToken', { workspaceId: id, token: limited, apiBase: sb.url }, { client: 'test' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'missing_scopes', details: { scopes: expect.arrayContaining(['crm.lists.write', 'crm.objects.owners.read']) } } });
    const view = await call('connections.connectHubSpotToken', { workspaceId: id, token: sb.token, apiBase: sb.url });
    expect(view.hubspot).toMatchObject({ state: 'connected', authKind: 'private_app', portal: { portalId: sb.portal.portalId, timeZone: 'US/Eastern', region: 'na1' } });
    const checked = await call('connections.check', { workspaceId: id });
    expect(checked.hubspot.lastCheck).toMatchObject({ ok: true });
    const budget = await call<{ usedToday: number; dailyLimit: number; source: string }>('connections.budget', { workspaceId: id });
    expect(budget).toMatchObject({ source: 'headers' });
    expect(budget.usedToday).toBeGreaterThan(0);
  });

  it('probes a Stripe sandbox key and names the permissions it lacks', async () => {
    const id = (await call<Workspace>('workspaces.create', { name: 'Billing client' })).id;
    const partial = sb.stripe.createKey(['rak_customer_read', 'rak_plan_read']);
    const refused = await t.services.router.handle('connections.connectStripe', { workspaceId: id, key: partial, apiBase: sb.url }, { client: 'test' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'missing_scopes', details: { scopes: ['rak_subscription_read', 'rak_product_read', 'rak_invoice_read', 'rak_event_read'] } } });
    const view = await call('connections.connectStripe', { workspaceId: id, key: sb.stripe.createKey(), apiBase: sb.url });
    expect(view.stripe).toMatchObject({ state: 'connected', keyKind: 'restricted' });
  });
});

describe('Try the sandbox', () => {
  it('starts the embedded sandbox, creates a sandbox workspace and connects it in one call; it comes back after a restart', async () => {
    const temp = makeTempDir();
    const memory = createMemorySecretStore();
    const secrets = { ...memory, status: () => ({ kind: 'keychain' as const }) };
    const sandbox = createEmbeddedSandbox({ dataDir: temp.dir, logger: createMemoryLogger(), seed: 60 });
    let t = createTestServices({ dataDir: temp.dir, secrets, sandbox, connections: { timeoutMs: 10_000 } });
    try {
      const created = ok<{ workspace: Workspace; connections: WorkspaceConnections }>(await t.services.router.handle('connections.createSandboxWorkspace', {}, { client: 'test' }));
      expect(created.workspace).toMatchObject({ name: 'Sandbox portal', kind: 'sandbox' });
      expect(created.connections.hubspot).toMatchObject({ state: 'connected', authKind: 'private_app', settings: { apiBase: sandbox.current()!.url } });
      // The Stripe sandbox answers on the same address, with a restricted key it minted.
      expect(created.connections.stripe).toMatchObject({ state: 'connected', keyKind: 'restricted', livemode: false, settings: { apiBase: sandbox.current()!.url } });
      expect(created.connections.stripe.permissions?.every((p) => p.granted)).toBe(true);
      const stripe = await t.services.providers.stripe(created.workspace.id);
      expect((await stripe!.customers.list({ limit: 3 })).object).toBe('list');
      const gateway = await t.services.providers.hubspot(created.workspace.id);
      const page = await gateway.call('contacts', (c) => c.crm.contacts.basicApi.getPage(100));
      expect(page.results.length).toBe(60);
      const second = ok<{ workspace: Workspace }>(await t.services.router.handle('connections.createSandboxWorkspace', {}, { client: 'test' }));
      expect(second.workspace.name).toBe('Sandbox portal 2');

      // Restart: the sandbox returns (on the same port when free) and the workspaces still work.
      const url = sandbox.current()!.url;
      t.services.close();
      await sandbox.close();
      const again = createEmbeddedSandbox({ dataDir: temp.dir, logger: createMemoryLogger() });
      t = createTestServices({ dataDir: temp.dir, secrets, sandbox: again, connections: { timeoutMs: 10_000 } });
      // createTestServices is host 'test', which doesn't restore on its own.
      await (await import('./sandbox-workspaces.ts'))
        .createSandboxWorkspaces({ workspaces: t.services.workspaces, connections: t.services.connections, sandbox: again, logger: createMemoryLogger() })
        .restore();
      expect(again.current()!.url).toBe(url);
      const restored = await t.services.providers.hubspot(created.workspace.id);
      expect((await restored.call('contacts', (c) => c.crm.contacts.basicApi.getPage(100))).results.length).toBe(60);
      await again.close();
    } finally {
      t.services.close();
      await sandbox.close();
      temp.cleanup();
    }
  });
});
