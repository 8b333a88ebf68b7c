import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubSpotConnection, OAuthAttempt, WorkspaceConnections } from '../../../core/contract/connections.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { createApiClient } from '../../api/client.ts';
import { bindEvents } from '../../state/bind-events.ts';
import { createAppStore, StoreContext } from '../../state/store.ts';
import { createFakeTransport } from '../../testing/fake-transport.ts';
import { ConnectionBanner } from './connection-banner.tsx';

// happy-dom has no modal dialog support; give <dialog> the two methods the component calls.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.setAttribute('open', '');
};
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
  this.removeAttribute('open');
};

afterEach(cleanup);

const workspace: Workspace = { id: 'wabc000000001', name: 'Acme', kind: 'hubspot', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };

function hubspot(patch: Partial<HubSpotConnection> = {}): HubSpotConnection {
  return {
    state: 'disconnected',
    reason: 'Connect a portal to push leads and mirror its data.',
    action: 'connect',
    authKind: null,
    portal: null,
    boundPortalId: null,
    scopes: null,
    connectedAt: null,
    lastVerifiedAt: null,
    lastCheck: null,
    accessExpiresAt: null,
    settings: { apiBase: 'https://api.hubapi.com', authBase: 'https://app.hubspot.com', clientId: null, hasClientSecret: false },
    pendingOAuth: null,
    ...patch,
  };
}

const view = (h: HubSpotConnection): WorkspaceConnections => ({
  workspaceId: workspace.id,
  hubspot: h,
  stripe: { state: 'disconnected', reason: 'Optional.', action: 'connect', keyKind: null, livemode: null, permissions: null, connectedAt: null, lastVerifiedAt: null, lastCheck: null, settings: { apiBase: 'https://api.stripe.com' } },
});

function setup(initial: HubSpotConnection, handlers: Parameters<typeof createFakeTransport>[0] = {}) {
  let current = view(initial);
  const fake = createFakeTransport({ 'connections.get': () => current, ...handlers });
  const store = createAppStore(createApiClient(fake.transport));
  store.setState({ workspaces: [workspace] });
  bindEvents(store.getState().api, store);
  render(
    <StoreContext.Provider value={store}>
      <ConnectionBanner workspace={workspace} />
    </StoreContext.Provider>,
  );
  return {
    fake,
    store,
    push(next: HubSpotConnection) {
      current = view(next);
      act(() => fake.emit('connections.onDidChange', current));
    },
  };
}

describe('connection banner', () => {
  it('asks to replace a private app token that HubSpot refused, and opens the token form', async () => {
    setup(hubspot({ state: 'reauthorize', action: 'replace_token', authKind: 'private_app', reason: 'HubSpot refused the private app token. Replace the token.' }));
    const banner = await screen.findByTestId('connection-banner');
    expect(banner.dataset.state).toBe('reauthorize');
    expect(banner.textContent).toContain('Jobs are paused');
    fireEvent.click(screen.getByRole('button', { name: 'Replace token' }));
    expect(screen.getByTestId('connect-hubspot-dialog')).toBeTruthy();
    expect((screen.getByLabelText(/^Access token/) as HTMLInputElement).type).toBe('password');
  });

  it('follows state changes pushed by core, without asking again', async () => {
    const t = setup(hubspot());
    expect((await screen.findByTestId('connection-banner')).dataset.state).toBe('disconnected');
    t.push(hubspot({ state: 'connected', action: null, reason: null, authKind: 'oauth', portal: { portalId: 101, domain: 'acme.example', uiDomain: null, timeZone: null, region: null, accountType: null, currency: null } }));
    expect(screen.getByTestId('connection-banner').dataset.state).toBe('connected');
    expect(screen.getByTestId('connection-banner').textContent).toContain('portal 101 (acme.example)');
    expect(t.fake.calls.filter((c) => c.method === 'connections.get')).toHaveLength(1);
  });

  it('starts OAuth, shows the authorization link while waiting, and closes when core says connected', async () => {
    const attempt: OAuthAttempt = {
      attemptId: 'a1',
      workspaceId: workspace.id,
      authorizeUrl: 'https://app.hubspot.com/oauth/authorize?client_id=c',
      redirectUri: 'http://localhost:42813/oauth/callback',
      startedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    };
    const t = setup(hubspot({ settings: { apiBase: 'https://api.hubapi.com', authBase: 'https://app.hubspot.com', clientId: 'c', hasClientSecret: true } }), {
      'connections.startHubSpotOAuth': () => attempt,
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Connect HubSpot' }));
    // A stored client id and secret: OAuth is preselected and ready; the secret is never sent back.
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Continue in HubSpot' }));
    });
    expect(t.fake.calls.find((c) => c.method === 'connections.startHubSpotOAuth')?.input).toEqual({ workspaceId: workspace.id, clientId: 'c' });
    expect(screen.getByTestId('oauth-authorize-link').getAttribute('href')).toBe(attempt.authorizeUrl);
    expect(screen.getByTestId('connection-banner').dataset.state).toBe('authorizing');

    t.push(hubspot({ state: 'connected', action: null, reason: null, authKind: 'oauth' }));
    await act(async () => t.fake.emit('connections.onDidEndOAuth', { workspaceId: workspace.id, attemptId: 'a1', outcome: 'connected', message: 'Connected to portal 101.' }));
    expect(screen.queryByTestId('connect-hubspot-dialog')).toBeNull();
    expect(t.store.getState().toasts.at(-1)).toMatchObject({ kind: 'success', message: 'Connected to portal 101.' });
  });

  it('keeps the dialog open with the reason when the authorization failed', async () => {
    const t = setup(hubspot({ settings: { apiBase: 'https://api.hubapi.com', authBase: 'https://app.hubspot.com', clientId: 'c', hasClientSecret: true } }), {
      'connections.startHubSpotOAuth': () => ({ attemptId: 'a2', workspaceId: workspace.id, authorizeUrl: 'https://x', redirectUri: 'http://localhost:42813/oauth/callback', startedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-01T00:10:00Z' }),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Connect HubSpot' }));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Continue in HubSpot' }));
    });
    t.push(hubspot({ settings: { apiBase: 'https://api.hubapi.com', authBase: 'https://app.hubspot.com', clientId: 'c', hasClientSecret: true } }));
    await act(async () =>
      t.fake.emit('connections.onDidEndOAuth', { workspaceId: workspace.id, attemptId: 'a2', outcome: 'failed', message: 'These required permissions were not granted: crm.lists.write.' }),
    );
    expect(screen.getByTestId('connect-error').textContent).toContain('crm.lists.write');
  });
});
