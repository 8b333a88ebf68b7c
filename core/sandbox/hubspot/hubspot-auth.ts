import crypto from 'node:crypto';
import type { Db } from '../../store/database.ts';
import type { SandboxClock } from '../sandbox-clock.ts';
import { bearerToken, type SandboxRequest } from '../sandbox-http.ts';
import { fail } from './hubspot-errors.ts';
import type { Portals } from './hubspot-portals.ts';

/** Every scope the sandbox knows; private-app tokens get all of them unless told otherwise. */
export const ALL_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.owners.read',
  'crm.lists.read',
  'crm.lists.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'crm.schemas.companies.read',
  'crm.schemas.companies.write',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
] as const;

export const ACCESS_TOKEN_TTL_SECONDS = 1800;
/** UNCONFIRMED: HubSpot says codes are "short-lived" without a number. */
export const AUTH_CODE_TTL_MS = 5 * 60_000;

/** The OAuth app every sandbox has; its redirect URIs are Syncdesk's default loopback ports. */
export const DEFAULT_OAUTH_APP = {
  clientId: '5d1c3a7e-2b84-4f6a-9e10-7c3b5a2d9f41',
  clientSecret: 'b7e2f9a4-61c8-4d3e-a5b0-93f8e1c4d6a2',
  appId: 3141592,
  name: 'Syncdesk (sandbox)',
  redirectUris: [42813, 42814, 42815].map((port) => `http://localhost:${port}/oauth/callback`),
};

export interface AuthContext {
  token: string;
  kind: 'private' | 'oauth';
  portalId: number;
  scopes: Set<string>;
  appId: number;
  userId: number;
  /** Key of the ten-second window: per private app, or per portal + OAuth app. */
  rateKey: string;
}

interface TokenRow {
  token: string;
  kind: 'private' | 'oauth';
  portal_id: number;
  scopes: string;
  app_id: number;
  client_id: string | null;
  refresh_token: string | null;
  user_id: number;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

interface RefreshRow {
  token: string;
  client_id: string;
  portal_id: number;
  scopes: string;
  user_id: number;
  revoked_at: number | null;
  created_at: number;
}

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  appId: number;
  name: string;
  redirectUris: string[];
}

const hex = (bytes: number) => crypto.randomBytes(bytes).toString('hex');
/** The installing user of a portal (the simulated super admin). */
export const userIdFor = (portalId: number) => 2_000_000 + (portalId % 1_000_000);
export const userEmailFor = (domain: string) => `admin@${domain}`;

/** "expired 0 second(s) ago" … "19884 day(s) ago" (hubspot-api-facts §1.6; minute(s) is UNCONFIRMED). */
export function expiredAgo(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} second(s)`;
  if (s < 3600) return `${Math.floor(s / 60)} minute(s)`;
  if (s < 86_400) return `${Math.floor(s / 3600)} hour(s)`;
  return `${Math.floor(s / 86_400)} day(s)`;
}

export function createAuth(db: Db, clock: SandboxClock, portals: Portals) {
  const cache = new Map<string, TokenRow | null>();
  const tokenStmt = db.prepare('select * from hs_tokens where token = ?');
  const insertToken = db.prepare(
    'insert into hs_tokens (token, kind, portal_id, scopes, app_id, client_id, refresh_token, user_id, expires_at, revoked_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?)',
  );
  const refreshStmt = db.prepare('select * from hs_refresh_tokens where token = ?');

  const findToken = (token: string): TokenRow | undefined => {
    if (!cache.has(token)) cache.set(token, (tokenStmt.get(token) as TokenRow | undefined) ?? null);
    return cache.get(token) ?? undefined;
  };

  const auth = {
    /** Resolves the bearer token of an API call, or throws HubSpot's 401 body. */
    authenticate(req: SandboxRequest): AuthContext {
      const token = bearerToken(req);
      const row = token ? findToken(token) : undefined;
      if (!token || !row || row.revoked_at !== null || !portals.get(row.portal_id)) {
        fail(
          401,
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
          'INVALID_AUTHENTICATION',
        );
      }
      const now = clock.now();
      if (row.expires_at !== null && row.expires_at <= now) {
        fail(401, `The OAuth token used to make this call expired ${expiredAgo(now - row.expires_at)} ago.`, 'EXPIRED_AUTHENTICATION', {
          context: { 'expire time': [new Date(row.expires_at).toISOString()] },
        });
      }
      return {
        token,
        kind: row.kind,
        portalId: row.portal_id,
        scopes: new Set(JSON.parse(row.scopes) as string[]),
        appId: row.app_id,
        userId: row.user_id,
        rateKey: row.kind === 'private' ? `private:${row.app_id}` : `oauth:${row.portal_id}:${row.app_id}`,
      };
    },

    /** 403 MISSING_SCOPES unless the token has one of `anyOf` (HubSpot: "One or more of the following scopes are required."). */
    requireScopes(context: AuthContext, anyOf: string[]): void {
      if (anyOf.length === 0 || anyOf.some((s) => context.scopes.has(s))) return;
      fail(
        403,
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
        'MISSING_SCOPES',
        {
          errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: anyOf } }],
          links: { scopes: 'https://developers.hubspot.com/scopes' },
        },
      );
    },

    /** Registers a private-app token (`pat-na1-<uuid>` unless an exact one is given). Each token is its own private app. */
    createPrivateToken(input: { portalId: number; scopes?: string[]; token?: string }): { token: string; scopes: string[]; portalId: number } {
      const token = input.token ?? `pat-na1-${crypto.randomUUID()}`;
      const scopes = input.scopes ?? [...ALL_SCOPES];
      const appId = 9_000_000 + Number(db.prepare("select count(*) as n from hs_tokens where kind = 'private'").pluck().get());
      db.prepare('delete from hs_tokens where token = ?').run(token);
      insertToken.run(token, 'private', input.portalId, JSON.stringify(scopes), appId, null, null, userIdFor(input.portalId), null, clock.now());
      cache.delete(token);
      return { token, scopes, portalId: input.portalId };
    },

    /** Access + refresh tokens for a granted authorization. */
    issueOAuthTokens(input: { clientId: string; appId: number; portalId: number; scopes: string[]; userId: number; refreshToken?: string }) {
      const now = clock.now();
      let refreshToken = input.refreshToken;
      if (!refreshToken) {
        refreshToken = `na1-${hex(2)}-${hex(2)}-${hex(2)}-${hex(2)}-${hex(6)}`;
        db.prepare('insert into hs_refresh_tokens (token, client_id, portal_id, scopes, user_id, revoked_at, created_at) values (?, ?, ?, ?, ?, null, ?)').run(
          refreshToken,
          input.clientId,
          input.portalId,
          JSON.stringify(input.scopes),
          input.userId,
          now,
        );
      }
      const accessToken = `CN${crypto.randomBytes(45).toString('base64url')}`;
      insertToken.run(accessToken, 'oauth', input.portalId, JSON.stringify(input.scopes), input.appId, input.clientId, refreshToken, input.userId, now + ACCESS_TOKEN_TTL_SECONDS * 1000, now);
      return { accessToken, refreshToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
    },

    tokenInfo: (token: string): TokenRow | undefined => findToken(token),
    refreshInfo: (token: string): RefreshRow | undefined => refreshStmt.get(token) as RefreshRow | undefined,

    /** Revokes a refresh token (`DELETE /oauth/v1/refresh-tokens`: issued access tokens keep working). */
    revokeRefreshToken(token: string): boolean {
      return db.prepare('update hs_refresh_tokens set revoked_at = ? where token = ? and revoked_at is null').run(clock.now(), token).changes > 0;
    },

    /**
     * Admin: revoke anything. A refresh token takes its access tokens with it, as an uninstall does;
     * an access token or private-app token stops working at once.
     */
    revokeAny(token: string): boolean {
      const now = clock.now();
      let changed = db.prepare('update hs_tokens set revoked_at = ? where token = ? and revoked_at is null').run(now, token).changes;
      if (auth.refreshInfo(token)) {
        changed += db.prepare('update hs_refresh_tokens set revoked_at = ? where token = ?').run(now, token).changes;
        changed += db.prepare('update hs_tokens set revoked_at = ? where refresh_token = ? and revoked_at is null').run(now, token).changes;
      }
      cache.clear();
      return changed > 0;
    },

    /** Admin: make an OAuth access token (or every access token of a grant) expired now. */
    expire(token: string, at = clock.now()): boolean {
      const changed =
        db.prepare("update hs_tokens set expires_at = ? where token = ? and kind = 'oauth'").run(at, token).changes +
        db.prepare("update hs_tokens set expires_at = ? where refresh_token = ? and kind = 'oauth'").run(at, token).changes;
      cache.clear();
      return changed > 0;
    },

    /** Admin: drop scopes from a token, or from a grant (its refresh token and every access token of it). */
    removeScopes(token: string, remove: string[]): string[] | undefined {
      const drop = (scopes: string) => (JSON.parse(scopes) as string[]).filter((s) => !remove.includes(s));
      const access = findToken(token);
      const grant = access?.refresh_token ? auth.refreshInfo(access.refresh_token) : auth.refreshInfo(token);
      if (!access && !grant) return undefined;
      const result = drop(access?.scopes ?? grant!.scopes);
      db.transaction(() => {
        if (access) db.prepare('update hs_tokens set scopes = ? where token = ?').run(JSON.stringify(drop(access.scopes)), token);
        if (grant) {
          db.prepare('update hs_refresh_tokens set scopes = ? where token = ?').run(JSON.stringify(drop(grant.scopes)), grant.token);
          for (const row of db.prepare('select token, scopes from hs_tokens where refresh_token = ?').all(grant.token) as TokenRow[]) {
            db.prepare('update hs_tokens set scopes = ? where token = ?').run(JSON.stringify(drop(row.scopes)), row.token);
          }
        }
      })();
      cache.clear();
      return result;
    },

    // --- OAuth apps -----------------------------------------------------------------------------
    ensureDefaultApp(): void {
      if (auth.app(DEFAULT_OAUTH_APP.clientId)) return;
      auth.createApp(DEFAULT_OAUTH_APP);
    },
    createApp(input: { name?: string; redirectUris: string[]; clientId?: string; clientSecret?: string; appId?: number }): OAuthApp {
      const app: OAuthApp = {
        clientId: input.clientId ?? crypto.randomUUID(),
        clientSecret: input.clientSecret ?? crypto.randomUUID(),
        appId: input.appId ?? 3_000_000 + Number(db.prepare('select count(*) from hs_oauth_apps').pluck().get()) + 1,
        name: input.name ?? 'Sandbox app',
        redirectUris: input.redirectUris,
      };
      db.prepare('insert into hs_oauth_apps (client_id, client_secret, app_id, name, redirect_uris, created_at) values (?, ?, ?, ?, ?, ?)').run(
        app.clientId,
        app.clientSecret,
        app.appId,
        app.name,
        JSON.stringify(app.redirectUris),
        clock.now(),
      );
      return app;
    },
    app(clientId: string): OAuthApp | undefined {
      const row = db.prepare('select * from hs_oauth_apps where client_id = ?').get(clientId) as
        | { client_id: string; client_secret: string; app_id: number; name: string; redirect_uris: string }
        | undefined;
      return row && { clientId: row.client_id, clientSecret: row.client_secret, appId: row.app_id, name: row.name, redirectUris: JSON.parse(row.redirect_uris) as string[] };
    },
    apps(): OAuthApp[] {
      return (db.prepare('select client_id from hs_oauth_apps order by created_at').pluck().all() as string[]).map((id) => auth.app(id)!);
    },

    // --- authorization codes ------------------------------------------------------------------
    createCode(input: { clientId: string; portalId: number; scopes: string[]; redirectUri: string; codeChallenge?: string; userId: number }): string {
      const code = `na1-${crypto.randomUUID()}`;
      db.prepare(
        'insert into hs_auth_codes (code, client_id, portal_id, scopes, redirect_uri, code_challenge, user_id, expires_at, used_at) values (?, ?, ?, ?, ?, ?, ?, ?, null)',
      ).run(code, input.clientId, input.portalId, JSON.stringify(input.scopes), input.redirectUri, input.codeChallenge ?? null, input.userId, clock.now() + AUTH_CODE_TTL_MS);
      return code;
    },
    code(code: string) {
      return db.prepare('select * from hs_auth_codes where code = ?').get(code) as
        | { code: string; client_id: string; portal_id: number; scopes: string; redirect_uri: string; code_challenge: string | null; user_id: number; expires_at: number; used_at: number | null }
        | undefined;
    },
    useCode(code: string): void {
      db.prepare('update hs_auth_codes set used_at = ? where code = ?').run(clock.now(), code);
    },

    clearCache: () => cache.clear(),
  };
  return auth;
}
export type Auth = ReturnType<typeof createAuth>;
