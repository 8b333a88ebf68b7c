import type Stripe from 'stripe';
import { AppError } from '../errors.ts';
import { createHubSpotGateway, type HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { createRequestBudget, type RequestBudget } from '../hubspot/request-budget.ts';
import { type HubSpotTier, limitsFor } from '../hubspot/tiers.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import { type Logger, nullLogger } from '../ports/logger.ts';
import { createStripeClient } from '../stripe/stripe-gateway.ts';
import type { ProviderAccess } from './provider-access.ts';

export interface StaticProviderConfig {
  hubspot?: { baseUrl: string; token: string; tier?: HubSpotTier | 'unlimited' };
  stripe?: { baseUrl: string; key: string };
}

/** A budget that never waits and ignores HubSpot's headers: for a sandbox with its limits switched off. */
export function unlimitedBudget(clock: Clock = systemClock): RequestBudget {
  const real = createRequestBudget({ limits: { windowMs: 10_000, maxPerWindow: Number.MAX_SAFE_INTEGER, dailyLimit: null, searchPerSecond: Number.MAX_SAFE_INTEGER }, clock });
  let requests = 0;
  return {
    ...real,
    // Counted (the benchmark reports calls made), never delayed.
    acquire: async () => {
      requests++;
      return () => {};
    },
    observe: () => {},
    throttle: () => {},
    snapshot: () => ({ ...real.snapshot(), usedToday: requests, burstUsed: 0 }),
  };
}

/**
 * Provider access from fixed credentials, the same for every workspace: tests, benchmarks, and
 * the development seam `SYNCDESK_DEV_PROVIDERS` (a JSON file path) until the connections domain
 * provides the real access. Never used with real secrets in a shipped build.
 */
export function createStaticProviders(config: StaticProviderConfig, options: { clock?: Clock; logger?: Logger } = {}): ProviderAccess & { close(): void } {
  const clock = options.clock ?? systemClock;
  let gateway: HubSpotGateway | undefined;
  let stripe: Stripe | undefined;
  return {
    async hubspot() {
      if (!config.hubspot) throw new AppError('not_connected', "HubSpot isn't connected for this workspace.", { retryable: false });
      if (!gateway) {
        const { tier = 'pro' } = config.hubspot;
        const token = config.hubspot.token;
        gateway = createHubSpotGateway({
          baseUrl: config.hubspot.baseUrl,
          tokens: { current: async () => ({ accessToken: token, kind: 'private_app' }), rejected: async () => false },
          budget: tier === 'unlimited' ? unlimitedBudget(clock) : createRequestBudget({ limits: limitsFor(tier, 'private_app'), clock }),
          logger: options.logger ?? nullLogger,
        });
      }
      return gateway;
    },
    async stripe() {
      if (!config.stripe) return null;
      stripe ??= createStripeClient({ baseUrl: config.stripe.baseUrl, key: config.stripe.key });
      return stripe;
    },
    close() {
      gateway?.close();
    },
  };
}
