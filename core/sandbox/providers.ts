import { createHubSpotProvider, type HubSpotProviderOptions } from './hubspot/hubspot-provider.ts';
import type { StripeSeeder } from './hubspot/hubspot-seed.ts';
import type { SandboxContext, SandboxProvider } from './sandbox-provider.ts';
import { createStripeProvider } from './stripe/stripe-provider.ts';

/** The part of the Stripe provider the sandbox wiring and HubSpot's seeder use. */
export type StripeProviderLike = SandboxProvider & StripeSeeder & { name: 'stripe'; createKey(permissions?: string[]): string };

/**
 * Every simulated provider of a sandbox, built once its database and clock exist: HubSpot first (it
 * owns the object names Stripe shares, such as `products`, in `/__sandbox/state`), then Stripe. The
 * HubSpot seeder gives part of its companies Stripe customers through the Stripe provider.
 */
export function buildProviders(
  ctx: SandboxContext,
  options: { hubspot: HubSpotProviderOptions; createStripe?: (ctx: SandboxContext) => StripeProviderLike },
): SandboxProvider[] {
  const stripe = (options.createStripe ?? createStripeProvider)(ctx);
  const hubspot = createHubSpotProvider(ctx, { ...options.hubspot, stripe: () => stripe });
  return [hubspot, stripe];
}
