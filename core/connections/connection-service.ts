import type Stripe from 'stripe';
import type { EventBus } from '../app/event-bus.ts';
import { ERROR_REFERENCE } from '../contract/error-reference.ts';
import type { BudgetView, HubSpotConnection, LastCheck, OAuthAttempt, StripeConnection, WorkspaceConnections } from '../contract/connections.ts';
import type { Workspace } from '../contract/workspaces.ts';
import { AppError } from '../errors.ts';
import { getDailyUsage } from '../hubspot/account-info.ts';
import { createHubSpotGateway, type HubSpotCredentials, HUBSPOT_API_BASE, type HubSpotGateway, type TokenSource } from '../hubspot/hubspot-gateway.ts';
import { createOAuthTokenClient } from '../hubspot/oauth-token-client.ts';
import { createRequestBudget, type RequestBudget } from '../hubspot/request-budget.ts';
import { OPTIONAL_SCOPES, requiredScopesFor, scopeStatus } from '../hubspot/scopes.ts';
import { limitsFor } from '../hubspot/tiers.ts';
import { buildAuthorizeUrl } from '../oauth/authorize-url.ts';
import { createOAuthFlows, type Schedule } from '../oauth/oauth-flow.ts';
import { createTokenKeeper, type StoredTokens, type TokenKeeper, type TokenKeeperDeps } from '../oauth/token-keeper.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { OpenExternal } from '../ports/open-external.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import { registerSecret } from '../secrets/redact.ts';
import { createStripeClient, STRIPE_API_BASE } from '../stripe/stripe-gateway.ts';
import { type WorkspaceService, workspaceSecretPrefix } from '../workspaces/workspace-service.ts';
import { connectionStore, type ConnectionDefaults, type HubSpotRecord, type StripeRecord } from './connection-store.ts';
import {
  assertRequiredScopes,
  assertSamePortal,
  readOAuthIdentity,
  readPrivateAppIdentity,
  verifyOAuthAccessToken,
  verifyPrivateAppToken,
  type VerifiedHubSpot,
} from './hubspot-verify.ts';
import type { SandboxHost } from './sandbox-host.ts';
import { assertStripePermissions, verifyStripeKey } from './stripe-verify.ts';

export const HUBSPOT_AUTH_BASE = 'https://app.hubspot.com';

/**
 * How the mirror and the push engine reach HubSpot and Stripe: only through here.
 */
export interface ProviderAccess {
  /** A gateway for the workspace's HubSpot connection; throws AppError not_connected (never set up / removed)
   *  or auth_expired (state Reauthorize). One gateway and one RequestBudget per workspace, shared by all callers. */
  hubspot(workspaceId: string): Promise<HubSpotGateway>;
  /** The Stripe client of the workspace, or null when Stripe isn't connected. */
  stripe(workspaceId: string): Promise<import('stripe').default | null>;
}

export interface ConnectionServiceDeps {
  workspaces: WorkspaceService;
  secrets: SecretStore;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  openExternal: OpenExternal;
  /** The embedded sandbox portal ("Try the sandbox"); absent where the host has none. */
  sandbox?: SandboxHost;
  /** Loopback redirect ports, the 10-minute window and its timer (tests override). */
  oauth?: { ports?: readonly number[]; windowMs?: number; schedule?: Schedule };
  /** Refresh timing (tests override). */
  tokens?: Pick<TokenKeeperDeps, 'refreshEarlyMs' | 'retryDelaysMs' | 'cooldownMs' | 'sleep'>;
  /** Provider request timeout. */
  timeoutMs?: number;
}

interface HubSpotRuntime {
  apiBase: string;
  authKind: 'oauth' | 'private_app';
  budget: RequestBudget;
  gateway: HubSpotGateway;
  /** The credential version the caches below belong to. */
  version: number;
  keeper: TokenKeeper | null;
  staticToken: string | null;
}

interface StripeRuntime {
  apiBase: string;
  version: number;
  client: Stripe;
}

const SECRET = {
  accessToken: 'hubspot.accessToken',
  refreshToken: 'hubspot.refreshToken',
  clientSecret: 'hubspot.clientSecret',
  stripeKey: 'stripe.key',
} as const;

export type ConnectionService = ReturnType<typeof createConnectionService>;

/**
 * The connections of every workspace: connecting (private-app token, OAuth, Stripe key), their
 * state (Connected / Reauthorize / Disconnected), token discipline, and the one gateway and budget
 * per workspace that everything else uses through `access`.
 */
export function createConnectionService(deps: ConnectionServiceDeps) {
  const { workspaces, secrets, events, clock, logger } = deps;
  const hubspotRuntimes = new Map<string, HubSpotRuntime>();
  const stripeRuntimes = new Map<string, StripeRuntime>();
  const tokenSources = new Map<string, TokenSource>();
  const now = () => isoAt(clock.now());
  const secretKey = (workspaceId: string, name: string) => `${workspaceSecretPrefix(workspaceId)}${name}`;
  const getSecret = (workspaceId: string, name: string) => secrets.get(secretKey(workspaceId, name));
  const keychainBacked = () => secrets.status().kind === 'keychain';

  const flows = createOAuthFlows({
    clock,
    logger: logger.child('oauth'),
    openExternal: deps.openExternal,
    ...(deps.oauth?.ports ? { ports: deps.oauth.ports } : {}),
    ...(deps.oauth?.windowMs ? { windowMs: deps.oauth.windowMs } : {}),
    ...(deps.oauth?.schedule ? { schedule: deps.oauth.schedule } : {}),
  });

  function defaultsFor(workspace: Workspace): ConnectionDefaults {
    const sandboxUrl = workspace.kind === 'sandbox' ? deps.sandbox?.current()?.url : undefined;
    return {
      hubspotApiBase: sandboxUrl ?? HUBSPOT_API_BASE,
      hubspotAuthBase: sandboxUrl ?? HUBSPOT_AUTH_BASE,
      stripeApiBase: sandboxUrl ?? STRIPE_API_BASE,
    };
  }

  function storeFor(workspaceId: string) {
    const workspace = workspaces.get(workspaceId);
    return connectionStore(workspaces.database(workspaceId), defaultsFor(workspace), now);
  }

  // --- views ------------------------------------------------------------------------------------

  function hubspotView(workspaceId: string, rec: HubSpotRecord): HubSpotConnection {
    const action = rec.state === 'connected' ? null : rec.state === 'disconnected' ? 'connect' : rec.authKind === 'private_app' ? 'replace_token' : 'reconnect';
    return {
      state: rec.state,
      reason: rec.state === 'connected' ? null : (rec.reason ?? 'Connect a portal to push leads and mirror its data.'),
      action,
      authKind: rec.authKind,
      portal: rec.portal,
      boundPortalId: rec.boundPortalId,
      scopes: rec.authKind && rec.grantedScopes ? scopeStatus(rec.authKind, rec.grantedScopes) : null,
      connectedAt: rec.connectedAt,
      lastVerifiedAt: rec.lastVerifiedAt,
      lastCheck: rec.lastCheck,
      accessExpiresAt: rec.authKind === 'oauth' && rec.accessExpiresAt !== null && rec.state === 'connected' ? isoAt(rec.accessExpiresAt) : null,
      settings: { apiBase: rec.apiBase, authBase: rec.authBase, clientId: rec.clientId, hasClientSecret: rec.clientSecretSaved },
      pendingOAuth: flows.pending(workspaceId),
    };
  }

  function stripeView(rec: StripeRecord): StripeConnection {
    return {
      state: rec.state,
      reason: rec.state === 'connected' ? null : (rec.reason ?? 'Optional: connect a restricted key to add billing data and MRR beside each company.'),
      action: rec.state === 'connected' ? null : rec.state === 'disconnected' ? 'connect' : 'replace_key',
      keyKind: rec.keyKind,
      livemode: rec.livemode,
      permissions: rec.permissions,
      connectedAt: rec.connectedAt,
      lastVerifiedAt: rec.lastVerifiedAt,
      lastCheck: rec.lastCheck,
      settings: { apiBase: rec.apiBase },
    };
  }

  function view(workspaceId: string): WorkspaceConnections {
    const store = storeFor(workspaceId);
    return { workspaceId, hubspot: hubspotView(workspaceId, store.hubspot()), stripe: stripeView(store.stripe()) };
  }

  function changed(workspaceId: string): void {
    try {
      events.emit('connections.onDidChange', view(workspaceId));
    } catch (error) {
      // The workspace was deleted meanwhile: nothing to tell.
      if (!(error instanceof AppError && error.code === 'not_found')) throw error;
    }
  }

  // --- state transitions ------------------------------------------------------------------------

  function reauthorizeHubSpot(workspaceId: string, reason: string): void {
    const store = storeFor(workspaceId);
    if (store.hubspot().state !== 'connected') return;
    store.updateHubSpot({ state: 'reauthorize', reason, lastCheck: { at: now(), ok: false, message: reason } });
    logger.warn('hubspot connection needs reauthorization', { workspaceId });
    changed(workspaceId);
  }

  function reauthorizeStripe(workspaceId: string, reason: string): void {
    const store = storeFor(workspaceId);
    if (store.stripe().state !== 'connected') return;
    store.updateStripe({ state: 'reauthorize', reason, lastCheck: { at: now(), ok: false, message: reason } });
    stripeRuntimes.delete(workspaceId);
    logger.warn('stripe connection needs a new key', { workspaceId });
    changed(workspaceId);
  }

  const portalLabel = (rec: HubSpotRecord) => (rec.portal ? `portal ${rec.portal.portalId}${rec.portal.domain ? ` (${rec.portal.domain})` : ''}` : 'the same portal');

  /** A secret the row says exists is missing from this process's secret store. */
  function missingCredentials(workspaceId: string, what: string): AppError {
    if (keychainBacked()) {
      const reason = `The stored ${what} is missing from this computer's keychain (it was removed or the keychain was reset). Reconnect.`;
      reauthorizeHubSpot(workspaceId, reason);
      return new AppError('auth_expired', reason, { retryable: false });
    }
    // In memory mode another process (the one that connected) may hold it: don't change the shared state.
    return new AppError(
      'auth_expired',
      `This Syncdesk process has no keychain, and the ${what} was kept in the memory of the process that connected it. Use that process (syncdesk serve), or connect again here.`,
      { retryable: false, details: { secretStorage: 'memory' } },
    );
  }

  // --- HubSpot runtime: one gateway, budget and token source per workspace -----------------------

  function keeperFor(workspaceId: string): TokenKeeper {
    return createTokenKeeper({
      clock,
      logger: logger.child('tokens'),
      ...deps.tokens,
      load: async (): Promise<StoredTokens | null> => {
        const rec = storeFor(workspaceId).hubspot();
        const [accessToken, refreshToken] = await Promise.all([getSecret(workspaceId, SECRET.accessToken), getSecret(workspaceId, SECRET.refreshToken)]);
        if (!accessToken || !refreshToken || rec.accessExpiresAt === null) return null;
        return { accessToken, refreshToken, expiresAt: rec.accessExpiresAt };
      },
      refresh: async (refreshToken) => {
        const rec = storeFor(workspaceId).hubspot();
        const clientSecret = await getSecret(workspaceId, SECRET.clientSecret);
        if (!rec.clientId || !clientSecret) {
          throw new AppError('auth_expired', 'The HubSpot app’s client id or secret is missing, so the authorization can’t be refreshed. Reconnect.', { retryable: false, details: { final: true } });
        }
        return createOAuthTokenClient({ baseUrl: rec.apiBase, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) }).refresh({ clientId: rec.clientId, clientSecret, refreshToken });
      },
      persist: async (tokens) => {
        await secrets.set(secretKey(workspaceId, SECRET.accessToken), tokens.accessToken);
        await secrets.set(secretKey(workspaceId, SECRET.refreshToken), tokens.refreshToken);
        storeFor(workspaceId).updateHubSpot({ accessExpiresAt: tokens.expiresAt });
        changed(workspaceId);
      },
      onGrantLost: (error) => {
        const rec = storeFor(workspaceId).hubspot();
        reauthorizeHubSpot(workspaceId, `${error.message.replace(/\s*Reconnect to the same portal\.?$/, '')} Reconnect to ${portalLabel(rec)}; mappings, settings and history are kept.`);
      },
    });
  }

  /** Brings the workspace's runtime in line with its row: new credentials drop cached tokens; a new API base or auth kind a new gateway. */
  function runtimeFor(workspaceId: string, rec: HubSpotRecord): HubSpotRuntime {
    const authKind = rec.authKind ?? 'private_app';
    let runtime = hubspotRuntimes.get(workspaceId);
    if (runtime && (runtime.apiBase !== rec.apiBase || runtime.authKind !== authKind)) {
      runtime.gateway.close();
      runtime = undefined;
    }
    if (!runtime) {
      const reserveShare = storeFor(workspaceId).reservedShare();
      const budget = createRequestBudget({
        limits: limitsFor('starter', authKind),
        clock,
        ...(reserveShare !== null ? { reserveShare } : {}),
        ...(rec.portal?.timeZone ? { timeZone: safeTimeZone(rec.portal.timeZone) } : {}),
      });
      const gateway = createHubSpotGateway({
        baseUrl: rec.apiBase,
        tokens: tokenSourceFor(workspaceId),
        budget,
        logger: logger.child('hubspot'),
        ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
      });
      runtime = { apiBase: rec.apiBase, authKind, budget, gateway, version: -1, keeper: null, staticToken: null };
      hubspotRuntimes.set(workspaceId, runtime);
    }
    if (runtime.version !== rec.credentialVersion) {
      runtime.version = rec.credentialVersion;
      runtime.keeper?.reset();
      runtime.keeper = authKind === 'oauth' ? keeperFor(workspaceId) : null;
      runtime.staticToken = null;
    }
    return runtime;
  }

  function stateError(rec: HubSpotRecord): AppError | null {
    if (rec.state === 'disconnected') return new AppError('not_connected', `${ERROR_REFERENCE.not_connected.title}: ${ERROR_REFERENCE.not_connected.fix}`, { retryable: false });
    if (rec.state === 'reauthorize') return new AppError('auth_expired', rec.reason ?? ERROR_REFERENCE.auth_expired.fix, { retryable: false });
    return null;
  }

  function tokenSourceFor(workspaceId: string): TokenSource {
    let source = tokenSources.get(workspaceId);
    if (source) return source;
    source = {
      async current(): Promise<HubSpotCredentials> {
        const rec = storeFor(workspaceId).hubspot();
        const refused = stateError(rec);
        if (refused) throw refused;
        const runtime = runtimeFor(workspaceId, rec);
        if (runtime.keeper) {
          try {
            return { accessToken: await runtime.keeper.current(), kind: 'oauth' };
          } catch (error) {
            if (error instanceof AppError && error.code === 'not_connected') throw missingCredentials(workspaceId, 'HubSpot authorization');
            throw error;
          }
        }
        runtime.staticToken ??= await getSecret(workspaceId, SECRET.accessToken);
        if (!runtime.staticToken) throw missingCredentials(workspaceId, 'private app token');
        return { accessToken: runtime.staticToken, kind: 'private_app' };
      },
      async rejected(used: HubSpotCredentials): Promise<boolean> {
        const rec = storeFor(workspaceId).hubspot();
        if (rec.state !== 'connected') return false;
        const runtime = runtimeFor(workspaceId, rec);
        if (runtime.keeper) return runtime.keeper.rejected(used.accessToken);
        // A private-app token never refreshes: a 401 means "replace the token", unless another process already did.
        const stored = await getSecret(workspaceId, SECRET.accessToken);
        if (stored && stored !== used.accessToken) {
          runtime.staticToken = stored;
          return true;
        }
        reauthorizeHubSpot(
          workspaceId,
          `HubSpot refused the private app token (it was rotated or deleted, or its creator lost access). Replace the token with a current one from ${portalLabel(rec)}; mappings, settings and history are kept.`,
        );
        return false;
      },
    };
    tokenSources.set(workspaceId, source);
    return source;
  }

  function dropRuntimes(workspaceId: string): void {
    hubspotRuntimes.get(workspaceId)?.gateway.close();
    hubspotRuntimes.get(workspaceId)?.keeper?.reset();
    hubspotRuntimes.delete(workspaceId);
    tokenSources.delete(workspaceId);
    stripeRuntimes.delete(workspaceId);
  }

  const access: ProviderAccess = {
    async hubspot(workspaceId) {
      const rec = storeFor(workspaceId).hubspot();
      const refused = stateError(rec);
      if (refused) throw refused;
      return runtimeFor(workspaceId, rec).gateway;
    },
    async stripe(workspaceId) {
      const rec = storeFor(workspaceId).stripe();
      if (rec.state !== 'connected') return null;
      const runtime = stripeRuntimes.get(workspaceId);
      if (runtime && runtime.apiBase === rec.apiBase && runtime.version === rec.credentialVersion) return runtime.client;
      const key = await getSecret(workspaceId, SECRET.stripeKey);
      if (!key) {
        if (keychainBacked()) reauthorizeStripe(workspaceId, 'The Stripe key is missing from this computer’s keychain. Paste the key again.');
        return null;
      }
      const client = createStripeClient({ baseUrl: rec.apiBase, key, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
      // A refused key shows up here whoever made the call (the mirror, a resync): flip to Reauthorize once.
      client.on('response', (event: { status?: number }) => {
        if (event.status === 401) reauthorizeStripe(workspaceId, 'Stripe refused the key (it was rolled, deleted or expired). Paste a new restricted key.');
      });
      stripeRuntimes.set(workspaceId, { apiBase: rec.apiBase, version: rec.credentialVersion, client });
      return client;
    },
  };

  // --- connecting ---------------------------------------------------------------------------------

  const verifyDeps = (apiBase: string) => ({ apiBase, clock, logger: logger.child('verify'), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });

  /** Stores a checked connection: secrets first, then the row, so a failure leaves nothing half-made. */
  async function saveHubSpot(
    workspaceId: string,
    verified: VerifiedHubSpot,
    credentials: { accessToken: string; refreshToken?: string; expiresAt?: number; clientId?: string; clientSecret?: string },
    settings: { apiBase: string; authBase: string },
  ): Promise<void> {
    const store = storeFor(workspaceId);
    const previous = store.hubspot();
    assertSamePortal(previous.boundPortalId, verified.portal.portalId);
    const written: string[] = [];
    const put = async (name: string, value: string) => {
      await secrets.set(secretKey(workspaceId, name), value);
      written.push(name);
    };
    try {
      await put(SECRET.accessToken, credentials.accessToken);
      if (credentials.refreshToken) await put(SECRET.refreshToken, credentials.refreshToken);
      else await secrets.delete(secretKey(workspaceId, SECRET.refreshToken));
      if (credentials.clientSecret) await put(SECRET.clientSecret, credentials.clientSecret);
      const at = now();
      store.updateHubSpot(
        {
          state: 'connected',
          reason: null,
          authKind: verified.authKind,
          portal: verified.portal,
          boundPortalId: verified.portal.portalId,
          grantedScopes: verified.grantedScopes,
          apiBase: settings.apiBase,
          authBase: settings.authBase,
          ...(credentials.clientId ? { clientId: credentials.clientId } : {}),
          clientSecretSaved: credentials.clientSecret ? true : previous.clientSecretSaved,
          accessExpiresAt: credentials.expiresAt ?? null,
          connectedAt: previous.state === 'connected' && previous.connectedAt ? previous.connectedAt : at,
          lastVerifiedAt: at,
          lastCheck: { at, ok: true, message: `Connected to portal ${verified.portal.portalId}.` },
        },
        { credentialsChanged: true },
      );
    } catch (error) {
      for (const name of written) await secrets.delete(secretKey(workspaceId, name)).catch(() => {});
      throw error;
    }
    logger.info('hubspot connected', { workspaceId, portalId: verified.portal.portalId, authKind: verified.authKind, reconnected: previous.boundPortalId !== null });
  }

  async function connectHubSpotToken(input: { workspaceId: string; token: string; apiBase?: string | undefined }): Promise<WorkspaceConnections> {
    const store = storeFor(input.workspaceId);
    const rec = store.hubspot();
    const apiBase = input.apiBase ?? rec.apiBase;
    registerSecret(input.token);
    flows.cancel(input.workspaceId);
    const verified = await verifyPrivateAppToken(verifyDeps(apiBase), input.token);
    assertSamePortal(rec.boundPortalId, verified.portal.portalId);
    assertRequiredScopes(verified);
    await saveHubSpot(input.workspaceId, verified, { accessToken: input.token }, { apiBase, authBase: rec.authBase });
    changed(input.workspaceId);
    return view(input.workspaceId);
  }

  async function startHubSpotOAuth(input: {
    workspaceId: string;
    clientId?: string | undefined;
    clientSecret?: string | undefined;
    apiBase?: string | undefined;
    authBase?: string | undefined;
  }): Promise<OAuthAttempt> {
    const { workspaceId } = input;
    const rec = storeFor(workspaceId).hubspot();
    const clientId = input.clientId ?? rec.clientId;
    if (!clientId) throw new AppError('validation', 'Enter the client id of your HubSpot app (HubSpot → Development → your app → Auth).', { details: { field: 'clientId' } });
    if (input.clientSecret) registerSecret(input.clientSecret);
    const clientSecret = input.clientSecret ?? (await getSecret(workspaceId, SECRET.clientSecret));
    if (!clientSecret) throw new AppError('validation', 'Enter the client secret of your HubSpot app; Syncdesk keeps it in the keychain.', { details: { field: 'clientSecret' } });
    const apiBase = input.apiBase ?? rec.apiBase;
    const authBase = input.authBase ?? rec.authBase;

    const attempt = await flows.begin({
      workspaceId,
      authorizeUrl: ({ redirectUri, state, codeChallenge }) =>
        buildAuthorizeUrl({
          authBase,
          clientId,
          redirectUri,
          scopes: requiredScopesFor('oauth'),
          optionalScopes: OPTIONAL_SCOPES,
          state,
          codeChallenge,
          // Reconnecting: HubSpot shows only the portal this workspace belongs to.
          ...(rec.boundPortalId !== null ? { portalId: rec.boundPortalId } : {}),
        }),
      complete: async ({ code, codeVerifier, redirectUri }) => {
        workspaces.get(workspaceId); // still exists?
        const tokenClient = createOAuthTokenClient({ baseUrl: apiBase, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
        const tokens = await tokenClient.exchangeCode({ clientId, clientSecret, code, redirectUri, codeVerifier });
        let verified: VerifiedHubSpot & { expiresIn: number };
        try {
          verified = await verifyOAuthAccessToken(verifyDeps(apiBase), tokens.accessToken);
          assertSamePortal(storeFor(workspaceId).hubspot().boundPortalId, verified.portal.portalId);
          assertRequiredScopes(verified);
          await saveHubSpot(
            workspaceId,
            verified,
            { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: clock.now() + tokens.expiresIn * 1000, clientId, clientSecret },
            { apiBase, authBase },
          );
        } catch (error) {
          // Refused after HubSpot granted it: end that grant too, so nothing half-made lingers at HubSpot.
          await tokenClient.revokeRefreshToken(tokens.refreshToken).catch((e: unknown) => logger.warn('could not revoke a refused grant', { error: e }));
          throw error;
        }
        const { missingOptional } = scopeStatus('oauth', verified.grantedScopes);
        return `Syncdesk is connected to HubSpot portal ${verified.portal.portalId}${verified.portal.domain ? ` (${verified.portal.domain})` : ''}.${
          missingOptional.length ? ` Without ${missingOptional.join(', ')} the mirror skips deals.` : ''
        }`;
      },
    });
    changed(workspaceId);
    return attempt;
  }

  flows.onEnd((ended) => {
    events.emit('connections.onDidEndOAuth', ended);
    changed(ended.workspaceId);
  });

  async function connectStripe(input: { workspaceId: string; key: string; apiBase?: string | undefined }): Promise<WorkspaceConnections> {
    const store = storeFor(input.workspaceId);
    const rec = store.stripe();
    const apiBase = input.apiBase ?? rec.apiBase;
    registerSecret(input.key);
    const verified = await verifyStripeKey({ apiBase, key: input.key, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
    assertStripePermissions(verified);
    await secrets.set(secretKey(input.workspaceId, SECRET.stripeKey), input.key);
    const at = now();
    try {
      store.updateStripe(
        {
          state: 'connected',
          reason: null,
          keyKind: verified.keyKind,
          livemode: verified.livemode,
          permissions: verified.permissions,
          apiBase,
          connectedAt: rec.state === 'connected' && rec.connectedAt ? rec.connectedAt : at,
          lastVerifiedAt: at,
          lastCheck: { at, ok: true, message: 'Every permission Syncdesk needs is granted.' },
        },
        { credentialsChanged: true },
      );
    } catch (error) {
      await secrets.delete(secretKey(input.workspaceId, SECRET.stripeKey)).catch(() => {});
      throw error;
    }
    stripeRuntimes.delete(input.workspaceId);
    logger.info('stripe connected', { workspaceId: input.workspaceId, keyKind: verified.keyKind, livemode: verified.livemode });
    changed(input.workspaceId);
    return view(input.workspaceId);
  }

  async function disconnect(input: { workspaceId: string; provider: 'hubspot' | 'stripe' }): Promise<WorkspaceConnections> {
    const { workspaceId } = input;
    const store = storeFor(workspaceId);
    if (input.provider === 'stripe') {
      await secrets.delete(secretKey(workspaceId, SECRET.stripeKey));
      store.updateStripe(
        { state: 'disconnected', reason: `Stripe was disconnected on ${now().slice(0, 10)}.`, keyKind: null, livemode: null, permissions: null, connectedAt: null, lastCheck: null },
        { credentialsChanged: true },
      );
      stripeRuntimes.delete(workspaceId);
      logger.info('stripe disconnected', { workspaceId });
      changed(workspaceId);
      return view(workspaceId);
    }
    flows.cancel(workspaceId);
    const rec = store.hubspot();
    if (rec.authKind === 'oauth') {
      // Best effort: end the grant at HubSpot so the refresh token is worthless even if a copy survived somewhere.
      const refreshToken = await getSecret(workspaceId, SECRET.refreshToken);
      if (refreshToken) {
        await createOAuthTokenClient({ baseUrl: rec.apiBase, timeoutMs: Math.min(deps.timeoutMs ?? 10_000, 10_000) })
          .revokeRefreshToken(refreshToken)
          .catch((error: unknown) => logger.warn('could not revoke the HubSpot refresh token; it is deleted locally anyway', { error }));
      }
    }
    for (const name of [SECRET.accessToken, SECRET.refreshToken, SECRET.clientSecret]) await secrets.delete(secretKey(workspaceId, name));
    store.updateHubSpot(
      {
        state: 'disconnected',
        reason: rec.boundPortalId !== null ? `Disconnected on ${now().slice(0, 10)}. This workspace belongs to portal ${rec.boundPortalId}; connect it again to continue.` : null,
        authKind: null,
        grantedScopes: null,
        accessExpiresAt: null,
        clientSecretSaved: false,
        connectedAt: null,
        lastCheck: null,
      },
      { credentialsChanged: true },
    );
    const runtime = hubspotRuntimes.get(workspaceId);
    runtime?.keeper?.reset();
    if (runtime) runtime.version = -1;
    logger.info('hubspot disconnected', { workspaceId });
    changed(workspaceId);
    return view(workspaceId);
  }

  // --- Check now ----------------------------------------------------------------------------------

  async function checkHubSpot(workspaceId: string): Promise<void> {
    const store = storeFor(workspaceId);
    const rec = store.hubspot();
    if (rec.state === 'disconnected' || !rec.authKind) return;
    const at = now();
    const record = (lastCheck: LastCheck, patch: Partial<HubSpotRecord> = {}) => store.updateHubSpot({ ...patch, lastCheck });
    try {
      let verified: VerifiedHubSpot;
      if (rec.state === 'reauthorize') {
        // Maybe it works again (a restored token, a reinstalled app): check with what is stored, outside the gateway.
        verified = await recheckStored(workspaceId, rec);
      } else {
        const gateway = await access.hubspot(workspaceId);
        const source = tokenSourceFor(workspaceId);
        verified =
          rec.authKind === 'oauth'
            ? await readOAuthIdentity(gateway, async () => (await source.current()).accessToken, logger)
            : await readPrivateAppIdentity(gateway, (await source.current()).accessToken, logger);
        if (rec.authKind === 'private_app') await learnDailyUsage(gateway, workspaceId);
      }
      assertSamePortal(rec.boundPortalId, verified.portal.portalId);
      const { missingRequired } = scopeStatus(verified.authKind, verified.grantedScopes);
      const message = missingRequired.length ? `Connected, but required scopes are missing: ${missingRequired.join(', ')}.` : 'HubSpot answered and every required scope is granted.';
      record({ at, ok: missingRequired.length === 0, message }, { state: 'connected', reason: null, portal: verified.portal, grantedScopes: verified.grantedScopes, lastVerifiedAt: at });
    } catch (raw) {
      const error = raw instanceof AppError ? raw : new AppError('internal', 'The check failed unexpectedly.', { cause: raw });
      if (error.code === 'unauthorized' || error.code === 'auth_expired' || error.code === 'conflict') {
        const current = store.hubspot();
        if (current.state === 'connected') {
          reauthorizeHubSpot(
            workspaceId,
            rec.authKind === 'private_app'
              ? `HubSpot refused the private app token on the last check. Replace the token with a current one from ${portalLabel(rec)}.`
              : `HubSpot refused the authorization on the last check: ${error.message} Reconnect to ${portalLabel(rec)}.`,
          );
        } else {
          // Already Reauthorize (maybe just now, by the gateway's 401 handling): its reason says it best.
          record({ at, ok: false, message: current.reason ?? error.message });
        }
        return;
      }
      // Offline or a HubSpot outage says nothing about the credentials: keep the state, note the check.
      record({ at, ok: false, message: error.message });
      if (!(error.retryable || error.code === 'offline' || error.code === 'hubspot_unavailable')) logger.warn('hubspot check failed', { workspaceId, code: error.code });
    }
  }

  async function recheckStored(workspaceId: string, rec: HubSpotRecord): Promise<VerifiedHubSpot> {
    if (rec.authKind === 'private_app') {
      const token = await getSecret(workspaceId, SECRET.accessToken);
      if (!token) throw new AppError('auth_expired', 'No private app token is stored. Replace the token.');
      return verifyPrivateAppToken(verifyDeps(rec.apiBase), token);
    }
    const [refreshToken, clientSecret] = await Promise.all([getSecret(workspaceId, SECRET.refreshToken), getSecret(workspaceId, SECRET.clientSecret)]);
    if (!refreshToken || !clientSecret || !rec.clientId) throw new AppError('auth_expired', 'The stored authorization is incomplete. Reconnect.');
    const tokens = await createOAuthTokenClient({ baseUrl: rec.apiBase }).refresh({ clientId: rec.clientId, clientSecret, refreshToken });
    const verified = await verifyOAuthAccessToken(verifyDeps(rec.apiBase), tokens.accessToken);
    await secrets.set(secretKey(workspaceId, SECRET.accessToken), tokens.accessToken);
    await secrets.set(secretKey(workspaceId, SECRET.refreshToken), tokens.refreshToken);
    storeFor(workspaceId).updateHubSpot({ accessExpiresAt: clock.now() + tokens.expiresIn * 1000 }, { credentialsChanged: true });
    return verified;
  }

  /** Teaches the budget today's account-wide usage, which other apps share (private apps only). */
  async function learnDailyUsage(gateway: HubSpotGateway, workspaceId: string): Promise<void> {
    try {
      const usage = await getDailyUsage(gateway);
      if (usage) gateway.budget.observe({ 'x-hubspot-ratelimit-daily': String(usage.usageLimit), 'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, usage.usageLimit - usage.currentUsage)) });
    } catch (error) {
      logger.debug('daily usage not available', { workspaceId, code: error instanceof AppError ? error.code : 'internal' });
    }
  }

  async function checkStripe(workspaceId: string): Promise<void> {
    const store = storeFor(workspaceId);
    const rec = store.stripe();
    if (rec.state === 'disconnected') return;
    const at = now();
    const key = await getSecret(workspaceId, SECRET.stripeKey);
    if (!key) {
      if (keychainBacked()) reauthorizeStripe(workspaceId, 'The Stripe key is missing from this computer’s keychain. Paste the key again.');
      return;
    }
    try {
      const verified = await verifyStripeKey({ apiBase: rec.apiBase, key, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
      const missing = verified.permissions.filter((p) => !p.granted);
      store.updateStripe({
        state: 'connected',
        reason: null,
        permissions: verified.permissions,
        lastVerifiedAt: at,
        lastCheck: { at, ok: missing.length === 0, message: missing.length ? `Missing: ${missing.map((p) => p.permission).join(', ')}.` : 'Every permission Syncdesk needs is granted.' },
      });
      if (rec.state !== 'connected') stripeRuntimes.delete(workspaceId);
    } catch (raw) {
      const error = raw instanceof AppError ? raw : new AppError('internal', 'The Stripe check failed unexpectedly.', { cause: raw });
      if (error.code === 'unauthorized') reauthorizeStripe(workspaceId, 'Stripe refused the key on the last check (it was rolled, deleted or expired). Paste a new restricted key.');
      else store.updateStripe({ lastCheck: { at, ok: false, message: error.message } });
    }
  }

  async function check(workspaceId: string): Promise<WorkspaceConnections> {
    workspaces.get(workspaceId);
    await checkHubSpot(workspaceId);
    await checkStripe(workspaceId);
    changed(workspaceId);
    return view(workspaceId);
  }

  /** Sets the share of the daily API limit Syncdesk leaves to the portal's other apps (kept per workspace). */
  function setReservedShare(workspaceId: string, share: number): BudgetView | null {
    storeFor(workspaceId).setReservedShare(share);
    hubspotRuntimes.get(workspaceId)?.budget.setReserveShare(share);
    return budget(workspaceId);
  }

  function budget(workspaceId: string): BudgetView | null {
    const runtime = hubspotRuntimes.get(workspaceId);
    if (runtime) return runtime.budget.snapshot();
    const rec = storeFor(workspaceId).hubspot();
    if (rec.state !== 'connected') return null;
    return runtimeFor(workspaceId, rec).budget.snapshot();
  }

  // Deleted workspaces: forget their gateways and any authorization they were waiting for.
  const unsubscribeWorkspaces = events.subscribe((event, payload) => {
    if (event !== 'workspaces.onDidChange') return;
    const alive = new Set((payload as { workspaces: Workspace[] }).workspaces.map((w) => w.id));
    for (const id of new Set([...hubspotRuntimes.keys(), ...stripeRuntimes.keys(), ...tokenSources.keys()])) {
      if (!alive.has(id)) dropRuntimes(id);
    }
  });

  return {
    access,
    view,
    list: (): WorkspaceConnections[] => workspaces.list().workspaces.map((w) => view(w.id)),
    connectHubSpotToken,
    startHubSpotOAuth,
    cancelHubSpotOAuth(input: { workspaceId: string }): WorkspaceConnections {
      workspaces.get(input.workspaceId);
      flows.cancel(input.workspaceId);
      return view(input.workspaceId);
    },
    connectStripe,
    disconnect,
    check,
    budget,
    setReservedShare,
    /** Updates where a workspace reaches HubSpot and Stripe (a sandbox that came back on another port). */
    moveEndpoints(workspaceId: string, bases: { hubspotApiBase: string; hubspotAuthBase: string; stripeApiBase: string }): void {
      const store = storeFor(workspaceId);
      store.updateHubSpot({ apiBase: bases.hubspotApiBase, authBase: bases.hubspotAuthBase });
      store.updateStripe({ apiBase: bases.stripeApiBase });
      changed(workspaceId);
    },
    /** In-process subscription to state changes (jobs pause on Reauthorize and resume on Connected). */
    onDidChange(listener: (connections: WorkspaceConnections) => void): () => void {
      return events.subscribe((event, payload) => {
        if (event === 'connections.onDidChange') listener(payload as WorkspaceConnections);
      });
    },
    /** Secrets this process can see, by workspace (to find rows whose secrets vanished). */
    async hasStoredCredentials(workspaceId: string, provider: 'hubspot' | 'stripe'): Promise<boolean> {
      return (await getSecret(workspaceId, provider === 'hubspot' ? SECRET.accessToken : SECRET.stripeKey)) !== null;
    },
    async close(): Promise<void> {
      unsubscribeWorkspaces();
      await flows.close();
      for (const id of [...hubspotRuntimes.keys()]) dropRuntimes(id);
    },
  };
}

function safeTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
    return timeZone;
  } catch {
    return 'UTC';
  }
}
