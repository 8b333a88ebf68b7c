import type { CallOptions, HubSpotGateway } from './hubspot-gateway.ts';

/** `GET /account-info/v3/details` (facts §8.3). */
export interface AccountDetails {
  portalId: number;
  accountType?: string;
  timeZone?: string;
  companyCurrency?: string;
  uiDomain?: string;
  /** `na1`, `eu1`… */
  dataHostingLocation?: string;
  utcOffset?: string;
}

export function getAccountDetails(gateway: HubSpotGateway, options?: CallOptions): Promise<AccountDetails> {
  return gateway.request<AccountDetails>('account.details', { method: 'GET', path: '/account-info/v3/details' }, options);
}

export interface DailyUsage {
  name: string;
  usageLimit: number;
  currentUsage: number;
  collectedAt?: string;
  resetsAt?: string;
}

/**
 * `GET /account-info/v3/api-usage/daily/private-apps`: the account's calls today against its daily
 * limit. Null when HubSpot has no figure for it (it reports private apps only).
 */
export async function getDailyUsage(gateway: HubSpotGateway, options?: CallOptions): Promise<DailyUsage | null> {
  const body = await gateway.request<{ results?: DailyUsage[] }>('account.dailyUsage', { method: 'GET', path: '/account-info/v3/api-usage/daily/private-apps' }, options);
  return body.results?.find((r) => r.name === 'private-apps-api-calls-daily') ?? body.results?.[0] ?? null;
}
