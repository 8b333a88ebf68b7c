import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthAttempt, OAuthEnded, WorkspaceConnections } from '../contract/connections.ts';
import type { Result } from '../contract/errors.ts';
import { createManualClock, type ManualClock } from '../ports/clock.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import { createMemorySecretStore } from '../secrets/memory-secret-store.ts';
import { ALL_FAKE_SCOPES, type FakeHubSpot, startFakeHubSpot } from '../../test/harness/fake-hubspot.ts';
import { createManualSchedule } from '../../test/harness/manual-schedule.ts';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';

let t: TestServices;
let hubspot: FakeHubSpot;
let clock: ManualClock;
let timers: ReturnType<typeof createManualSchedule>;
let secrets: SecretStore;
let opened: string[];
let ended: OAuthEnded[];
let changes: WorkspaceConnections[];

/** A memory store that reports itself as the OS keychain, as it would be on a desktop. */
function keychainLike(): SecretStore {
  const memory = createMemorySecretStore();
  return { ...memory, status: () => ({ kind: 'keychain' }) };
}

beforeEach(async () => {
  clock = createManualClock(Date.UTC(2026, 5, 1, 12));
  timers = createManualSchedule(clock);
  hubspot = await startFakeHubSpot({ now: () => clock.now() });
  secrets = keychainLike();
  opened = [];
  t = createTestServices({
    clock,
    secrets,
    openExternal: async (url) => {
      opened.push(url);
    },
    connections: { oauth: { ports: [0], schedule: timers.schedule }, tokens: { sleep: async () => {} }, timeoutMs: 5000 },
  });
  ended = [];
  changes = [];
  t.services.events.subscribe((event, payload) => {
    if (event === 'connections.onDidEndOAuth') ended.push(payload as OAuthEnded);
    if (event === 'connections.onDidChange') changes.push(payload as WorkspaceConnections);
  });
});
afterEach(async () => {
  await t.services.connections.close();
  t.cleanup();
  await hubspot.close();
});

const call = async <T = unknown>(method: string, input: unknown): Promise<Result<T>> => (await t.services.router.handle(method, input, { client: 'test' })) as Result<T>;
const value = async <T = WorkspaceConnections>(method: string, input: unknown): Promise<T> => {
  const result = await call<T>(method, input);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
  return result.value;
};
const workspace = async (name = 'Acme') => (await value<{ id: string }>('workspaces.create', { name })).id;
const secretKeys = async () => (await secrets.keys('')).sort();

/** Plays the consent screen: approve these scopes for this portal (or decline) and follow the redirect. */
async function consent(attempt: OAuthAttempt, choice: { scopes?: string[]; portalId?: number; decline?: boolean; state?: string } = {}) {
  const url = new URL(attempt.authorizeUrl);
  const requested = [...(url.searchParams.get('scope') ?? '').split(' '), ...(url.searchParams.get('optional_scope') ?? '').split(' ')].filter(Boolean);
  const state = choice.state ?? url.searchParams.get('state')!;
  const params: Record<string, string> = choice.decline
    ? { error: 'access_denied', error_description: 'The user denied access', state }
    : {
        code: hubspot.authorize({
          redirectUri: url.searchParams.get('redirect_uri')!,
          codeChallenge: url.searchParams.get('code_challenge')!,
          scopes: choice.scopes ?? requested,
          ...(choice.portalId ? { portalId: choice.portalId } : {}),
        }),
        state,
      };
  const response = await fetch(`${attempt.redirectUri}?${new URLSearchParams(params)}`);
  return { status: response.status, page: await response.text() };
}

const startOAuth = (workspaceId: string, extra: Record<string, unknown> = {}) =>
  value<OAuthAttempt>('connections.startHubSpotOAuth', {
    workspaceId,
    clientId: hubspot.clientId,
    clientSecret: hubspot.clientSecret,
    apiBase: hubspot.url,
    authBase: 'https://app.hubspot.test',
    ...extra,
  });

async function connectOAuth(workspaceId: string) {
  const attempt = await startOAuth(workspaceId);
  const result = await consent(attempt);
  expect(result.status).toBe(200);
  return attempt;
}

describe('private app token', () => {
  it('verifies the token, reads the portal and scopes, and keeps the token only in the secret store', async () => {
    const id = await workspace();
    const token = hubspot.privateToken({ portalId: 101 });
    const connected = await value('connections.connectHubSpotToken', { workspaceId: id, token, apiBase: hubspot.url });
    expect(connected.hubspot).toMatchObject({
      state: 'connected',
      action: null,
      authKind: 'private_app',
      boundPortalId: 101,
      portal: { portalId: 101, timeZone: 'US/Eastern', region: 'na1', uiDomain: 'app.hubspot.com' },
      scopes: { missingRequired: [], missingOptional: [] },
      settings: { apiBase: hubspot.url },
    });
    expect(connected.hubspot.lastVerifiedAt).toBe(new Date(clock.now()).toISOString());
    expect(await secrets.get(`workspace:${id}:hubspot.accessToken`)).toBe(token);
    expect(JSON.stringify(connected)).not.toContain(token);
    expect(changes.at(-1)?.hubspot.state).toBe('connected');
  });

  it('refuses a token without a required scope, naming it, and stores nothing', async () => {
    const id = await workspace();
    const token = hubspot.privateToken({ scopes: ALL_FAKE_SCOPES.filter((s) => s !== 'crm.lists.write' && s !== 'oauth') });
    const result = await call('connections.connectHubSpotToken', { workspaceId: id, token, apiBase: hubspot.url });
    expect(result).toMatchObject({ ok: false, error: { code: 'missing_scopes', details: { scopes: ['crm.lists.write'] } } });
    expect(!result.ok && result.error.message).toContain('crm.lists.write (to add contacts to lists)');
    expect(await secretKeys()).toEqual([]);
    expect((await value('connections.get', { workspaceId: id })).hubspot).toMatchObject({ state: 'disconnected', action: 'connect', boundPortalId: null });
  });

  it('refuses a token HubSpot does not know, with the fix', async () => {
    const id = await workspace();
    const result = await call('connections.connectHubSpotToken', { workspaceId: id, token: 'pat-na1-00000000-0000-4000-8000-000000000000', apiBase: hubspot.url });
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized', message: expect.stringContaining('Private apps') } });
    expect(await secretKeys()).toEqual([]);
  });

  it('says when HubSpot cannot be reached', async () => {
    const id = await workspace();
    await hubspot.close();
    const result = await call('connections.connectHubSpotToken', { workspaceId: id, token: 'pat-na1-00000000-0000-4000-8000-000000000000', apiBase: hubspot.url });
    expect(result).toMatchObject({ ok: false, error: { code: 'hubspot_unavailable', retryable: true, message: expect.stringContaining(hubspot.url) } });
  });

  it('turns a later 401 into Reauthorize "replace the token", without a retry loop', async () => {
    const id = await workspace();
    const token = hubspot.privateToken();
    await value('connections.connectHubSpotToken', { workspaceId: id, token, apiBase: hubspot.url });
    hubspot.revokeToken(token);
    const gateway = await t.services.providers.hubspot(id);
    hubspot.log.length = 0;
    await expect(gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' })).rejects.toMatchObject({ code: 'auth_expired' });
    expect(hubspot.log).toEqual(['GET /crm/v3/owners']);
    const after = await value('connections.get', { workspaceId: id });
    expect(after.hubspot).toMatchObject({ state: 'reauthorize', action: 'replace_token', reason: expect.stringContaining('Replace the token') });
    // While Reauthorize, callers get auth_expired at once; nothing reaches HubSpot.
    await expect(t.services.providers.hubspot(id)).rejects.toMatchObject({ code: 'auth_expired' });
    await expect(gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' })).rejects.toMatchObject({ code: 'auth_expired' });
    expect(hubspot.log).toEqual(['GET /crm/v3/owners']);

    // Replacing the token (same portal) brings it back with everything kept.
    await value('connections.connectHubSpotToken', { workspaceId: id, token: hubspot.privateToken(), apiBase: hubspot.url });
    expect((await value('connections.get', { workspaceId: id })).hubspot.state).toBe('connected');
    await expect(gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' })).resolves.toMatchObject({ results: [] });
  });

  it('refuses a token of another portal, naming both', async () => {
    const id = await workspace();
    await value('connections.connectHubSpotToken', { workspaceId: id, token: hubspot.privateToken({ portalId: 101 }), apiBase: hubspot.url });
    const result = await call('connections.connectHubSpotToken', { workspaceId: id, token: hubspot.privateToken({ portalId: 202 }), apiBase: hubspot.url });
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('This workspace belongs to portal 101') } });
    expect(!result.ok && result.error.message).toContain('portal 202');
    expect((await value('connections.get', { workspaceId: id })).hubspot.portal?.portalId).toBe(101);
  });
});

describe('OAuth', () => {
  it('connects through the loopback callback with state and PKCE, then reads portal, domain and scopes', async () => {
    const id = await workspace();
    const attempt = await startOAuth(id);
    expect(opened).toEqual([attempt.authorizeUrl]);
    const url = new URL(attempt.authorizeUrl);
    expect(url.origin + url.pathname).toBe('https://app.hubspot.test/oauth/authorize');
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['oauth', 'crm.objects.contacts.write', 'crm.lists.write', 'crm.objects.owners.read']));
    expect(url.searchParams.get('optional_scope')).toBe('crm.objects.deals.read crm.schemas.deals.read');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect((await value('connections.get', { workspaceId: id })).hubspot.pendingOAuth?.attemptId).toBe(attempt.attemptId);
    // Nothing is stored while waiting, not even the client secret.
    expect(await secretKeys()).toEqual([]);

    const { page } = await consent(attempt);
    expect(page).toContain('connected to HubSpot portal 101 (acme.example)');
    expect(page).toContain('return to Syncdesk');
    expect(ended).toMatchObject([{ workspaceId: id, outcome: 'connected' }]);
    const view = await value('connections.get', { workspaceId: id });
    expect(view.hubspot).toMatchObject({
      state: 'connected',
      authKind: 'oauth',
      portal: { portalId: 101, domain: 'acme.example', timeZone: 'US/Eastern', region: 'na1' },
      scopes: { missingRequired: [], missingOptional: [] },
      accessExpiresAt: new Date(clock.now() + 1800_000).toISOString(),
      settings: { clientId: hubspot.clientId, hasClientSecret: true, authBase: 'https://app.hubspot.test' },
      pendingOAuth: null,
    });
    expect(await secretKeys()).toEqual([`workspace:${id}:hubspot.accessToken`, `workspace:${id}:hubspot.clientSecret`, `workspace:${id}:hubspot.refreshToken`]);
  });

  it('fails a declined required scope with a clear message, stores nothing and revokes the grant', async () => {
    const id = await workspace();
    const attempt = await startOAuth(id);
    const requested = new URL(attempt.authorizeUrl).searchParams.get('scope')!.split(' ');
    const { status, page } = await consent(attempt, { scopes: requested.filter((s) => s !== 'crm.objects.contacts.write') });
    expect(status).toBe(400);
    expect(page).toContain('crm.objects.contacts.write');
    expect(ended).toMatchObject([{ outcome: 'failed', error: { code: 'missing_scopes', details: { scopes: ['crm.objects.contacts.write'] } } }]);
    expect(await secretKeys()).toEqual([]);
    expect((await value('connections.get', { workspaceId: id })).hubspot).toMatchObject({ state: 'disconnected', boundPortalId: null });
    expect(hubspot.log.some((l) => l.startsWith('DELETE /oauth/v1/refresh-tokens/'))).toBe(true);
  });

  it('connects without the optional deal scopes and says what the mirror will skip', async () => {
    const id = await workspace();
    const attempt = await startOAuth(id);
    const required = new URL(attempt.authorizeUrl).searchParams.get('scope')!.split(' ');
    const { page } = await consent(attempt, { scopes: required });
    expect(page).toContain('the mirror skips deals');
    expect((await value('connections.get', { workspaceId: id })).hubspot.scopes).toMatchObject({ missingRequired: [], missingOptional: ['crm.objects.deals.read', 'crm.schemas.deals.read'] });
  });

  it('ends declined when the user declines, and keeps nothing', async () => {
    const id = await workspace();
    const attempt = await startOAuth(id);
    await consent(attempt, { decline: true });
    expect(ended).toMatchObject([{ outcome: 'declined' }]);
    expect(await secretKeys()).toEqual([]);
  });

  it('refuses another portal on reconnect, pinning the consent screen to the workspace portal', async () => {
    const id = await workspace();
    await connectOAuth(id);
    const again = await startOAuth(id);
    expect(new URL(again.authorizeUrl).pathname).toBe('/oauth/101/authorize');
    const { page } = await consent(again, { portalId: 202 });
    expect(page).toContain('This workspace belongs to portal 101');
    expect(ended.at(-1)).toMatchObject({ outcome: 'failed', error: { code: 'conflict', details: { boundPortalId: 101, portalId: 202 } } });
    expect((await value('connections.get', { workspaceId: id })).hubspot).toMatchObject({ state: 'connected', portal: { portalId: 101 } });
  });

  it('expires after ten minutes without an answer, and a late code is refused', async () => {
    const id = await workspace();
    const attempt = await startOAuth(id);
    timers.advance(10 * 60_000);
    expect(ended).toMatchObject([{ outcome: 'expired' }]);
    expect((await value('connections.get', { workspaceId: id })).hubspot.pendingOAuth).toBeNull();
    await expect(consent(attempt)).rejects.toThrow(); // the callback server is gone
    expect(await secretKeys()).toEqual([]);
  });

  it('reports a bad code', async () => {
    const id = await workspace();
    const attempt = await startOAuth(id);
    const state = new URL(attempt.authorizeUrl).searchParams.get('state')!;
    const response = await fetch(`${attempt.redirectUri}?code=made-up&state=${state}`);
    expect(await response.text()).toContain('HubSpot refused the authorization code');
    expect(ended).toMatchObject([{ outcome: 'failed', error: { code: 'unauthorized' } }]);
    expect(await secretKeys()).toEqual([]);
  });

  it('reports a wrong client secret before any browser opens another attempt', async () => {
    const id = await workspace();
    const attempt = await startOAuth(id, { clientSecret: 'not-the-secret-1234' });
    await consent(attempt);
    expect(ended).toMatchObject([{ outcome: 'failed', message: expect.stringContaining('client id or client secret') }]);
  });

  it('refuses a second concurrent attempt and lets the operator cancel', async () => {
    const a = await workspace('A');
    const b = await workspace('B');
    await startOAuth(a);
    expect(await call('connections.startHubSpotOAuth', { workspaceId: b, clientId: 'x', clientSecret: 'y', apiBase: hubspot.url })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringContaining('Another HubSpot authorization is already waiting') },
    });
    const cancelled = await value('connections.cancelHubSpotOAuth', { workspaceId: a });
    expect(cancelled.hubspot.pendingOAuth).toBeNull();
    expect(ended).toMatchObject([{ workspaceId: a, outcome: 'cancelled' }]);
    await startOAuth(b);
  });

  it('asks for the client id and secret when none are stored', async () => {
    const id = await workspace();
    expect(await call('connections.startHubSpotOAuth', { workspaceId: id, apiBase: hubspot.url })).toMatchObject({ ok: false, error: { code: 'validation', details: { field: 'clientId' } } });
    expect(await call('connections.startHubSpotOAuth', { workspaceId: id, clientId: 'abc', apiBase: hubspot.url })).toMatchObject({
      ok: false,
      error: { code: 'validation', details: { field: 'clientSecret' } },
    });
  });
});

describe('token discipline and state', () => {
  it('refreshes five minutes before expiry, once for 20 parallel calls, and persists the new token', async () => {
    const id = await workspace();
    await connectOAuth(id);
    const gateway = await t.services.providers.hubspot(id);
    const before = await secrets.get(`workspace:${id}:hubspot.accessToken`);
    await Promise.all(Array.from({ length: 5 }, () => gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' })));
    expect(hubspot.refreshCalls).toBe(0);

    clock.advance(26 * 60_000);
    hubspot.tokenDelayMs = 30;
    await Promise.all(Array.from({ length: 20 }, () => gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' })));
    expect(hubspot.refreshCalls).toBe(1);
    const after = await secrets.get(`workspace:${id}:hubspot.accessToken`);
    expect(after).not.toBe(before);
    expect((await value('connections.get', { workspaceId: id })).hubspot.accessExpiresAt).toBe(new Date(clock.now() + 1800_000).toISOString());
    // One gateway and one budget per workspace.
    expect(await t.services.providers.hubspot(id)).toBe(gateway);
    expect(gateway.budget.snapshot().usedToday).toBe(25);
  });

  it('survives a token endpoint outage with backoff, then goes Reauthorize on BAD_REFRESH_TOKEN, and back after reconnecting', async () => {
    const id = await workspace();
    await connectOAuth(id);
    const gateway = await t.services.providers.hubspot(id);
    clock.advance(29 * 60_000);
    hubspot.failTokenEndpoint(2, 503);
    await gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' });
    expect(hubspot.refreshCalls).toBe(3);
    expect((await value('connections.get', { workspaceId: id })).hubspot.state).toBe('connected');

    // The grant is revoked (the app was uninstalled): the next refresh is final.
    const refreshToken = (await secrets.get(`workspace:${id}:hubspot.refreshToken`))!;
    hubspot.revokeGrant(refreshToken);
    clock.advance(30 * 60_000);
    const refreshesBefore = hubspot.refreshCalls;
    await expect(gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' })).rejects.toMatchObject({ code: 'auth_expired' });
    expect(hubspot.refreshCalls).toBe(refreshesBefore + 1);
    const lost = await value('connections.get', { workspaceId: id });
    expect(lost.hubspot).toMatchObject({ state: 'reauthorize', action: 'reconnect', reason: expect.stringContaining('Reconnect to portal 101') });
    expect(changes.some((c) => c.hubspot.state === 'reauthorize')).toBe(true);
    await expect(t.services.providers.hubspot(id)).rejects.toMatchObject({ code: 'auth_expired' });

    await connectOAuth(id);
    expect((await value('connections.get', { workspaceId: id })).hubspot.state).toBe('connected');
    await expect(gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' })).resolves.toBeTruthy();
  });

  it('forces one refresh after an unexpected 401 and gives up if the fresh token is refused too', async () => {
    const id = await workspace();
    await connectOAuth(id);
    const gateway = await t.services.providers.hubspot(id);
    hubspot.revokeToken((await secrets.get(`workspace:${id}:hubspot.accessToken`))!);
    await gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' });
    expect(hubspot.refreshCalls).toBe(1);
    expect((await value('connections.get', { workspaceId: id })).hubspot.state).toBe('connected');

    hubspot.revokeToken((await secrets.get(`workspace:${id}:hubspot.accessToken`))!);
    await expect(gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' })).rejects.toMatchObject({ code: 'auth_expired' });
    expect(hubspot.refreshCalls).toBe(1);
    expect((await value('connections.get', { workspaceId: id })).hubspot.state).toBe('reauthorize');
  });

  it('disconnects: secrets deleted, grant revoked at HubSpot, state Disconnected, portal binding kept', async () => {
    const id = await workspace();
    await connectOAuth(id);
    const refreshToken = (await secrets.get(`workspace:${id}:hubspot.refreshToken`))!;
    const view = await value('connections.disconnect', { workspaceId: id, provider: 'hubspot' });
    expect(view.hubspot).toMatchObject({ state: 'disconnected', action: 'connect', boundPortalId: 101, reason: expect.stringContaining('belongs to portal 101') });
    expect(await secretKeys()).toEqual([]);
    expect(hubspot.log).toContain(`DELETE /oauth/v1/refresh-tokens/${refreshToken}`);
    await expect(t.services.providers.hubspot(id)).rejects.toMatchObject({ code: 'not_connected' });
  });

  it('a never-connected workspace is not_connected and has no budget', async () => {
    const id = await workspace();
    await expect(t.services.providers.hubspot(id)).rejects.toMatchObject({ code: 'not_connected', message: expect.stringContaining("HubSpot isn't connected") });
    expect(await t.services.providers.stripe(id)).toBeNull();
    expect(await value('connections.budget', { workspaceId: id })).toBeNull();
  });

  it('goes Reauthorize when the keychain lost the token', async () => {
    const id = await workspace();
    await value('connections.connectHubSpotToken', { workspaceId: id, token: hubspot.privateToken(), apiBase: hubspot.url });
    await secrets.delete(`workspace:${id}:hubspot.accessToken`);
    const gateway = await t.services.providers.hubspot(id);
    await expect(gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' })).rejects.toMatchObject({ code: 'auth_expired' });
    expect((await value('connections.get', { workspaceId: id })).hubspot).toMatchObject({ state: 'reauthorize', reason: expect.stringContaining('keychain') });
  });

  it('the share kept for other apps is set per workspace, applies at once and is remembered', async () => {
    const id = await workspace();
    await value('connections.connectHubSpotToken', { workspaceId: id, token: hubspot.privateToken(), apiBase: hubspot.url });
    expect(await value('connections.budget', { workspaceId: id })).toMatchObject({ reservedShare: 0.2 });
    expect(await value('connections.setReservedShare', { workspaceId: id, share: 0.5 })).toMatchObject({ reservedShare: 0.5 });
    expect((await t.services.providers.hubspot(id)).budget.snapshot().reservedShare).toBe(0.5);
    expect(await call('connections.setReservedShare', { workspaceId: id, share: 0.95 })).toMatchObject({ ok: false, error: { code: 'validation' } });
    // Another process on the same data folder (the CLI beside the app) starts from the saved share.
    const other = createTestServices({ clock, secrets, dataDir: t.dataDir });
    try {
      expect(await other.services.router.handle('connections.budget', { workspaceId: id }, { client: 'test' })).toMatchObject({ ok: true, value: { reservedShare: 0.5 } });
    } finally {
      await other.services.connections.close();
      other.services.close();
    }
  });

  it('Check now re-reads scopes, records the check and feeds the budget with the day’s usage', async () => {
    const id = await workspace();
    await value('connections.connectHubSpotToken', { workspaceId: id, token: hubspot.privateToken(), apiBase: hubspot.url });
    clock.advance(60_000);
    const checked = await value('connections.check', { workspaceId: id });
    expect(checked.hubspot).toMatchObject({ state: 'connected', lastVerifiedAt: new Date(clock.now()).toISOString(), lastCheck: { ok: true } });
    const budget = await value<{ usedToday: number; dailyLimit: number; reservedShare: number }>('connections.budget', { workspaceId: id });
    // HubSpot's own count wins over ours: it includes the portal's other apps.
    expect(budget).toMatchObject({ usedToday: 1234, dailyLimit: 250000, reservedShare: 0.2, source: 'headers' });

    await hubspot.close();
    const offline = await value('connections.check', { workspaceId: id });
    expect(offline.hubspot).toMatchObject({ state: 'connected', lastCheck: { ok: false } });
  });

  it('Check now on OAuth: a refused token is refreshed once and stays Connected; a revoked grant goes Reauthorize', async () => {
    const id = await workspace();
    await connectOAuth(id);
    hubspot.revokeToken((await secrets.get(`workspace:${id}:hubspot.accessToken`))!);
    const refreshed = await value('connections.check', { workspaceId: id });
    expect(refreshed.hubspot).toMatchObject({ state: 'connected', lastCheck: { ok: true }, portal: { portalId: 101, domain: 'acme.example' } });
    expect(hubspot.refreshCalls).toBe(1);

    hubspot.revokeGrant((await secrets.get(`workspace:${id}:hubspot.refreshToken`))!);
    const lost = await value('connections.check', { workspaceId: id });
    expect(lost.hubspot).toMatchObject({ state: 'reauthorize', action: 'reconnect' });
  });

  it('drops everything of a deleted workspace', async () => {
    const id = await workspace();
    await value('connections.connectHubSpotToken', { workspaceId: id, token: hubspot.privateToken(), apiBase: hubspot.url });
    await value('workspaces.delete', { id });
    expect(await secretKeys()).toEqual([]);
    await expect(t.services.providers.hubspot(id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
