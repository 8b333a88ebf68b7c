import type { HubSpotAuthKind, PortalIdentity } from '../contract/connections.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { type AccountDetails, getAccountDetails } from '../hubspot/account-info.ts';
import { createHubSpotGateway, type HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { createRequestBudget } from '../hubspot/request-budget.ts';
import { describeScopes, scopeStatus } from '../hubspot/scopes.ts';
import { limitsFor } from '../hubspot/tiers.ts';
import { getAccessTokenInfo, getPrivateAppTokenInfo } from '../hubspot/token-info.ts';

export interface VerifiedHubSpot {
  authKind: HubSpotAuthKind;
  portal: PortalIdentity;
  grantedScopes: string[];
}

export interface VerifyDeps {
  apiBase: string;
  clock: Clock;
  logger: Logger;
  timeoutMs?: number;
}

/** A throwaway gateway around one token, for checks made before a connection exists. */
function oneTokenGateway(deps: VerifyDeps, accessToken: string, kind: HubSpotAuthKind): HubSpotGateway {
  return createHubSpotGateway({
    baseUrl: deps.apiBase,
    tokens: { current: async () => ({ accessToken, kind }), rejected: async () => false },
    budget: createRequestBudget({ limits: limitsFor('starter', kind), clock: deps.clock }),
    logger: deps.logger,
    ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
  });
}

function identity(portalId: number, details: AccountDetails | null, domain: string | null, hublet: string | null): PortalIdentity {
  return {
    portalId,
    domain,
    uiDomain: details?.uiDomain ?? null,
    timeZone: details?.timeZone ?? null,
    region: details?.dataHostingLocation ?? hublet,
    accountType: details?.accountType ?? null,
    currency: details?.companyCurrency ?? null,
  };
}

/** Network and outage failures read the same whichever check hit them. */
function unreachable(error: AppError, apiBase: string): AppError {
  if (error.code === 'offline') return new AppError('offline', `Syncdesk can't reach HubSpot at ${apiBase}: this computer seems to be offline.`, { retryable: true });
  if (error.code === 'hubspot_unavailable' || error.code === 'rate_limited') {
    return new AppError(error.code, `HubSpot at ${apiBase} didn't answer properly (${error.message}). Try again in a minute.`, { retryable: true, ...(error.details ? { details: error.details } : {}) });
  }
  return error;
}

async function accountDetailsOrNull(gateway: HubSpotGateway, logger: Logger): Promise<AccountDetails | null> {
  try {
    return await getAccountDetails(gateway);
  } catch (error) {
    // Without HubSpot's `oauth` scope (private apps can't always get it), identity comes from the token alone.
    if (error instanceof AppError && error.code === 'missing_scopes') {
      logger.info('account details not readable with this token; using the token info only');
      return null;
    }
    throw error;
  }
}

/** Which portal a private-app token opens and which scopes it has, then the portal's details. */
export async function readPrivateAppIdentity(gateway: HubSpotGateway, token: string, logger: Logger): Promise<VerifiedHubSpot> {
  const info = await getPrivateAppTokenInfo(gateway, token);
  const details = await accountDetailsOrNull(gateway, logger);
  const hublet = /^pat-([a-z]{2,3}\d)-/.exec(token)?.[1] ?? null;
  return { authKind: 'private_app', portal: identity(info.hubId, details, null, hublet), grantedScopes: [...info.scopes] };
}

/** What an OAuth access token is for: portal, domain, scopes, then the portal's details. */
export async function readOAuthIdentity(
  gateway: HubSpotGateway,
  accessToken: string | (() => Promise<string>),
  logger: Logger,
): Promise<VerifiedHubSpot & { expiresIn: number }> {
  // The authenticated call first: a revoked or expired token meets the gateway's 401 handling
  // (one forced refresh, then Reauthorize) instead of the metadata endpoint's bare 404.
  const details = await accountDetailsOrNull(gateway, logger);
  // Read the token after that call: it may have been refreshed by it.
  const token = typeof accessToken === 'string' ? accessToken : await accessToken();
  const info = await getAccessTokenInfo(gateway, token).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'not_found') {
      throw new AppError('auth_expired', 'HubSpot no longer knows this access token (expired or revoked).', { retryable: false, details: { status: 404 } });
    }
    throw error;
  });
  return {
    authKind: 'oauth',
    portal: identity(info.hub_id, details, info.hub_domain ?? null, info.signed_access_token?.hublet ?? null),
    grantedScopes: [...info.scopes],
    expiresIn: info.expires_in,
  };
}

/**
 * Checks a private-app token (`pat-…`) before it is stored. Throws a plain-language AppError for a
 * refused token or an unreachable HubSpot.
 */
export async function verifyPrivateAppToken(deps: VerifyDeps, token: string): Promise<VerifiedHubSpot> {
  const gateway = oneTokenGateway(deps, token, 'private_app');
  try {
    return await readPrivateAppIdentity(gateway, token, deps.logger);
  } catch (raw) {
    const error = raw instanceof AppError ? raw : new AppError('internal', 'Checking the token failed unexpectedly.', { cause: raw });
    if (error.code === 'auth_expired' || error.code === 'not_found' || (error.details?.status === 400 && /format/i.test(error.message))) {
      throw new AppError(
        'unauthorized',
        "HubSpot doesn't accept this private app token: it may be mistyped, rotated or deleted. Copy it again from HubSpot → Settings → Integrations → Private apps → your app → Access token.",
        { retryable: false, details: { status: error.details?.status ?? null } },
      );
    }
    throw unreachable(error, deps.apiBase);
  } finally {
    gateway.close();
  }
}

/** Reads what a freshly issued OAuth access token is for, before it is stored. */
export async function verifyOAuthAccessToken(deps: VerifyDeps, accessToken: string): Promise<VerifiedHubSpot & { expiresIn: number }> {
  const gateway = oneTokenGateway(deps, accessToken, 'oauth');
  try {
    return await readOAuthIdentity(gateway, accessToken, deps.logger);
  } catch (raw) {
    const error = raw instanceof AppError ? raw : new AppError('internal', 'Checking the authorization failed unexpectedly.', { cause: raw });
    if (error.code === 'auth_expired' || error.code === 'not_found') {
      throw new AppError('unauthorized', 'HubSpot issued an access token but then refused it. Start the connection again.', { retryable: false });
    }
    throw unreachable(error, deps.apiBase);
  } finally {
    gateway.close();
  }
}

/** Refuses a portal other than the one the workspace belongs to (SPEC §1). */
export function assertSamePortal(boundPortalId: number | null, portalId: number): void {
  if (boundPortalId !== null && boundPortalId !== portalId) {
    throw new AppError(
      'conflict',
      `This workspace belongs to portal ${boundPortalId}, but these credentials are for portal ${portalId}. Connect portal ${boundPortalId} again, or create a new workspace for portal ${portalId}.`,
      { retryable: false, details: { boundPortalId, portalId } },
    );
  }
}

/** Refuses a connection without every required scope, naming each and what it is for. */
export function assertRequiredScopes(verified: VerifiedHubSpot): void {
  const { missingRequired } = scopeStatus(verified.authKind, verified.grantedScopes);
  if (missingRequired.length === 0) return;
  const fix =
    verified.authKind === 'oauth'
      ? 'Start again and keep every required permission ticked on HubSpot’s consent screen, or ask a HubSpot super admin to connect.'
      : 'In HubSpot → Settings → Integrations → Private apps → your app → Scopes, add them, then paste the token again.';
  throw new AppError(
    'missing_scopes',
    `${verified.authKind === 'oauth' ? 'These required permissions were not granted' : 'This private app lacks required scopes'}: ${describeScopes(missingRequired)}. Nothing was connected. ${fix}`,
    { retryable: false, details: { scopes: missingRequired, granted: verified.grantedScopes, portalId: verified.portal.portalId } },
  );
}
