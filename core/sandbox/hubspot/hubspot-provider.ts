import crypto from 'node:crypto';
import { jsonBody, type SandboxRequest, type SandboxResponse } from '../sandbox-http.ts';
import type { SandboxContext, SandboxProvider } from '../sandbox-provider.ts';
import type { ApiRoute } from './hubspot-api-kit.ts';
import { createAssociations } from './hubspot-associations.ts';
import { createAuth, DEFAULT_OAUTH_APP, type OAuthApp } from './hubspot-auth.ts';
import { accountRoutes, associationRoutes, ownerView, propertyRoutes } from './hubspot-crm-api.ts';
import { errorBody, HubSpotError } from './hubspot-errors.ts';
import { createLists, listRoutes } from './hubspot-lists.ts';
import { createOAuth } from './hubspot-oauth.ts';
import { resolveObjectType } from './hubspot-object-types.ts';
import { objectRoutes } from './hubspot-objects-api.ts';
import { createPortals, isTier, type Portal, type Tier, TIERS } from './hubspot-portals.ts';
import { createPropertyCatalog } from './hubspot-properties.ts';
import { createRateLimiter } from './hubspot-rate-limits.ts';
import { createRecords, type RecordRow } from './hubspot-records.ts';
import { hubspotMigrations } from './hubspot-schema.ts';
import { createSearch } from './hubspot-search.ts';
import { type SeedOptions, type SeedReport, seedPortal, type StripeSeeder } from './hubspot-seed.ts';

export interface HubSpotProviderOptions {
  /** Tier of the portals a fresh sandbox creates. */
  tier?: Tier;
  /** false: no 429s (benchmarks, bulk tests); headers are still sent. */
  limits?: boolean;
  /** Records written less than this long ago are not yet visible to search. */
  searchLagMs?: number;
  /** A private-app token registered at start (and again after a reset), e.g. from `--token`. */
  startupToken?: { token: string; scopes?: string[] };
  /** The Stripe side of seeding, when a Stripe provider is registered. */
  stripe?: () => StripeSeeder | undefined;
}

export interface HubSpotSettings {
  limits: boolean;
  searchLagMs: number;
}

export interface HubSpotProvider extends SandboxProvider {
  name: 'hubspot';
  settings: HubSpotSettings;
  defaultPortal(): Portal;
  portals(): Portal[];
  defaultOAuthApp(): OAuthApp;
  createToken(input?: { scopes?: string[]; portalId?: number; tier?: Tier; token?: string }): { token: string; portalId: number; scopes: string[] };
  seed(options: Omit<SeedOptions, 'portalId'> & { portalId?: number }): SeedReport;
  setTier(portalId: number, tier: Tier): void;
  /** Records (all types, archived included) in a portal. */
  recordCount(portalId: number): number;
}

/** Paths HubSpot owns in the sandbox: anything under them gets HubSpot's error shapes. */
const OWNED = /^\/(crm|crm-object-schemas|oauth|account-info|integrations|contacts)(\/|$)/;

/** `/crm/objects/2026-03/contacts` → `/crm/v3/objects/contacts` (dated aliases share v3's shapes). */
function canonicalPath(path: string): string {
  const crm = /^\/crm\/(objects|properties|lists|owners|pipelines)\/\d{4}-\d{2}(\/.*)?$/.exec(path);
  if (crm) return `/crm/v3/${crm[1]}${crm[2] ?? ''}`;
  const account = /^\/account-info\/\d{4}-\d{2}(\/.*)?$/.exec(path);
  if (account) return `/account-info/v3${account[1] ?? ''}`;
  return path;
}

interface CompiledRoute extends ApiRoute {
  regex: RegExp;
  keys: string[];
}

function compile(route: ApiRoute): CompiledRoute {
  const keys: string[] = [];
  const source = route.path.replace(/:(\w+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { ...route, regex: new RegExp(`^${source}/?$`), keys };
}

export function createHubSpotProvider(ctx: SandboxContext, options: HubSpotProviderOptions = {}): HubSpotProvider {
  const { db, clock } = ctx;
  const settings: HubSpotSettings = { limits: options.limits ?? true, searchLagMs: options.searchLagMs ?? 0 };
  const startTier = options.tier ?? 'pro';
  let ready = false;
  // Everything below needs the tables, which the server creates after building the providers.
  let parts: ReturnType<typeof build> | undefined;
  const get = () => {
    if (!parts) parts = build();
    if (!ready) {
      ready = true;
      bootstrap();
    }
    return parts;
  };

  function build() {
    const portals = createPortals(db, clock.now);
    const ownerExistsStmt = db.prepare('select 1 from hs_owners where portal_id = ? and id = ? and archived = 0').pluck();
    const ownerExists = (portalId: number, ownerId: string) => /^\d+$/.test(ownerId) && ownerExistsStmt.get(portalId, Number(ownerId)) !== undefined;
    const catalog = createPropertyCatalog(db, clock, ownerExists);
    const records = createRecords(db, catalog, settings);
    const search = createSearch(db, catalog, records);
    const associations = createAssociations(db);
    const lists = createLists(db, search, clock.now);
    const auth = createAuth(db, clock, portals);
    const oauth = createOAuth(auth, portals, clock.now);
    const limiter = createRateLimiter(clock, settings);
    const ownerOptions = (portalId: number) =>
      (db.prepare('select * from hs_owners where portal_id = ? and archived = 0 order by id').all(portalId) as Parameters<typeof ownerView>[0][]).map((o, i) => ({
        label: `${o.first_name} ${o.last_name} (${o.email})`,
        value: String(o.id),
        displayOrder: i,
        hidden: false,
      }));
    const routes = [
      ...objectRoutes({ db, records, search, associations, baseUrl: ctx.baseUrl }),
      ...propertyRoutes(catalog, ownerOptions),
      ...associationRoutes({ db, records, associations }),
      ...accountRoutes({ db, limiter, baseUrl: ctx.baseUrl }),
      ...listRoutes(db, lists),
    ].map(compile);
    return { portals, catalog, records, search, associations, lists, auth, oauth, limiter, routes };
  }

  function bootstrap(): void {
    const { portals, catalog, auth } = parts!;
    portals.ensureDefaults(startTier);
    for (const portal of portals.list()) catalog.ensureDefaults(portal.portalId);
    auth.ensureDefaultApp();
    if (options.startupToken) auth.createPrivateToken({ portalId: portals.defaultPortal().portalId, scopes: options.startupToken.scopes, token: options.startupToken.token });
  }

  /** Adds the correlation id header (equal to the body's) and the JSON content type HubSpot sends. */
  const finish = (response: SandboxResponse, extra: Record<string, string> = {}): SandboxResponse => {
    const body = response.body as { correlationId?: unknown } | undefined;
    const correlationId = body && typeof body === 'object' && typeof body.correlationId === 'string' ? body.correlationId : crypto.randomUUID();
    return { ...response, headers: { 'X-HubSpot-Correlation-Id': correlationId, ...extra, ...response.headers } };
  };

  const serveApi = (req: SandboxRequest, path: string): SandboxResponse => {
    const { routes, auth, portals, limiter } = get();
    let pathMatched = false;
    for (const route of routes) {
      const match = route.regex.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => (params[key] = match[i + 1]!));
      let rateHeaders: Record<string, string> = {};
      try {
        const context = auth.authenticate(req);
        const portal = portals.get(context.portalId)!;
        const decision = limiter.check(context, portal, route.search === true);
        rateHeaders = decision.headers;
        if (decision.refusal) return finish(decision.refusal, rateHeaders);
        auth.requireScopes(context, route.scopes(params));
        return finish(route.handler({ req, params, auth: context, portal, now: clock.now() }), rateHeaders);
      } catch (error) {
        if (error instanceof HubSpotError) return finish(error.response, rateHeaders);
        return finish({ status: 500, body: errorBody(`internal error: ${(error as Error)?.message ?? String(error)}`, 'INTERNAL_ERROR') });
      }
    }
    // Unknown routes and methods: HubSpot-shaped JSON (real gateways sometimes answer HTML; UNCONFIRMED bodies).
    if (pathMatched) return finish({ status: 405, body: errorBody(`HTTP 405 Method Not Allowed: ${req.method} ${req.path}`, 'VALIDATION_ERROR') });
    return finish({ status: 404, body: errorBody(`Unable to route request for ${req.method} ${req.path}: no such endpoint.`, 'OBJECT_NOT_FOUND') });
  };

  const adminError = (message: string, status = 400): SandboxResponse => ({ status, body: { message } });

  const provider: HubSpotProvider = {
    name: 'hubspot',
    migrations: hubspotMigrations,
    settings,

    handle(req) {
      const path = canonicalPath(req.path);
      if (!OWNED.test(path)) return undefined;
      if (path.startsWith('/oauth/')) {
        const response = get().oauth.handle(req);
        if (response) return finish(response);
        return finish({ status: 404, body: errorBody(`Unable to route request for ${req.method} ${req.path}: no such endpoint.`, 'OBJECT_NOT_FOUND') });
      }
      return serveApi(req, path);
    },

    state(type, query) {
      const { portals, records } = get();
      const portalId = Number(query?.get('portalId') ?? portals.defaultPortal().portalId);
      const objectType = resolveObjectType(type);
      if (objectType) {
        const rows = db.prepare('select * from hs_objects where portal_id = ? and type = ? order by id').all(portalId, objectType.id) as RecordRow[];
        return rows.map((row) => records.render(records.fromRow(row, objectType), { kind: 'all' }));
      }
      if (type === 'owners') return (db.prepare('select * from hs_owners where portal_id = ? order by id').all(portalId) as Parameters<typeof ownerView>[0][]).map(ownerView);
      if (type === 'lists') {
        const { lists } = get();
        return (db.prepare('select list_id from hs_lists where portal_id = ? order by list_id').pluck().all(portalId) as number[]).map((id) => lists.view(lists.get(portalId, id, true)!, true));
      }
      return undefined;
    },

    admin(req, route) {
      const { auth, portals, limiter } = get();
      const body = (() => {
        try {
          return jsonBody<Record<string, unknown>>(req) ?? {};
        } catch {
          return undefined;
        }
      })();
      if (req.method === 'POST' && body === undefined) return adminError('the body must be JSON');
      const b = body ?? {};
      if (req.method === 'POST' && route === 'tokens') {
        if (b.tier !== undefined && !isTier(b.tier)) return adminError(`tier must be one of ${TIERS.join(', ')}`);
        if (b.scopes !== undefined && !(Array.isArray(b.scopes) && b.scopes.every((s) => typeof s === 'string'))) return adminError('scopes must be an array of strings');
        if (b.portalId !== undefined && !portals.get(Number(b.portalId))) return adminError(`no portal ${String(b.portalId)}`, 404);
        const created = provider.createToken({ scopes: b.scopes as string[] | undefined, tier: b.tier as Tier | undefined, portalId: b.portalId as number | undefined, token: b.token as string | undefined });
        return { status: 200, body: created };
      }
      if (req.method === 'POST' && (route === 'tokens/revoke' || route === 'tokens/expire')) {
        if (typeof b.token !== 'string') return adminError('give the "token" to ' + route.slice(7));
        const done = route === 'tokens/revoke' ? auth.revokeAny(b.token) : auth.expire(b.token, typeof b.at === 'number' ? b.at : undefined);
        return done ? { status: 200, body: { ok: true } } : adminError('no such token (expire works on OAuth access and refresh tokens)', 404);
      }
      if (req.method === 'POST' && route === 'tokens/scopes') {
        if (typeof b.token !== 'string' || !Array.isArray(b.remove)) return adminError('give "token" and "remove": [scopes to drop]');
        const scopes = auth.removeScopes(b.token, b.remove as string[]);
        return scopes ? { status: 200, body: { scopes } } : adminError('no such token or grant', 404);
      }
      if (req.method === 'GET' && route === 'portals') return { status: 200, body: { results: portals.list() } };
      if (req.method === 'POST' && route === 'portals') {
        if (b.tier !== undefined && !isTier(b.tier)) return adminError(`tier must be one of ${TIERS.join(', ')}`);
        const portal = portals.create({ name: b.name as string | undefined, domain: b.domain as string | undefined, tier: b.tier as Tier | undefined, timeZone: b.timeZone as string | undefined });
        get().catalog.ensureDefaults(portal.portalId);
        return { status: 200, body: portal };
      }
      const portalRoute = /^portals\/(\d+)$/.exec(route);
      if (req.method === 'POST' && portalRoute) {
        const portalId = Number(portalRoute[1]);
        if (!portals.get(portalId)) return adminError(`no portal ${portalId}`, 404);
        if (!isTier(b.tier)) return adminError(`tier must be one of ${TIERS.join(', ')}`);
        portals.setTier(portalId, b.tier);
        return { status: 200, body: portals.get(portalId) };
      }
      if (req.method === 'GET' && route === 'oauth/apps') return { status: 200, body: { results: auth.apps() } };
      if (req.method === 'POST' && route === 'oauth/apps') {
        if (!Array.isArray(b.redirectUris) || !b.redirectUris.every((u) => typeof u === 'string' && URL.canParse(u))) return adminError('give "redirectUris": [absolute URLs]');
        return { status: 200, body: auth.createApp({ name: b.name as string | undefined, redirectUris: b.redirectUris as string[] }) };
      }
      if (route === 'settings' && (req.method === 'GET' || req.method === 'POST')) {
        if (req.method === 'POST') {
          if (b.limits !== undefined && typeof b.limits !== 'boolean') return adminError('"limits" must be true or false');
          if (b.searchLagMs !== undefined && (typeof b.searchLagMs !== 'number' || b.searchLagMs < 0)) return adminError('"searchLagMs" must be a number ≥ 0');
          if (typeof b.limits === 'boolean') settings.limits = b.limits;
          if (typeof b.searchLagMs === 'number') settings.searchLagMs = b.searchLagMs;
          if (b.resetUsage === true) limiter.reset();
        }
        return { status: 200, body: { ...settings } };
      }
      if (req.method === 'POST' && route === 'seed') {
        const contacts = Number(b.contacts ?? b.n);
        if (!Number.isInteger(contacts) || contacts < 1) return adminError('give "contacts": how many contacts to create (companies, deals, owners and lists follow)');
        try {
          return { status: 200, body: provider.seed({ contacts, portalId: b.portalId as number | undefined, seed: b.seed as number | undefined }) };
        } catch (error) {
          return adminError((error as Error).message, 409);
        }
      }
      return undefined;
    },

    faultResponse(req, status) {
      const path = canonicalPath(req.path);
      if (!OWNED.test(path)) return undefined;
      if (status === 429) {
        if (/\/search$/.test(path)) return finish({ status, body: errorBody('You have reached your secondly limit.', 'RATE_LIMITS') });
        return finish({
          status,
          body: {
            status: 'error',
            message: 'You have reached your ten_secondly_rolling limit.',
            errorType: 'RATE_LIMIT',
            correlationId: crypto.randomUUID(),
            policyName: 'TEN_SECONDLY_ROLLING',
            groupName: 'publicapi:private-app-api-calls-ten-secondly:0',
            category: 'RATE_LIMITS',
          },
        });
      }
      const messages: Record<number, string> = { 500: 'internal error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout', 423: 'Locked: a high-volume sync is in progress; wait at least 2 seconds' };
      const category = status >= 500 ? 'INTERNAL_ERROR' : status === 401 ? 'INVALID_AUTHENTICATION' : status === 423 ? 'LOCKED' : 'VALIDATION_ERROR';
      return finish({ status, body: errorBody(messages[status] ?? `HTTP ${status}`, category) });
    },

    reset() {
      const p = get();
      db.transaction(() => {
        for (const table of ['hs_objects', 'hs_search_shadow', 'hs_emails', 'hs_properties', 'hs_property_groups', 'hs_associations', 'hs_owners', 'hs_lists', 'hs_list_members', 'hs_oauth_apps', 'hs_tokens', 'hs_refresh_tokens', 'hs_auth_codes', 'hs_portals']) {
          db.exec(`delete from ${table}`);
        }
      })();
      p.records.resetIds();
      p.catalog.reset();
      p.auth.clearCache();
      p.limiter.reset();
      p.portals.reload();
      bootstrap();
    },

    defaultPortal: () => get().portals.defaultPortal(),
    portals: () => get().portals.list(),
    defaultOAuthApp: () => get().auth.app(DEFAULT_OAUTH_APP.clientId)!,

    createToken(input = {}) {
      const { auth, portals } = get();
      const portalId = input.portalId ?? portals.defaultPortal().portalId;
      if (input.tier) portals.setTier(portalId, input.tier);
      return auth.createPrivateToken({ portalId, scopes: input.scopes, token: input.token });
    },

    setTier: (portalId, tier) => get().portals.setTier(portalId, tier),
    recordCount: (portalId) => db.prepare('select count(*) from hs_objects where portal_id = ?').pluck().get(portalId) as number,

    seed(seedOptions) {
      const p = get();
      const portalId = seedOptions.portalId ?? p.portals.defaultPortal().portalId;
      return seedPortal({ db, records: p.records, catalog: p.catalog, associations: p.associations, lists: p.lists, now: clock.now }, { stripe: options.stripe?.(), ...seedOptions, portalId });
    },
  };
  return provider;
}

