import { defineMigrations } from '../store/migrations.ts';
import { jsonBody } from './sandbox-http.ts';
import type { SandboxContext, SandboxProvider } from './sandbox-provider.ts';
import { createHubSpotProvider, type HubSpotProviderOptions } from './hubspot/hubspot-provider.ts';
import type { StripeSeeder } from './hubspot/hubspot-seed.ts';

/** The part of the Stripe provider (core/sandbox/stripe, another branch) the sandbox wiring uses. */
export interface StripeProviderLike extends SandboxProvider, StripeSeeder {
  name: 'stripe';
  createKey(permissions?: string[]): string;
}

type StripeModule = { createStripeProvider(ctx: SandboxContext): StripeProviderLike };

/**
 * Loads the Stripe provider if this build has it. It lives on another branch until merged, so it is
 * imported by a computed specifier: the sandbox (and typecheck) work without it, and once
 * `core/sandbox/stripe/stripe-provider.ts` exists it is registered here, the one place that does.
 */
export async function loadStripeModule(): Promise<StripeModule | undefined> {
  const specifier = './stripe/stripe-provider.ts';
  try {
    return (await import(specifier)) as StripeModule;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('stripe-provider')) return undefined;
    throw error;
  }
}

/** Every simulated provider of a sandbox, built once its database and clock exist. */
export function buildProviders(ctx: SandboxContext, options: { hubspot: HubSpotProviderOptions; stripe?: StripeModule }): SandboxProvider[] {
  const stripe = options.stripe?.createStripeProvider(ctx);
  const hubspot = createHubSpotProvider(ctx, { ...options.hubspot, stripe: () => stripe });
  return stripe ? [hubspot, stripe, stripeKeysRoute(stripe)] : [hubspot];
}

/**
 * `POST /__sandbox/stripe/keys {permissions?}` → `{key}`: mints a restricted key through the Stripe
 * provider's `createKey`, for tests and support agents (unless the Stripe provider serves it itself,
 * being asked first).
 */
function stripeKeysRoute(stripe: StripeProviderLike): SandboxProvider {
  return {
    name: 'stripe-keys',
    migrations: defineMigrations('stripe-keys', []),
    handle: () => undefined,
    state: () => undefined,
    reset: () => {},
    admin(req, route) {
      if (req.method !== 'POST' || route !== 'stripe/keys') return undefined;
      let body: { permissions?: unknown } | undefined;
      try {
        body = jsonBody(req);
      } catch {
        return { status: 400, body: { message: 'the body must be JSON' } };
      }
      const permissions = body?.permissions;
      if (permissions !== undefined && !(Array.isArray(permissions) && permissions.every((p) => typeof p === 'string'))) {
        return { status: 400, body: { message: '"permissions" must be an array of strings' } };
      }
      return { status: 200, body: { key: stripe.createKey(permissions as string[] | undefined) } };
    },
  };
}
