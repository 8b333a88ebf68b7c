import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted HubSpot for unit tests of connections: the OAuth token endpoint (codes with PKCE,
 * refresh, revocation), token metadata, private-app token info, account details, daily usage, and
 * one authenticated API route (`GET /crm/v3/owners`). Bodies follow hubspot-api-facts §7 and §8.3.
 * Time is the test's manual clock, so expiry is under the test's control.
 */
export interface FakeHubSpotOptions {
  now: () => number;
  clientId?: string;
  clientSecret?: string;
}

interface Grant {
  portalId: number;
  scopes: string[];
  revoked: boolean;
}

interface AccessToken {
  grant: string | null; // refresh token, or null for private apps
  portalId: number;
  scopes: string[];
  expiresAt: number | null;
  revoked: boolean;
}

export interface FakeHubSpot {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Calls to `POST /oauth/v1/token` with grant_type=refresh_token. */
  refreshCalls: number;
  /** Every request's method and path. */
  log: string[];
  /** What the consent screen would hand back: a code for these scopes and this portal. */
  authorize(input: { redirectUri: string; codeChallenge: string; scopes: string[]; portalId?: number }): string;
  privateToken(input?: { portalId?: number; scopes?: string[] }): string;
  revokeGrant(refreshToken: string): void;
  revokeToken(token: string): void;
  /** Answer the next N token-endpoint calls with this status (500, 503, 429) or drop the connection ('reset'). */
  failTokenEndpoint(times: number, how: number | 'reset'): void;
  /** Delay every token-endpoint answer (to hold a refresh in flight). */
  tokenDelayMs: number;
  close(): Promise<void>;
}

export const ALL_FAKE_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.lists.read',
  'crm.lists.write',
  'crm.objects.owners.read',
  'crm.objects.deals.read',
  'crm.schemas.deals.read',
];

export const PORTALS: Record<number, { domain: string; timeZone: string; hublet: string }> = {
  101: { domain: 'acme.example', timeZone: 'US/Eastern', hublet: 'na1' },
  202: { domain: 'globex.example', timeZone: 'Europe/Berlin', hublet: 'eu1' },
};

export async function startFakeHubSpot(options: FakeHubSpotOptions): Promise<FakeHubSpot> {
  const clientId = options.clientId ?? 'client-123';
  const clientSecret = options.clientSecret ?? 'secret-abcdefgh-1234';
  const codes = new Map<string, { redirectUri: string; challenge: string; portalId: number; scopes: string[]; used: boolean }>();
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, AccessToken>();
  let failures: Array<number | 'reset'> = [];

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const tokenError = (res: http.ServerResponse, status: string, error: string, message: string) => json(res, 400, { error, error_description: message, status, message });
  const issue = (refresh: string, grant: Grant) => {
    const access = `CN${crypto.randomBytes(24).toString('base64url')}`;
    tokens.set(access, { grant: refresh, portalId: grant.portalId, scopes: grant.scopes, expiresAt: options.now() + 1800_000, revoked: false });
    return access;
  };
  const bearer = (req: http.IncomingMessage) => /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const authenticate = (req: http.IncomingMessage, res: http.ServerResponse): AccessToken | undefined => {
    const token = tokens.get(bearer(req) ?? '');
    if (!token || token.revoked || (token.grant && grants.get(token.grant)?.revoked)) {
      json(res, 401, { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' });
      return undefined;
    }
    if (token.expiresAt !== null && token.expiresAt <= options.now()) {
      json(res, 401, { status: 'error', message: 'The OAuth token used to make this call expired 0 second(s) ago.', category: 'EXPIRED_AUTHENTICATION' });
      return undefined;
    }
    return token;
  };

  const fake: FakeHubSpot = {
    url: '',
    clientId,
    clientSecret,
    refreshCalls: 0,
    log: [],
    tokenDelayMs: 0,
    authorize(input) {
      const code = `code-${crypto.randomUUID()}`;
      codes.set(code, { redirectUri: input.redirectUri, challenge: input.codeChallenge, portalId: input.portalId ?? 101, scopes: input.scopes, used: false });
      return code;
    },
    privateToken(input = {}) {
      const token = `pat-na1-${crypto.randomUUID()}`;
      tokens.set(token, { grant: null, portalId: input.portalId ?? 101, scopes: input.scopes ?? ALL_FAKE_SCOPES.filter((s) => s !== 'oauth'), expiresAt: null, revoked: false });
      return token;
    },
    revokeGrant(refreshToken) {
      const grant = grants.get(refreshToken);
      if (grant) grant.revoked = true;
    },
    revokeToken(token) {
      const found = tokens.get(token);
      if (found) found.revoked = true;
    },
    failTokenEndpoint(times, how) {
      failures = Array.from({ length: times }, () => how);
    },
    close: async () => {},
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      fake.log.push(`${req.method} ${url.pathname}`);
      void route(req, res, url, raw);
    });
  });

  async function route(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): Promise<void> {
    const path = url.pathname;
    if (req.method === 'POST' && path === '/oauth/v1/token') {
      if (fake.tokenDelayMs) await new Promise((r) => setTimeout(r, fake.tokenDelayMs));
      const form = new URLSearchParams(raw);
      if (form.get('grant_type') === 'refresh_token') fake.refreshCalls++;
      const failure = failures.shift();
      if (failure === 'reset') return void req.socket.destroy();
      if (typeof failure === 'number') return json(res, failure, { status: 'error', message: 'Internal error', category: 'INTERNAL_ERROR' });
      if (form.get('client_id') !== clientId) return tokenError(res, 'BAD_CLIENT_ID', 'invalid_client', 'missing or invalid client_id');
      if (form.get('client_secret') !== clientSecret) return tokenError(res, 'BAD_CLIENT_SECRET', 'invalid_client', 'missing or invalid client_secret');
      if (form.get('grant_type') === 'authorization_code') {
        const code = codes.get(form.get('code') ?? '');
        if (!code || code.used) return tokenError(res, 'BAD_AUTH_CODE', 'invalid_grant', 'missing or unknown auth code');
        if (form.get('redirect_uri') !== code.redirectUri) return tokenError(res, 'BAD_REDIRECT_URI', 'invalid_grant', 'redirect_uri mismatch');
        const challenge = crypto.createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (challenge !== code.challenge) return tokenError(res, 'BAD_CODE_VERIFIER', 'invalid_grant', 'code_verifier does not match');
        code.used = true;
        const refresh = `na1-${crypto.randomBytes(2).toString('hex')}-${crypto.randomBytes(2).toString('hex')}-${crypto.randomBytes(2).toString('hex')}-${crypto.randomBytes(2).toString('hex')}-${crypto.randomBytes(6).toString('hex')}`;
        const grant = { portalId: code.portalId, scopes: code.scopes, revoked: false };
        grants.set(refresh, grant);
        return json(res, 200, { token_type: 'bearer', refresh_token: refresh, access_token: issue(refresh, grant), expires_in: 1800, hub_id: code.portalId, scopes: code.scopes, token_use: 'access_token' });
      }
      if (form.get('grant_type') === 'refresh_token') {
        const refresh = form.get('refresh_token') ?? '';
        const grant = grants.get(refresh);
        if (!grant || grant.revoked) return tokenError(res, 'BAD_REFRESH_TOKEN', 'invalid_grant', 'refresh token is invalid, expired or revoked');
        return json(res, 200, { token_type: 'bearer', refresh_token: refresh, access_token: issue(refresh, grant), expires_in: 1800, hub_id: grant.portalId, scopes: grant.scopes, token_use: 'access_token' });
      }
      return tokenError(res, 'BAD_GRANT_TYPE', 'unsupported_grant_type', 'bad grant type');
    }
    let m = /^\/oauth\/v1\/access-tokens\/(.+)$/.exec(path);
    if (req.method === 'GET' && m) {
      const value = decodeURIComponent(m[1]!);
      const token = tokens.get(value);
      if (value.startsWith('pat-')) return json(res, 400, { status: 'error', message: 'The access token must have the correct format' });
      if (!token || token.revoked || (token.expiresAt ?? 0) <= options.now()) return json(res, 404, { status: 'error', message: 'Token not found or expired' });
      const portal = PORTALS[token.portalId]!;
      return json(res, 200, {
        token: value,
        user: `admin@${portal.domain}`,
        hub_domain: portal.domain,
        scopes: token.scopes,
        signed_access_token: { hublet: portal.hublet },
        hub_id: token.portalId,
        app_id: 1,
        expires_in: Math.floor(((token.expiresAt ?? 0) - options.now()) / 1000),
        user_id: 7,
        token_type: 'access',
      });
    }
    m = /^\/oauth\/v1\/refresh-tokens\/(.+)$/.exec(path);
    if (req.method === 'DELETE' && m) {
      const grant = grants.get(decodeURIComponent(m[1]!));
      if (!grant) return json(res, 404, { status: 'error', message: 'not found' });
      grant.revoked = true;
      res.writeHead(204);
      return void res.end();
    }
    if (req.method === 'POST' && path === '/oauth/v2/private-apps/get/access-token-info') {
      const body = JSON.parse(raw || '{}') as { tokenKey?: string };
      const token = tokens.get(body.tokenKey ?? '');
      if (!token || token.grant !== null || token.revoked) return json(res, 401, { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' });
      return json(res, 200, { userId: 7, hubId: token.portalId, appId: 9000001, scopes: token.scopes });
    }
    const token = authenticate(req, res);
    if (!token) return;
    const portal = PORTALS[token.portalId]!;
    if (req.method === 'GET' && path === '/account-info/v3/details') {
      if (!token.scopes.includes('oauth') && token.grant !== null) return json(res, 403, { status: 'error', message: 'missing scopes', category: 'MISSING_SCOPES', errors: [{ message: 'x', context: { requiredGranularScopes: ['oauth'] } }] });
      return json(res, 200, { portalId: token.portalId, accountType: 'STANDARD', timeZone: portal.timeZone, companyCurrency: 'USD', additionalCurrencies: [], utcOffset: '-05:00', utcOffsetMilliseconds: -18000000, uiDomain: portal.hublet === 'eu1' ? 'app-eu1.hubspot.com' : 'app.hubspot.com', dataHostingLocation: portal.hublet });
    }
    if (req.method === 'GET' && path === '/account-info/v3/api-usage/daily/private-apps') {
      return json(res, 200, { results: [{ name: 'private-apps-api-calls-daily', usageLimit: 250000, currentUsage: 1234, collectedAt: new Date(options.now()).toISOString(), fetchStatus: 'SUCCESS', resetsAt: new Date(options.now() + 3600_000).toISOString() }] });
    }
    if (req.method === 'GET' && path === '/crm/v3/owners') return json(res, 200, { results: [] });
    json(res, 404, { status: 'error', message: `no route ${req.method} ${path}` });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
