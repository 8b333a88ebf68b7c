import { z } from 'zod';

/** HubSpot subscription tiers, as far as API limits are concerned. `addon` = the API limit increase pack. */
export const HubSpotTier = z.enum(['free', 'starter', 'pro', 'enterprise', 'addon']);
export type HubSpotTier = z.infer<typeof HubSpotTier>;

export type HubSpotAuthKind = 'private_app' | 'oauth';

export interface BudgetLimits {
  /** The rolling burst window (HubSpot: 10 s). */
  windowMs: number;
  /** Requests allowed per window for this app. */
  maxPerWindow: number;
  /** Requests per day for the whole account (shared with its other apps); null when unknown. */
  dailyLimit: number | null;
  /** The search endpoints' own limit per second. */
  searchPerSecond: number;
}

/**
 * HubSpot's published limits (facts sheet §2.1): private apps 100/190/190/250 per 10 s by tier and
 * 250k/650k/1M(+1M) per day; public (OAuth) apps 110 per 10 s per installing account. Search: 5/s.
 */
export function limitsFor(tier: HubSpotTier, auth: HubSpotAuthKind): BudgetLimits {
  const daily = { free: 250_000, starter: 250_000, pro: 650_000, enterprise: 1_000_000, addon: 2_000_000 }[tier];
  const burst = { free: 100, starter: 100, pro: 190, enterprise: 190, addon: 250 }[tier];
  return {
    windowMs: 10_000,
    maxPerWindow: auth === 'oauth' ? 110 : burst,
    dailyLimit: daily,
    searchPerSecond: 5,
  };
}
