import crypto from 'node:crypto';
import { jsonBody, type SandboxRequest, type SandboxResponse } from '../sandbox-http.ts';
import type { SandboxContext, SandboxProvider } from '../sandbox-provider.ts';
import { createStripeApi } from './stripe-api.ts';
import { catalogRoutes } from './stripe-catalog.ts';
import { customerRoutes } from './stripe-customers.ts';
import { createStripeEnv } from './stripe-env.ts';
import { StripeApiError } from './stripe-errors.ts';
import { createIdempotencyStore } from './stripe-idempotency.ts';
import { createIdFactory } from './stripe-ids.ts';
import { eventRoutes, invoiceRoutes } from './stripe-invoices.ts';
import { ALL_PERMISSIONS, createKeyring } from './stripe-keys.ts';
import { deletedObject, type SubscriptionShape } from './stripe-objects.ts';
import { createRateLimiter, DEFAULT_REQUESTS_PER_SECOND } from './stripe-rate-limit.ts';
import { stripeMigrations } from './stripe-schema.ts';
import { type SeedEnv, type SeedInput, type SeedLink, seedStripe } from './stripe-seed.ts';
import { type ObjectType, createStripeStore } from './stripe-store.ts';
import { cancelLiveSubscriptions, renewSubscription, setSubscriptionStatus, SUBSCRIPTION_STATUSES, type SubscriptionStatus, subscriptionRoutes } from './stripe-subscriptions.ts';

export interface StripeProvider extends SandboxProvider {
  name: 'stripe';
  /** Creates customers (some with subscriptions) for part of these companies; returns which company got which customer. */
  seed(input: SeedInput): SeedLink[];
  /** Mints a restricted key (all permissions when none are given). */
  createKey(permissions?: string[]): string;
  /** Requests per second per endpoint (Stripe's test mode: 25); null switches the limit off. */
  setRateLimit(perSecond: number | null): void;
}

/** Stripe keeps events for 30 days. */
export const EVENT_RETENTION_SECONDS = 30 * 86_400;

/** `state/<type>` names: plural, also `stripe/`- or `stripe.`-prefixed so they never meet HubSpot's (it has `products` too). */
const STATE_TYPES: Record<string, ObjectType> = {
  customers: 'customer',
  products: 'product',
  prices: 'price',
  coupons: 'coupon',
  subscriptions: 'subscription',
  invoices: 'invoice',
  events: 'event',
  discounts: 'discount',
};

const cryptoRandom = (): number => crypto.randomInt(0, 2 ** 47) / 2 ** 47;

/**
 * The simulated Stripe account (SPEC §9): `/v1/…` for stripe-node, `/__sandbox/stripe/…` for
 * tests and tools. See core/sandbox/stripe/README.md for the endpoints, admin routes and limits.
 */
export function createStripeProvider(ctx: SandboxContext): StripeProvider {
  const nowMs = () => ctx.clock.now();
  const limiter = createRateLimiter(nowMs, DEFAULT_REQUESTS_PER_SECOND);
  // The server migrates after building its providers, so statements are prepared on first use.
  let wiring: ReturnType<typeof wire> | undefined;
  const wired = () => (wiring ??= wire());

  function wire() {
    const store = createStripeStore(ctx.db);
    const ids = createIdFactory(cryptoRandom);
    const env = createStripeEnv(store, ids, nowMs);
    const keyring = createKeyring(ctx.db, cryptoRandom, nowMs);
    const expireEvents = () => void store.expireEvents(env.now() - EVENT_RETENTION_SECONDS);
    const api = createStripeApi({
      db: ctx.db,
      env,
      keyring,
      limiter,
      idempotency: createIdempotencyStore(ctx.db, nowMs),
      ids,
      nowMs,
      routes: [
        ...customerRoutes(env, (customerId) => cancelLiveSubscriptions(env, customerId)),
        ...catalogRoutes(env),
        ...subscriptionRoutes(env),
        ...invoiceRoutes(env),
        ...eventRoutes(env, expireEvents),
      ],
    });
    return { store, env, keyring, api, expireEvents };
  }

  const adminError = (status: number, message: string): SandboxResponse => ({ status, body: { message } });

  function subscriptionFor(id: string): SubscriptionShape | undefined {
    const found = wired().env.find<SubscriptionShape>('subscription', id);
    return found && !found.deleted ? found.object : undefined;
  }

  /** Runs an operation as the sandbox itself (no request): its events carry `request.id: null`. */
  function asSandbox<T>(operation: () => T, answer: (value: T) => unknown): SandboxResponse {
    try {
      return { status: 200, body: answer(ctx.db.transaction(operation)()) };
    } catch (error) {
      if (error instanceof StripeApiError) return adminError(error.status === 404 ? 404 : 400, error.message);
      throw error;
    }
  }

  function admin(req: SandboxRequest, route: string): SandboxResponse | undefined {
    if (!route.startsWith('stripe/')) return undefined;
    const path = route.slice('stripe/'.length);
    const { env, keyring } = wired();
    let body: Record<string, unknown>;
    try {
      body = jsonBody<Record<string, unknown>>(req) ?? {};
    } catch {
      return adminError(400, 'the body must be JSON');
    }
    if (req.method === 'POST' && path === 'keys') {
      const permissions = body.permissions;
      if (permissions !== undefined && (!Array.isArray(permissions) || permissions.some((p) => typeof p !== 'string'))) return adminError(400, '"permissions" must be an array of strings');
      try {
        return { status: 200, body: { key: keyring.create({ ...(permissions ? { permissions: permissions as string[] } : {}), secret: body.secret === true }) } };
      } catch (error) {
        return adminError(400, (error as Error).message);
      }
    }
    if (req.method === 'GET' && path === 'keys/permissions') return { status: 200, body: { permissions: ALL_PERMISSIONS } };
    if (req.method === 'POST' && path === 'rate-limit') {
      const perSecond = body.enabled === false ? null : body.enabled === true ? DEFAULT_REQUESTS_PER_SECOND : body.perSecond;
      if (perSecond !== null && (typeof perSecond !== 'number' || !Number.isInteger(perSecond) || perSecond < 1)) {
        return adminError(400, 'give {"enabled": true|false} or {"perSecond": <integer ≥ 1> | null}');
      }
      limiter.set(perSecond);
      return { status: 200, body: { perSecond } };
    }
    if (req.method === 'POST' && path === 'locks') {
      if (!Array.isArray(body.ids) || body.ids.some((id) => typeof id !== 'string')) return adminError(400, '"ids" must be an array of object ids');
      limiter.lock(body.ids as string[]);
      return { status: 200, body: { ids: limiter.lockedIds() } };
    }
    if (req.method === 'POST' && path === 'renewals') return asSandbox(processRenewals, (renewed) => ({ renewed }));
    const action = /^subscriptions\/([^/]+)\/(advance|status)$/.exec(path);
    if (req.method === 'POST' && action) {
      const subscription = subscriptionFor(decodeURIComponent(action[1]!));
      if (!subscription) return adminError(404, `No such subscription: '${action[1]}'`);
      const show = (s: SubscriptionShape) => ({ subscription: env.render('subscription', s) });
      if (action[2] === 'advance') return asSandbox(() => renewSubscription(env, subscription), show);
      const status = body.status;
      if (typeof status !== 'string' || !(SUBSCRIPTION_STATUSES as readonly string[]).includes(status)) return adminError(400, `"status" must be one of ${SUBSCRIPTION_STATUSES.join(', ')}`);
      return asSandbox(() => setSubscriptionStatus(env, subscription, status as SubscriptionStatus), show);
    }
    return undefined;
  }

  /** Renews every subscription whose period has ended on the simulated clock (a test clock's advance). */
  function processRenewals(): number {
    const { store, env } = wired();
    let renewed = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      const due = store.dueSubscriptions(env.now(), 200).filter((s) => ['active', 'past_due', 'trialing', 'unpaid'].includes(s.status as string));
      if (due.length === 0) break;
      for (const subscription of due) {
        renewSubscription(env, subscription as SubscriptionShape);
        renewed++;
      }
    }
    return renewed;
  }

  function seed(input: SeedInput): SeedLink[] {
    const { store, env } = wired();
    const now = env.now();
    let current = now;
    const seedEnv: SeedEnv = Object.assign(createStripeEnv(store, createIdFactory(input.random), () => current * 1000), {
      setNow: (seconds: number) => {
        current = seconds;
      },
    });
    return ctx.db.transaction(() => seedStripe(seedEnv, input, now))();
  }

  function state(type: string): unknown[] | undefined {
    const name = type.replace(/^stripe[/.]/, '');
    const objectType = STATE_TYPES[name];
    if (!objectType) return undefined;
    const { store, env, expireEvents } = wired();
    if (objectType === 'event') expireEvents();
    return store.all(objectType).map((record) => (record.deleted ? deletedObject(record.object.id, record.object.object) : env.render(objectType, record.object)));
  }

  return {
    name: 'stripe',
    migrations: stripeMigrations,
    handle: (req) => wired().api.handle(req),
    faultResponse: (req, status) => wired().api.faultResponse(req, status),
    admin,
    state,
    reset: () => {
      wired().store.clear();
      limiter.reset();
    },
    seed,
    createKey: (permissions) => wired().keyring.create(permissions === undefined ? {} : { permissions }),
    setRateLimit: (perSecond) => limiter.set(perSecond),
  };
}

