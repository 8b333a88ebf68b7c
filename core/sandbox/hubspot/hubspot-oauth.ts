import crypto from 'node:crypto';
import { formBody, jsonBody, type SandboxRequest, type SandboxResponse } from '../sandbox-http.ts';
import { ALL_SCOPES, type Auth, userEmailFor, userIdFor } from './hubspot-auth.ts';
import type { Portals } from './hubspot-portals.ts';

/**
 * OAuth as HubSpot serves it: the consent page on app.hubspot.com (simulated here as a small HTML
 * form), the token endpoint with its RFC 6749 + legacy error bodies, token metadata, and revocation.
 */
export function createOAuth(auth: Auth, portals: Portals, now: () => number) {
  /** 400 with the 2026 RFC 6749 fields and the legacy `status`/`message` (hubspot-api-facts §7.3). */
  const tokenError = (status: string, error: string, message: string): SandboxResponse => ({
    status: 400,
    body: { error, error_description: message, status, message, correlationId: crypto.randomUUID() },
  });

  const tokenResponse = (issued: { accessToken: string; refreshToken: string; expiresIn: number }, portalId: number, scopes: string[], userId: number) => ({
    token_type: 'bearer',
    refresh_token: issued.refreshToken,
    access_token: issued.accessToken,
    expires_in: issued.expiresIn,
    hub_id: portalId,
    scopes,
    user_id: userId,
    token_use: 'access_token',
  });

  const token = (req: SandboxRequest): SandboxResponse => {
    const form = formBody(req);
    // v1 also accepted some fields in the query string.
    const field = (name: string) => form.get(name) ?? req.query.get(name) ?? undefined;
    const grantType = field('grant_type');
    const app = auth.app(field('client_id') ?? '');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      return tokenError('BAD_GRANT_TYPE', 'unsupported_grant_type', `grant_type must be authorization_code or refresh_token; got ${grantType ?? 'nothing'}`);
    }
    if (!app) return tokenError('BAD_CLIENT_ID', 'invalid_client', 'missing or invalid client_id');
    if (field('client_secret') !== app.clientSecret) return tokenError('BAD_CLIENT_SECRET', 'invalid_client', 'missing or invalid client_secret');

    if (grantType === 'authorization_code') {
      const code = auth.code(field('code') ?? '');
      // Unknown, used, expired or another app's code all look the same to the caller (error value UNCONFIRMED).
      if (!code || code.used_at !== null || code.expires_at <= now() || code.client_id !== app.clientId) {
        return tokenError('BAD_AUTH_CODE', 'invalid_grant', 'missing or unknown auth code');
      }
      if (field('redirect_uri') !== code.redirect_uri) return tokenError('BAD_REDIRECT_URI', 'invalid_grant', 'redirect_uri does not match the one used to get the code');
      if (code.code_challenge) {
        const verifier = field('code_verifier') ?? '';
        const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
        if (challenge !== code.code_challenge) return tokenError('BAD_CODE_VERIFIER', 'invalid_grant', 'code_verifier does not match the code_challenge');
      }
      auth.useCode(code.code);
      const scopes = JSON.parse(code.scopes) as string[];
      const issued = auth.issueOAuthTokens({ clientId: app.clientId, appId: app.appId, portalId: code.portal_id, scopes, userId: code.user_id });
      return { status: 200, body: tokenResponse(issued, code.portal_id, scopes, code.user_id) };
    }

    const refresh = auth.refreshInfo(field('refresh_token') ?? '');
    if (!refresh || refresh.revoked_at !== null || refresh.client_id !== app.clientId || !portals.get(refresh.portal_id)) {
      return tokenError('BAD_REFRESH_TOKEN', 'invalid_grant', 'refresh token is invalid, expired or revoked');
    }
    const scopes = JSON.parse(refresh.scopes) as string[];
    // The refresh token is not rotated (a community test saw it unchanged).
    const issued = auth.issueOAuthTokens({ clientId: app.clientId, appId: app.appId, portalId: refresh.portal_id, scopes, userId: refresh.user_id, refreshToken: refresh.token });
    return { status: 200, body: tokenResponse(issued, refresh.portal_id, scopes, refresh.user_id) };
  };

  const notFound = (message: string): SandboxResponse => ({
    status: 404,
    body: { status: 'error', message, correlationId: crypto.randomUUID(), category: 'OBJECT_NOT_FOUND' },
  });

  const accessTokenInfo = (value: string): SandboxResponse => {
    const row = auth.tokenInfo(value);
    if (!row || row.kind !== 'oauth' || row.revoked_at !== null || (row.expires_at ?? 0) <= now()) return notFound('Token not found or expired');
    const portal = portals.get(row.portal_id)!;
    const scopes = JSON.parse(row.scopes) as string[];
    return {
      status: 200,
      body: {
        token: value,
        user: userEmailFor(portal.domain),
        hub_domain: portal.domain,
        scopes,
        signed_access_token: signedToken(row, portal.hublet, scopes),
        hub_id: row.portal_id,
        app_id: row.app_id,
        expires_in: Math.max(0, Math.floor(((row.expires_at ?? 0) - now()) / 1000)),
        user_id: row.user_id,
        token_type: 'access',
      },
    };
  };

  const signedToken = (row: { expires_at: number | null; portal_id: number; user_id: number; app_id: number }, hublet: string, scopes: string[]) => ({
    expiresAt: row.expires_at ?? 0,
    scopes: Buffer.from(scopes.join(' ')).toString('base64'),
    hubId: row.portal_id,
    userId: row.user_id,
    appId: row.app_id,
    signature: crypto.createHash('sha256').update(`${row.portal_id}:${row.app_id}:${row.expires_at}`).digest('base64'),
    scopeToScopeGroupPks: '',
    newSignature: '',
    hublet,
    trialScopes: '',
    trialScopeToScopeGroupPks: '',
    isUserLevel: false,
    installingUserId: row.user_id,
    appInstallId: String(row.app_id),
    audience: 'public',
    isPrivateDistribution: false,
    isServiceAccount: false,
  });

  const refreshTokenInfo = (value: string): SandboxResponse => {
    const row = auth.refreshInfo(value);
    if (!row || row.revoked_at !== null) return notFound('Refresh token not found');
    const portal = portals.get(row.portal_id)!;
    return {
      status: 200,
      body: {
        token: value,
        user: userEmailFor(portal.domain),
        hub_domain: portal.domain,
        scopes: JSON.parse(row.scopes) as string[],
        hub_id: row.portal_id,
        client_id: row.client_id,
        user_id: row.user_id,
        token_type: 'refresh',
      },
    };
  };

  /**
   * `POST /oauth/v2/private-apps/get/access-token-info {tokenKey}`: HubSpot's way to read a private-app
   * token's portal, app and scopes (`/oauth/v1/access-tokens` refuses `pat-` tokens). The body shape
   * `{userId, hubId, appId, scopes}` is the documented one; answering an unknown or revoked token with
   * the 401 INVALID_AUTHENTICATION body is UNCONFIRMED.
   */
  const privateAppTokenInfo = (req: SandboxRequest): SandboxResponse => {
    let tokenKey: unknown;
    try {
      tokenKey = jsonBody<{ tokenKey?: unknown }>(req)?.tokenKey;
    } catch {
      tokenKey = undefined;
    }
    if (typeof tokenKey !== 'string' || tokenKey === '') {
      return { status: 400, body: { status: 'error', message: 'Invalid input JSON: "tokenKey" is required.', correlationId: crypto.randomUUID(), category: 'VALIDATION_ERROR' } };
    }
    const row = auth.tokenInfo(tokenKey);
    if (!row || row.kind !== 'private' || row.revoked_at !== null || !portals.get(row.portal_id)) {
      return {
        status: 401,
        body: {
          status: 'error',
          message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
          correlationId: crypto.randomUUID(),
          category: 'INVALID_AUTHENTICATION',
        },
      };
    }
    return { status: 200, body: { userId: row.user_id, hubId: row.portal_id, appId: row.app_id, scopes: JSON.parse(row.scopes) as string[] } };
  };

  /** v3 introspection: `{active:false}` for anything unknown, revoked or expired. */
  const introspect = (req: SandboxRequest): SandboxResponse => {
    const form = formBody(req);
    const app = auth.app(form.get('client_id') ?? '');
    if (!app || form.get('client_secret') !== app.clientSecret) return tokenError('BAD_CLIENT_ID', 'invalid_client', 'missing or invalid client credentials');
    const value = form.get('token') ?? form.get('access_token') ?? form.get('refresh_token') ?? '';
    const access = auth.tokenInfo(value);
    if (access && access.kind === 'oauth' && access.revoked_at === null && (access.expires_at ?? 0) > now()) {
      const portal = portals.get(access.portal_id)!;
      const scopes = JSON.parse(access.scopes) as string[];
      return {
        status: 200,
        body: {
          active: true,
          token: value,
          hub_id: access.portal_id,
          user_id: access.user_id,
          client_id: access.client_id,
          app_id: access.app_id,
          user: userEmailFor(portal.domain),
          hub_domain: portal.domain,
          scopes,
          signed_access_token: signedToken(access, portal.hublet, scopes),
          expires_in: Math.floor(((access.expires_at ?? 0) - now()) / 1000),
          is_private_distribution: false,
          token_use: 'access_token',
          token_type: 'Bearer',
        },
      };
    }
    const refresh = auth.refreshInfo(value);
    if (refresh && refresh.revoked_at === null) {
      const portal = portals.get(refresh.portal_id)!;
      return {
        status: 200,
        body: {
          active: true,
          token: value,
          hub_id: refresh.portal_id,
          user_id: refresh.user_id,
          client_id: refresh.client_id,
          app_id: app.appId,
          user: userEmailFor(portal.domain),
          hub_domain: portal.domain,
          scopes: JSON.parse(refresh.scopes) as string[],
          token_use: 'refresh_token',
          token_type: 'refresh',
        },
      };
    }
    return { status: 200, body: { active: false } };
  };

  return {
    handle(req: SandboxRequest): SandboxResponse | undefined {
      const { method, path } = req;
      if (method === 'POST' && (path === '/oauth/v1/token' || path === '/oauth/v3/token' || path === '/oauth/2026-03/token')) return token(req);
      if (method === 'POST' && (path === '/oauth/v3/token/introspect' || path === '/oauth/2026-03/token/introspect')) return introspect(req);
      if (method === 'POST' && (path === '/oauth/v3/token/revoke' || path === '/oauth/2026-03/token/revoke')) {
        const form = formBody(req);
        const value = form.get('token') ?? form.get('refresh_token') ?? form.get('access_token') ?? '';
        if (!auth.revokeRefreshToken(value)) auth.revokeAny(value);
        return { status: 200, body: {} };
      }
      if (method === 'POST' && path === '/oauth/v2/private-apps/get/access-token-info') return privateAppTokenInfo(req);
      let m = /^\/oauth\/v1\/access-tokens\/([^/]+)$/.exec(path);
      if (m && method === 'GET') return accessTokenInfo(decodeURIComponent(m[1]!));
      m = /^\/oauth\/v1\/refresh-tokens\/([^/]+)$/.exec(path);
      if (m && method === 'GET') return refreshTokenInfo(decodeURIComponent(m[1]!));
      if (m && method === 'DELETE') {
        // Revokes the refresh token only; issued access tokens keep working until they expire.
        if (!auth.revokeRefreshToken(decodeURIComponent(m[1]!))) return notFound('Refresh token not found');
        return { status: 204 };
      }
      m = /^\/oauth(?:\/(\d+))?\/authorize$/.exec(path);
      if (m && method === 'GET') return authorizePage(req.query, m[1] ? Number(m[1]) : undefined);
      if (m && method === 'POST') return authorizeDecision(formBody(req));
      return undefined;
    },
  };

  /** What the consent page and its form submission both check. */
  function checkAuthorizeRequest(params: URLSearchParams): { error: string } | { app: NonNullable<ReturnType<Auth['app']>>; required: string[]; optional: string[]; redirectUri: string } {
    const app = auth.app(params.get('client_id') ?? '');
    if (!app) return { error: `This app couldn't be found (client_id "${params.get('client_id') ?? ''}"). Check the app's client ID.` };
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!app.redirectUris.includes(redirectUri)) {
      // Shown, never redirected to: an unregistered URI may belong to anyone.
      return { error: `Authorization failed as the redirect URL '${redirectUri}' doesn't match the app's registered redirect URL.` };
    }
    const required = (params.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
    const optional = (params.get('optional_scope') ?? '').split(/[\s+]+/).filter(Boolean);
    const unknown = [...required, ...optional].filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
    if (required.length === 0) return { error: 'The authorization link has no scope. Every app must request at least one scope.' };
    if (unknown.length) return { error: `The authorization link asks for scopes that don't exist: ${unknown.join(', ')}.` };
    const method = params.get('code_challenge_method');
    if (params.get('code_challenge') && method !== 'S256') return { error: 'code_challenge_method must be S256.' };
    return { app, required, optional, redirectUri };
  }

  function authorizePage(params: URLSearchParams, pinnedPortal: number | undefined): SandboxResponse {
    const checked = checkAuthorizeRequest(params);
    if ('error' in checked) return errorPage(checked.error);
    const choices = pinnedPortal ? portals.list().filter((p) => p.portalId === pinnedPortal) : portals.list();
    if (choices.length === 0) return errorPage(`Portal ${pinnedPortal} doesn't exist in this sandbox.`);
    const hidden = ['client_id', 'redirect_uri', 'state', 'scope', 'optional_scope', 'code_challenge', 'code_challenge_method']
      .filter((n) => params.get(n) !== null)
      .map((n) => `<input type="hidden" name="${n}" value="${esc(params.get(n)!)}">`)
      .join('\n      ');
    const scopeRows = [...checked.required.map((s) => [s, 'required'] as const), ...checked.optional.map((s) => [s, 'optional'] as const)]
      .map(
        ([s, kind]) =>
          `<li><label><input type="checkbox" name="grant_scope" value="${esc(s)}" checked data-testid="scope-${esc(s)}"> <code>${esc(s)}</code> <span class="kind">${kind}</span></label></li>`,
      )
      .join('\n        ');
    const portalOptions = choices.map((p) => `<option value="${p.portalId}">${esc(p.name)} (${p.portalId}, ${esc(p.domain)})</option>`).join('');
    const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Connect ${esc(checked.app.name)} to HubSpot (sandbox)</title>
  <style>
    body { font: 15px/1.5 system-ui, sans-serif; background: #f5f8fa; color: #33475b; margin: 0; }
    main { max-width: 560px; margin: 48px auto; background: #fff; border: 1px solid #cbd6e2; border-radius: 8px; padding: 32px; }
    h1 { font-size: 22px; margin: 0 0 8px; }
    ul { list-style: none; padding: 0; } li { padding: 4px 0; }
    .kind { color: #7c98b6; font-size: 12px; }
    .actions { display: flex; gap: 12px; margin-top: 24px; }
    button { font: inherit; padding: 8px 20px; border-radius: 4px; border: 1px solid #cbd6e2; background: #fff; cursor: pointer; }
    button.primary { background: #ff7a59; border-color: #ff7a59; color: #fff; }
    .note { font-size: 12px; color: #7c98b6; }
  </style>
</head>
<body>
  <main>
    <h1>Connect <span data-testid="app-name">${esc(checked.app.name)}</span></h1>
    <p>This app is requesting access to your HubSpot account. <span class="note">(Syncdesk sandbox: simulated consent screen.)</span></p>
    <form method="post" action="/oauth/authorize">
      ${hidden}
      <p><label>Account <select name="portal_id" data-testid="portal-picker">${portalOptions}</select></label></p>
      <p>It will be able to:</p>
      <ul>
        ${scopeRows}
      </ul>
      <p class="note">Untick a scope to decline it.</p>
      <div class="actions">
        <button class="primary" type="submit" name="action" value="approve">Connect app</button>
        <button type="submit" name="action" value="cancel">Cancel</button>
      </div>
    </form>
  </main>
</body>
</html>`;
    return { status: 200, headers: { 'Content-Type': 'text/html;charset=utf-8' }, body: html };
  }

  function authorizeDecision(form: URLSearchParams): SandboxResponse {
    const checked = checkAuthorizeRequest(form);
    if ('error' in checked) return errorPage(checked.error);
    const target = new URL(checked.redirectUri);
    const state = form.get('state');
    if (form.get('action') !== 'approve') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user denied access to the app.');
    } else {
      const portal = portals.get(Number(form.get('portal_id')));
      if (!portal) return errorPage(`Portal ${form.get('portal_id') ?? ''} doesn't exist in this sandbox.`);
      const requested = [...checked.required, ...checked.optional];
      const granted = form.getAll('grant_scope').filter((s) => requested.includes(s));
      const code = auth.createCode({
        clientId: checked.app.clientId,
        portalId: portal.portalId,
        scopes: granted,
        redirectUri: checked.redirectUri,
        codeChallenge: form.get('code_challenge') ?? undefined,
        userId: userIdFor(portal.portalId),
      });
      target.searchParams.set('code', code);
    }
    if (state !== null) target.searchParams.set('state', state);
    return { status: 302, headers: { Location: target.toString(), 'Content-Type': 'text/html;charset=utf-8' }, body: `<a href="${esc(target.toString())}">Continue</a>` };
  }
}

function errorPage(message: string): SandboxResponse {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorization error</title></head>
<body style="font:15px system-ui,sans-serif;margin:48px auto;max-width:560px;color:#33475b">
<h1 style="font-size:22px">Something went wrong</h1><p data-testid="oauth-error">${esc(message)}</p></body></html>`;
  return { status: 400, headers: { 'Content-Type': 'text/html;charset=utf-8' }, body: html };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
