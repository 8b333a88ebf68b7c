import type { CallOptions, HubSpotGateway } from './hubspot-gateway.ts';

/** `GET /oauth/v1/access-tokens/{token}` (facts §7.4): who and what an OAuth access token is for. */
export interface AccessTokenInfo {
  hub_id: number;
  hub_domain?: string;
  user?: string;
  user_id?: number;
  app_id?: number;
  scopes: string[];
  expires_in: number;
  token_type?: string;
  signed_access_token?: { hublet?: string };
}

export function getAccessTokenInfo(gateway: HubSpotGateway, accessToken: string, options?: CallOptions): Promise<AccessTokenInfo> {
  return gateway.request<AccessTokenInfo>('oauth.accessTokenInfo', { method: 'GET', path: `/oauth/v1/access-tokens/${encodeURIComponent(accessToken)}` }, options);
}

/**
 * `POST /oauth/v2/private-apps/get/access-token-info {tokenKey}`: HubSpot's documented way to read
 * a private-app token's portal and scopes (the v1 access-token endpoint refuses `pat-` tokens with
 * "The access token must have the correct format").
 */
export interface PrivateAppTokenInfo {
  userId?: number;
  hubId: number;
  appId?: number;
  scopes: string[];
}

export function getPrivateAppTokenInfo(gateway: HubSpotGateway, token: string, options?: CallOptions): Promise<PrivateAppTokenInfo> {
  return gateway.request<PrivateAppTokenInfo>('oauth.privateAppTokenInfo', { method: 'POST', path: '/oauth/v2/private-apps/get/access-token-info', body: { tokenKey: token } }, options);
}
