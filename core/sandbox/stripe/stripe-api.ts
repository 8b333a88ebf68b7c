import type { Db } from '../../store/database.ts';
import type { SandboxRequest, SandboxResponse } from '../sandbox-http.ts';
import { cloneJson, type StripeEnv, withoutIncludables } from './stripe-env.ts';
import {
  apiError,
  errorBody,
  idempotencyEndpointMismatch,
  idempotencyMismatch,
  invalidApiKey,
  lockTimeout,
  missingApiKey,
  missingPermission,
  rateLimited,
  StripeApiError,
  unrecognizedUrl,
} from './stripe-errors.ts';
import { expandPaths } from './stripe-expand.ts';
import { type FormObject, FormShapeError, parseStripeForm } from './stripe-form.ts';
import type { IdempotencyStore } from './stripe-idempotency.ts';
import { paramsHash } from './stripe-idempotency.ts';
import type { IdFactory } from './stripe-ids.ts';
import { type ApiKey, hasPermission, type Keyring, maskKey, requestKey } from './stripe-keys.ts';
import { ACCOUNT_ID, API_VERSION, deletedObject } from './stripe-objects.ts';
import { readParams } from './stripe-params.ts';
import type { RateLimiter } from './stripe-rate-limit.ts';
import type { Route } from './stripe-routes.ts';
import type { ObjectType, StripeObject } from './stripe-store.ts';

/** Read permission needed to expand an object of each type. */
const READ_PERMISSION: Partial<Record<ObjectType, string>> = {
  customer: 'rak_customer_read',
  product: 'rak_product_read',
  price: 'rak_plan_read',
  coupon: 'rak_coupon_read',
  subscription: 'rak_subscription_read',
  invoice: 'rak_invoice_read',
};

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export interface StripeApiDeps {
  db: Db;
  env: StripeEnv;
  keyring: Keyring;
  limiter: RateLimiter;
  idempotency: IdempotencyStore;
  /** Random ids for requests (not the seeder's). */
  ids: IdFactory;
  nowMs(): number;
  routes: Route[];
}

/**
 * The HTTP face of the simulated account, in the order Stripe checks things: the key, the URL,
 * locks and the rate limit, the key's permission, an idempotent replay, the parameters — then the
 * operation in one transaction, `expand[]`, and the headers (`Request-Id`, `Stripe-Version`,
 * `Idempotency-Key`, `Original-Request`, `Idempotent-Replayed`).
 */
export function createStripeApi(deps: StripeApiDeps) {
  const compiled: CompiledRoute[] = deps.routes.map((route) => {
    const names: string[] = [];
    const source = route.path.replace(/:([a-z_]+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, pattern: new RegExp(`^${source}$`), names };
  });

  function match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const entry of compiled) {
      if (entry.route.method !== method) continue;
      const found = entry.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      entry.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1]!)));
      return { route: entry.route, params };
    }
    return undefined;
  }

  function readRaw(req: SandboxRequest): FormObject {
    const pairs: Array<[string, string]> = [...req.query.entries()];
    if (req.body.length > 0) pairs.push(...new URLSearchParams(req.body.toString('utf8')).entries());
    return parseStripeForm(pairs);
  }

  function expandAndTrim(body: StripeObject | { object: 'list' }, expand: readonly string[] | undefined, key: ApiKey): unknown {
    const keep = expandPaths(body as Record<string, unknown>, expand ?? [], {
      resolve: (type, id) => {
        const permission = READ_PERMISSION[type];
        if (permission && !hasPermission(key, permission)) throw missingPermission(maskKey(key.key, 6), ACCOUNT_ID, [permission]);
        const found = deps.env.find(type, id);
        if (!found) return undefined;
        if (found.deleted) return deletedObject(id, found.object.object);
        return deps.env.render(type, found.object);
      },
    });
    return withoutIncludables(body, keep);
  }

  function handle(req: SandboxRequest): SandboxResponse | undefined {
    if (!req.path.startsWith('/v1/')) return undefined;
    const requestId = deps.ids.id('req');
    const idempotencyKey = req.method === 'POST' && typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    const version = typeof req.headers['stripe-version'] === 'string' ? req.headers['stripe-version'] : API_VERSION;
    const headers: Record<string, string> = { 'Request-Id': requestId, 'Stripe-Version': version };
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    let authenticated = false;
    let replayContext: { key: string; apiKey: string; endpoint: string; hash: string } | undefined;

    const respond = (status: number, body: unknown, extra: Record<string, string> = {}): SandboxResponse => {
      const response = { status, headers: { ...headers, ...extra }, body };
      if (replayContext) {
        deps.idempotency.save(replayContext.key, {
          apiKey: replayContext.apiKey,
          method: req.method,
          path: replayContext.endpoint,
          paramsHash: replayContext.hash,
          requestId,
          status,
          headers: extra,
          body,
        });
      }
      return response;
    };

    try {
      const token = requestKey(req);
      if (!token) throw missingApiKey();
      const key = deps.keyring.find(token);
      if (!key) throw invalidApiKey(maskKey(token, 4));
      authenticated = true;
      const found = match(req.method, req.path);
      if (!found) throw unrecognizedUrl(req.method, req.path);
      const { route } = found;
      if (deps.limiter.isLocked(req.path)) throw lockTimeout();
      if (!deps.limiter.admit(`${route.method} ${route.path}`)) throw rateLimited();
      if (!hasPermission(key, route.permission)) throw missingPermission(maskKey(token, 6), ACCOUNT_ID, [route.permission]);
      const raw = readRaw(req);
      if (idempotencyKey) {
        const endpoint = req.path;
        const hash = paramsHash(raw);
        const saved = deps.idempotency.find(idempotencyKey);
        if (saved) {
          if (saved.path !== endpoint || saved.method !== req.method) throw idempotencyEndpointMismatch(idempotencyKey, saved.path, endpoint);
          if (saved.paramsHash !== hash) throw idempotencyMismatch(idempotencyKey);
          return { status: saved.status, headers: { ...headers, ...saved.headers, 'Original-Request': saved.requestId, 'Idempotent-Replayed': 'true' }, body: saved.body };
        }
        headers['Original-Request'] = requestId;
        replayContext = { key: idempotencyKey, apiKey: token, endpoint, hash };
      }
      const input = readParams<{ expand?: string[] }>(route.params, raw);
      const body = deps.db.transaction(() => {
        deps.env.request = { id: requestId, idempotency_key: idempotencyKey ?? null };
        try {
          const result = (route.handle as (params: unknown, path: Record<string, string>) => StripeObject | { object: 'list' })(input, found.params);
          // Subscriptions are stored with price ids on their items; the API shows the prices.
          const shown = result.object === 'subscription' ? deps.env.render('subscription', result as StripeObject) : cloneJson(result);
          return expandAndTrim(shown, input.expand, key);
        } finally {
          deps.env.request = { id: null, idempotency_key: null };
        }
      })();
      return respond(200, body);
    } catch (caught) {
      let error: StripeApiError;
      if (caught instanceof StripeApiError) error = caught;
      else if (caught instanceof FormShapeError) error = new StripeApiError({ status: 400, type: 'invalid_request_error', message: caught.message, param: caught.param });
      else {
        // A bug in the simulation: answer as Stripe does for its own failures, keep the details out of the body.
        error = apiError(500);
        process.emitWarning(`stripe sandbox: ${req.method} ${req.path} failed: ${(caught as Error)?.stack ?? String(caught)}`);
      }
      const extra = { ...error.headers, ...(error.status === 401 ? { 'Www-Authenticate': 'Bearer realm="Stripe"' } : {}) };
      const body = errorBody(error, requestId, deps.nowMs(), authenticated);
      if (replayContext && !error.replayable) replayContext = undefined;
      return respond(error.status, body, extra);
    }
  }

  /** A Stripe-shaped body for a status injected by the sandbox's fault rules. */
  function faultResponse(req: SandboxRequest, status: number): SandboxResponse | undefined {
    if (!req.path.startsWith('/v1/')) return undefined;
    const requestId = deps.ids.id('req');
    const token = requestKey(req) ?? 'sk_test_unknown';
    const found = match(req.method, req.path);
    let error: StripeApiError;
    switch (status) {
      case 401:
        error = invalidApiKey(maskKey(token, 4));
        break;
      case 402:
        error = new StripeApiError({ status: 402, type: 'card_error', code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' });
        break;
      case 403:
        error = missingPermission(maskKey(token, 6), ACCOUNT_ID, [found?.route.permission ?? 'rak_customer_read']);
        break;
      case 404: {
        const id = req.path.split('/').at(-1) ?? '';
        error = new StripeApiError({ status: 404, type: 'invalid_request_error', code: 'resource_missing', message: `No such object: '${id}'`, param: 'id' });
        break;
      }
      case 409:
        error = new StripeApiError({
          status: 409,
          type: 'idempotency_error',
          message: 'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please try again later.',
        });
        break;
      case 429:
        error = rateLimited();
        break;
      default:
        error = status >= 500 ? apiError(status) : new StripeApiError({ status, type: 'invalid_request_error', message: `The request could not be processed (injected ${status}).` });
    }
    const version = typeof req.headers['stripe-version'] === 'string' ? req.headers['stripe-version'] : API_VERSION;
    return { status, headers: { 'Request-Id': requestId, 'Stripe-Version': version, ...error.headers }, body: errorBody(error, requestId, deps.nowMs(), status !== 401) };
  }

  return { handle, faultResponse };
}
export type StripeApi = ReturnType<typeof createStripeApi>;
