export interface AuthorizeUrlInput {
  /** https://app.hubspot.com, or a sandbox portal's URL. */
  authBase: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  optionalScopes?: readonly string[];
  state: string;
  codeChallenge: string;
  /** Pins the consent screen to one portal (reconnecting a workspace to the portal it belongs to). */
  portalId?: number;
}

/**
 * HubSpot's authorize URL (facts §7.1), built here because the SDK's `getAuthorizationUrl` is
 * hard-wired to app.hubspot.com. Scopes are space-separated; PKCE uses S256.
 */
export function buildAuthorizeUrl(input: AuthorizeUrlInput): string {
  const base = input.authBase.replace(/\/+$/, '');
  const path = input.portalId ? `/oauth/${input.portalId}/authorize` : '/oauth/authorize';
  const params = new URLSearchParams({
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    scope: input.scopes.join(' '),
  });
  if (input.optionalScopes && input.optionalScopes.length > 0) params.set('optional_scope', input.optionalScopes.join(' '));
  params.set('state', input.state);
  params.set('code_challenge', input.codeChallenge);
  params.set('code_challenge_method', 'S256');
  // URLSearchParams writes spaces as '+'; HubSpot documents %20.
  return `${base}${path}?${params.toString().replace(/\+/g, '%20')}`;
}
