import { Client } from '@hubspot/api-client';
import { AppError } from '../errors.ts';
import { redact, registerSecret } from '../secrets/redact.ts';
import { classifyHubSpotError, rawResponse } from './classify-error.ts';

/** What HubSpot's token endpoint returns (facts §7.2). */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds (HubSpot: 1800). */
  expiresIn: number;
  hubId?: number;
  scopes?: string[];
}

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface OAuthTokenClientOptions {
  /** https://api.hubapi.com or a sandbox portal. */
  baseUrl: string;
  timeoutMs?: number;
}

/** HubSpot's token-endpoint statuses that no retry can fix: the grant or the app is gone. */
const FINAL_GRANT = new Set(['BAD_REFRESH_TOKEN', 'BAD_HUB']);
const BAD_CODE = new Set(['BAD_AUTH_CODE', 'EXPIRED_AUTH_CODE', 'BAD_CODE_VERIFIER', 'BAD_REDIRECT_URI']);
const BAD_CLIENT = new Set(['BAD_CLIENT_ID', 'BAD_CLIENT_SECRET']);

/**
 * Classifies a token-endpoint failure. `details.final` is true when retrying cannot help (the
 * refresh token was revoked, the code was used, the client secret is wrong): the caller must ask the
 * operator to reconnect. Network trouble, 5xx and 429 stay retryable.
 */
export function classifyTokenError(error: unknown, grant: 'authorization_code' | 'refresh_token'): AppError {
  const failure = error as { code?: unknown; body?: unknown };
  if (typeof failure?.code === 'number' && failure.code >= 400 && failure.code < 500 && failure.code !== 429) {
    const body = (typeof failure.body === 'object' && failure.body !== null ? failure.body : {}) as { status?: string; error?: string; message?: string; error_description?: string };
    const status = body.status ?? (body.error === 'invalid_grant' ? (grant === 'refresh_token' ? 'BAD_REFRESH_TOKEN' : 'BAD_AUTH_CODE') : body.error === 'invalid_client' ? 'BAD_CLIENT_ID' : undefined);
    const said = redact(body.message ?? body.error_description ?? `HTTP ${failure.code}`);
    const details = { status: failure.code, tokenStatus: status ?? null, final: true, response: rawResponse(failure.code, failure.body) };
    if (status && BAD_CLIENT.has(status)) {
      return new AppError('unauthorized', `HubSpot doesn't accept the app's client id or client secret (${status}: ${said}). Check them in the HubSpot app's Auth settings.`, { retryable: false, details });
    }
    if (grant === 'authorization_code' || (status && BAD_CODE.has(status))) {
      return new AppError('unauthorized', `HubSpot refused the authorization code (${status ?? 'HTTP ' + failure.code}: ${said}). Start the connection again.`, { retryable: false, details });
    }
    if (status && FINAL_GRANT.has(status)) {
      return new AppError('auth_expired', `HubSpot no longer accepts this connection's refresh token (${status}: ${said}). Reconnect to the same portal.`, { retryable: false, details });
    }
    return new AppError('auth_expired', `HubSpot refused to refresh the authorization (${status ?? 'HTTP ' + failure.code}: ${said}). Reconnect to the same portal.`, { retryable: false, details });
  }
  const classified = classifyHubSpotError(error);
  return new AppError(classified.code, classified.message, { retryable: true, details: { ...classified.details, final: false } });
}

/** True when retrying a refresh can't help (see `classifyTokenError`). */
export const isFinalTokenError = (error: unknown): boolean => error instanceof AppError && error.details?.final === true;

/**
 * HubSpot's OAuth token endpoint: code exchange (with the PKCE verifier, which the SDK's
 * `tokensApi.create` can't send), refresh and revocation. Calls go through the SDK's `apiRequest`
 * without an access token, form-encoded as HubSpot requires.
 */
export function createOAuthTokenClient(options: OAuthTokenClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const client = new Client({ basePath: baseUrl });

  async function send(method: string, path: string, form?: Record<string, string>): Promise<{ status: number; body: unknown }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer from HubSpot within ${timeoutMs} ms`), { code: 'ESOCKETTIMEDOUT' })), timeoutMs);
    });
    try {
      const response = await Promise.race([
        client.apiRequest({
          method,
          path,
          ...(form ? { body: new URLSearchParams(form).toString(), defaultJson: false, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } : {}),
        }),
        timeout,
      ]);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // gateway HTML stays text
      }
      if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: response.status, body });
      return { status: response.status, body };
    } finally {
      clearTimeout(timer);
    }
  }

  const toTokens = (body: unknown): OAuthTokens => {
    const b = body as { access_token?: string; refresh_token?: string; expires_in?: number; hub_id?: number; scopes?: string[] };
    if (!b?.access_token || !b.refresh_token || typeof b.expires_in !== 'number') {
      throw new AppError('hubspot_unavailable', 'HubSpot answered the token request without a token.', { retryable: true, details: { final: false } });
    }
    registerSecret(b.access_token);
    registerSecret(b.refresh_token);
    return {
      accessToken: b.access_token,
      refreshToken: b.refresh_token,
      expiresIn: b.expires_in,
      ...(typeof b.hub_id === 'number' ? { hubId: b.hub_id } : {}),
      ...(Array.isArray(b.scopes) ? { scopes: b.scopes } : {}),
    };
  };

  return {
    baseUrl,

    async exchangeCode(input: OAuthClientCredentials & { code: string; redirectUri: string; codeVerifier: string }): Promise<OAuthTokens> {
      try {
        const { body } = await send('POST', '/oauth/v1/token', {
          grant_type: 'authorization_code',
          client_id: input.clientId,
          client_secret: input.clientSecret,
          redirect_uri: input.redirectUri,
          code: input.code,
          code_verifier: input.codeVerifier,
        });
        return toTokens(body);
      } catch (error) {
        throw error instanceof AppError ? error : classifyTokenError(error, 'authorization_code');
      }
    },

    async refresh(input: OAuthClientCredentials & { refreshToken: string }): Promise<OAuthTokens> {
      try {
        const { body } = await send('POST', '/oauth/v1/token', {
          grant_type: 'refresh_token',
          client_id: input.clientId,
          client_secret: input.clientSecret,
          refresh_token: input.refreshToken,
        });
        return toTokens(body);
      } catch (error) {
        throw error instanceof AppError ? error : classifyTokenError(error, 'refresh_token');
      }
    },

    /** `DELETE /oauth/v1/refresh-tokens/{token}`: ends the grant at HubSpot (disconnect). */
    async revokeRefreshToken(refreshToken: string): Promise<void> {
      try {
        await send('DELETE', `/oauth/v1/refresh-tokens/${encodeURIComponent(refreshToken)}`);
      } catch (error) {
        // Already gone is what we wanted.
        if ((error as { code?: unknown }).code === 404) return;
        throw classifyTokenError(error, 'refresh_token');
      }
    },
  };
}

export type OAuthTokenClient = ReturnType<typeof createOAuthTokenClient>;
