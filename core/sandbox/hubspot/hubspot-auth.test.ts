import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { specs } from '../../../test/harness/openapi.ts';
import { startTestSandbox, type TestSandbox } from '../../../test/harness/hubspot-sandbox.ts';
import { SECOND_PORTAL } from './hubspot-portals.ts';

const objects = specs.objects();
const oauthV1 = specs.oauthV1();
let sb: TestSandbox;
beforeEach(async () => {
  sb = await startTestSandbox();
});
afterEach(async () => {
  await sb.stop();
});

const REDIRECT = 'http://localhost:42813/oauth/callback';
const SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.lists.read'];

/** Drives the consent page like a user: fetch the form, then submit it with the chosen scopes and portal. */
async function authorize(options: { decline?: string[]; cancel?: boolean; portalId?: number; challenge?: string; state?: string; optional?: string[] } = {}) {
  const params = new URLSearchParams({ client_id: sb.oauthApp.clientId, redirect_uri: REDIRECT, scope: SCOPES.join(' '), state: options.state ?? 'st-1' });
  if (options.optional) params.set('optional_scope', options.optional.join(' '));
  if (options.challenge) {
    params.set('code_challenge', options.challenge);
    params.set('code_challenge_method', 'S256');
  }
  const page = await fetch(`${sb.url}/oauth/authorize?${params}`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  const html = await page.text();
  expect(html).toContain('Connect app');
  for (const scope of SCOPES) expect(html).toContain(`value="${scope}"`);
  const form = new URLSearchParams(params);
  form.set('portal_id', String(options.portalId ?? sb.portal.portalId));
  form.set('action', options.cancel ? 'cancel' : 'approve');
  for (const scope of [...SCOPES, ...(options.optional ?? [])]) if (!options.decline?.includes(scope)) form.append('grant_scope', scope);
  const res = await fetch(`${sb.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

const exchange = (fields: Record<string, string>) =>
  fetch(`${sb.url}/oauth/v1/token`, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as Record<string, any>,
  }));
const codeGrant = (code: string, extra: Record<string, string> = {}) =>
  exchange({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: sb.oauthApp.clientId, client_secret: sb.oauthApp.clientSecret, ...extra });

describe('private-app tokens', () => {
  it('401 INVALID_AUTHENTICATION without a known token', async () => {
    for (const token of [null, 'pat-na1-00000000-0000-0000-0000-000000000000']) {
      const res = await sb.call('GET', '/crm/v3/objects/contacts', { token });
      expect(res.status).toBe(401);
      expect(res.body.category).toBe('INVALID_AUTHENTICATION');
      expect(res.body.message).toMatch(/^Authentication credentials not found\./);
      objects.response('GET', '/crm/v3/objects/{objectType}', 401, res.body);
    }
  });

  it('403 MISSING_SCOPES names the route\'s scopes; dropping a scope later takes effect at once', async () => {
    const { body } = await sb.admin('tokens', { scopes: ['crm.objects.contacts.read'] });
    expect(body.token).toMatch(/^pat-na1-[0-9a-f-]{36}$/);
    expect((await sb.call('GET', '/crm/v3/objects/contacts', { token: body.token })).status).toBe(200);
    const denied = await sb.call('POST', '/crm/v3/objects/contacts', { token: body.token, body: { properties: {} } });
    expect(denied.status).toBe(403);
    objects.response('POST', '/crm/v3/objects/{objectType}', 403, denied.body);
    expect(denied.body).toMatchObject({
      category: 'MISSING_SCOPES',
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.objects.contacts.write'] } }],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
    });
    const lists = await sb.call('GET', '/crm/v3/lists/1', { token: body.token });
    expect(lists.body.errors[0].context.requiredGranularScopes).toEqual(['crm.lists.read']);
    await sb.admin('tokens/scopes', { token: body.token, remove: ['crm.objects.contacts.read'] });
    expect((await sb.call('GET', '/crm/v3/objects/contacts', { token: body.token })).status).toBe(403);
    // The SDK surfaces it as an ApiException with the parsed body.
    const error = await sb.client(body.token).crm.contacts.basicApi.getPage().catch((e: unknown) => e as { code: number; body: { category: string } });
    expect(error).toMatchObject({ code: 403, body: { category: 'MISSING_SCOPES' } });
  });

  it('reads a private-app token\'s portal, app and scopes through /oauth/v2/private-apps/get/access-token-info', async () => {
    const { body } = await sb.admin('tokens', { scopes: ['crm.objects.contacts.read', 'crm.lists.read'], portalId: SECOND_PORTAL.portalId });
    const info = await sb.call('POST', '/oauth/v2/private-apps/get/access-token-info', { token: null, body: { tokenKey: body.token } });
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ userId: expect.any(Number), hubId: SECOND_PORTAL.portalId, appId: expect.any(Number), scopes: ['crm.objects.contacts.read', 'crm.lists.read'] });
    await sb.admin('tokens/revoke', { token: body.token });
    const revoked = await sb.call('POST', '/oauth/v2/private-apps/get/access-token-info', { token: null, body: { tokenKey: body.token } });
    expect(revoked.status).toBe(401);
    expect(revoked.body.category).toBe('INVALID_AUTHENTICATION');
    expect((await sb.call('POST', '/oauth/v2/private-apps/get/access-token-info', { token: null, body: {} })).status).toBe(400);
  });

  it('a revoked token gets 401, and a token sees only its own portal', async () => {
    const other = await sb.admin('tokens', { portalId: SECOND_PORTAL.portalId });
    await sb.call('POST', '/crm/v3/objects/contacts', { body: { properties: { email: 'mine@example.com' } } });
    const list = await sb.call('GET', '/crm/v3/objects/contacts', { token: other.body.token });
    expect(list.body.results).toEqual([]);
    const details = await sb.call('GET', '/account-info/v3/details', { token: other.body.token });
    expect(details.body.portalId).toBe(SECOND_PORTAL.portalId);
    await sb.admin('tokens/revoke', { token: other.body.token });
    expect((await sb.call('GET', '/crm/v3/objects/contacts', { token: other.body.token })).status).toBe(401);
  });
});

describe('OAuth', () => {
  it('runs the code flow with PKCE: consent page → redirect → token → API calls → refresh', async () => {
    const verifier = crypto.randomBytes(32).toString('base64url');
    const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
    const redirect = await authorize({ challenge, state: 'xyz' });
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT);
    expect(redirect.searchParams.get('state')).toBe('xyz');
    const code = redirect.searchParams.get('code')!;
    expect((await codeGrant(code, { code_verifier: 'wrong' })).body).toMatchObject({ status: 'BAD_CODE_VERIFIER', error: 'invalid_grant' });
    const granted = await codeGrant(code, { code_verifier: verifier });
    expect(granted.status).toBe(200);
    oauthV1.schema('AccessTokenResponse', granted.body);
    expect(granted.body).toMatchObject({ token_type: 'bearer', expires_in: 1800, hub_id: sb.portal.portalId, scopes: SCOPES });
    expect(granted.body.refresh_token).toMatch(/^na1-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // Codes are single-use.
    expect((await codeGrant(code, { code_verifier: verifier })).body).toMatchObject({ status: 'BAD_AUTH_CODE', error: 'invalid_grant', message: 'missing or unknown auth code' });

    const access = granted.body.access_token as string;
    const res = await sb.call('GET', '/crm/v3/objects/contacts', { token: access });
    expect(res.status).toBe(200);
    // OAuth calls: 110 per 10 s per portal and app, no Daily headers.
    expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('110');
    expect(res.headers.get('x-hubspot-ratelimit-daily')).toBeNull();

    const info = await sb.call('GET', `/oauth/v1/access-tokens/${access}`, { token: null });
    oauthV1.response('GET', '/oauth/v1/access-tokens/{token}', 200, info.body);
    expect(info.body).toMatchObject({ hub_id: sb.portal.portalId, hub_domain: sb.portal.domain, scopes: SCOPES, token_type: 'access' });

    // The SDK's token call (form body to /oauth/v1/token) refreshes.
    const refreshed = await sb.client().oauth.tokensApi.create('refresh_token', undefined, undefined, sb.oauthApp.clientId, sb.oauthApp.clientSecret, granted.body.refresh_token);
    expect(refreshed.accessToken).not.toBe(access);
    expect(refreshed.refreshToken).toBe(granted.body.refresh_token);
    const refreshInfo = await sb.client().oauth.refreshTokensApi.get(granted.body.refresh_token);
    expect(refreshInfo.hubId).toBe(sb.portal.portalId);
  });

  it('expires access tokens after 30 minutes with the EXPIRED_AUTHENTICATION body', async () => {
    const code = (await authorize()).searchParams.get('code')!;
    const { body } = await codeGrant(code);
    await sb.call('POST', '/__sandbox/clock', { body: { advanceMs: 1805_000 }, token: null });
    const res = await sb.call('GET', '/crm/v3/objects/contacts', { token: body.access_token });
    expect(res.status).toBe(401);
    objects.response('GET', '/crm/v3/objects/{objectType}', 401, res.body);
    expect(res.body.category).toBe('EXPIRED_AUTHENTICATION');
    expect(res.body.message).toBe('The OAuth token used to make this call expired 5 second(s) ago.');
    expect(res.body.context['expire time'][0]).toMatch(/Z$/);
    expect((await codeGrant(code)).body.status).toBe('BAD_AUTH_CODE');
    // Admin expiry works without moving the clock too.
    const fresh = await exchange({ grant_type: 'refresh_token', refresh_token: body.refresh_token, client_id: sb.oauthApp.clientId, client_secret: sb.oauthApp.clientSecret });
    expect((await sb.call('GET', '/crm/v3/objects/contacts', { token: fresh.body.access_token })).status).toBe(200);
    await sb.admin('tokens/expire', { token: fresh.body.access_token });
    expect((await sb.call('GET', '/crm/v3/objects/contacts', { token: fresh.body.access_token })).body.category).toBe('EXPIRED_AUTHENTICATION');
  });

  it('lets the user decline a scope, pick a portal, or cancel', async () => {
    const declined = await authorize({ decline: ['crm.lists.read'] });
    const token = await codeGrant(declined.searchParams.get('code')!);
    expect(token.body.scopes).toEqual(SCOPES.filter((s) => s !== 'crm.lists.read'));
    expect((await sb.call('GET', '/crm/v3/lists/1', { token: token.body.access_token })).body.category).toBe('MISSING_SCOPES');

    const other = await authorize({ portalId: SECOND_PORTAL.portalId });
    expect((await codeGrant(other.searchParams.get('code')!)).body.hub_id).toBe(SECOND_PORTAL.portalId);

    const cancelled = await authorize({ cancel: true, state: 's2' });
    expect(Object.fromEntries(cancelled.searchParams)).toEqual({ error: 'access_denied', error_description: 'The user denied access to the app.', state: 's2' });
  });

  it('shows an error page, never a redirect, for an unregistered redirect URI or unknown client', async () => {
    const base = { client_id: sb.oauthApp.clientId, scope: 'oauth', redirect_uri: 'http://127.0.0.1:42813/oauth/callback' };
    const page = await fetch(`${sb.url}/oauth/authorize?${new URLSearchParams(base)}`, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('doesn&#39;t match the app&#39;s registered redirect URL');
    const unknown = await fetch(`${sb.url}/oauth/authorize?${new URLSearchParams({ ...base, client_id: 'nope', redirect_uri: REDIRECT })}`);
    expect(unknown.status).toBe(400);
    const pinned = await fetch(`${sb.url}/oauth/${SECOND_PORTAL.portalId}/authorize?${new URLSearchParams({ ...base, redirect_uri: REDIRECT })}`);
    const html = await pinned.text();
    expect(html).toContain(`value="${SECOND_PORTAL.portalId}"`);
    expect(html).not.toContain(`value="${sb.portal.portalId}"`);
  });

  it('refuses bad clients, redirect URIs and refresh tokens with RFC 6749 + legacy bodies', async () => {
    const code = (await authorize()).searchParams.get('code')!;
    expect((await codeGrant(code, { client_id: 'unknown' })).body).toMatchObject({ status: 'BAD_CLIENT_ID', error: 'invalid_client' });
    expect((await codeGrant(code, { client_secret: 'wrong' })).body).toMatchObject({ status: 'BAD_CLIENT_SECRET', error: 'invalid_client' });
    expect((await codeGrant(code, { redirect_uri: 'http://localhost:42814/oauth/callback' })).body).toMatchObject({ status: 'BAD_REDIRECT_URI' });
    const bad = await exchange({ grant_type: 'refresh_token', refresh_token: 'na1-dead-beef', client_id: sb.oauthApp.clientId, client_secret: sb.oauthApp.clientSecret });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: 'invalid_grant',
      error_description: 'refresh token is invalid, expired or revoked',
      status: 'BAD_REFRESH_TOKEN',
      message: 'refresh token is invalid, expired or revoked',
      correlationId: expect.any(String),
    });
    // Revoking a refresh token (DELETE) ends refreshes; access tokens already issued keep working.
    const { body } = await codeGrant(code);
    expect((await sb.call('DELETE', `/oauth/v1/refresh-tokens/${body.refresh_token}`, { token: null })).status).toBe(204);
    expect((await exchange({ grant_type: 'refresh_token', refresh_token: body.refresh_token, client_id: sb.oauthApp.clientId, client_secret: sb.oauthApp.clientSecret })).body.status).toBe(
      'BAD_REFRESH_TOKEN',
    );
    expect((await sb.call('GET', '/crm/v3/objects/contacts', { token: body.access_token })).status).toBe(200);
  });

  it('introspects and revokes through v3, and admin revocation of a grant kills its access tokens', async () => {
    const { body } = await codeGrant((await authorize()).searchParams.get('code')!);
    const introspect = async (token: string) =>
      (await fetch(`${sb.url}/oauth/v3/token/introspect`, { method: 'POST', body: new URLSearchParams({ client_id: sb.oauthApp.clientId, client_secret: sb.oauthApp.clientSecret, token }) })).json() as Promise<
        Record<string, unknown>
      >;
    const active = await introspect(body.access_token);
    specs.oauthV3().schema('PublicAccessTokenInfoResponse', active);
    expect(active).toMatchObject({ active: true, hub_id: sb.portal.portalId, token_use: 'access_token' });
    await sb.admin('tokens/revoke', { token: body.refresh_token });
    expect(await introspect(body.access_token)).toEqual({ active: false });
    expect((await sb.call('GET', '/crm/v3/objects/contacts', { token: body.access_token })).status).toBe(401);
  });

  it('registers more OAuth apps through the admin route', async () => {
    const app = await sb.admin('oauth/apps', { name: 'Other', redirectUris: ['http://localhost:5555/cb'] });
    expect(app.body).toMatchObject({ clientId: expect.any(String), clientSecret: expect.any(String), redirectUris: ['http://localhost:5555/cb'] });
    const page = await fetch(`${sb.url}/oauth/authorize?${new URLSearchParams({ client_id: app.body.clientId, redirect_uri: 'http://localhost:5555/cb', scope: 'oauth' })}`);
    expect(page.status).toBe(200);
  });
});
