import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOAuthTokenClient, isFinalTokenError } from './oauth-token-client.ts';

let server: http.Server;
let baseUrl: string;
let reply: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
const seen: Array<{ method: string; url: string; type: string | undefined; body: string }> = [];

beforeEach(async () => {
  seen.length = 0;
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, type: req.headers['content-type'], body });
      reply(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8' });
  res.end(JSON.stringify(body));
};
const credentials = { clientId: 'cid', clientSecret: 'csecret-123456' };

describe('oauth token client', () => {
  it('exchanges a code form-encoded with the PKCE verifier, as HubSpot requires', async () => {
    reply = (_req, _body, res) => json(res, 200, { token_type: 'bearer', refresh_token: 'na1-aaaa-bbbb-cccc-dddd-eeeeeeeeeeee', access_token: 'CNaccess', expires_in: 1800, hub_id: 42, scopes: ['oauth'] });
    const tokens = await createOAuthTokenClient({ baseUrl }).exchangeCode({ ...credentials, code: 'c1', redirectUri: 'http://localhost:42813/oauth/callback', codeVerifier: 'v'.repeat(43) });
    expect(tokens).toEqual({ accessToken: 'CNaccess', refreshToken: 'na1-aaaa-bbbb-cccc-dddd-eeeeeeeeeeee', expiresIn: 1800, hubId: 42, scopes: ['oauth'] });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/oauth/v1/token', type: 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'cid',
      client_secret: 'csecret-123456',
      redirect_uri: 'http://localhost:42813/oauth/callback',
      code: 'c1',
      code_verifier: 'v'.repeat(43),
    });
  });

  it('marks BAD_REFRESH_TOKEN and a wrong client secret final, and outages retryable', async () => {
    const client = createOAuthTokenClient({ baseUrl });
    const refresh = () => client.refresh({ ...credentials, refreshToken: 'na1-x' }).then(() => undefined, (e: unknown) => e);

    reply = (_req, _body, res) => json(res, 400, { error: 'invalid_grant', error_description: 'refresh token is invalid, expired or revoked', status: 'BAD_REFRESH_TOKEN', message: 'refresh token is invalid, expired or revoked' });
    const revoked = await refresh();
    expect(revoked).toMatchObject({ code: 'auth_expired', retryable: false, details: { tokenStatus: 'BAD_REFRESH_TOKEN', final: true } });
    expect(isFinalTokenError(revoked)).toBe(true);

    reply = (_req, _body, res) => json(res, 400, { error: 'invalid_client', status: 'BAD_CLIENT_SECRET', message: 'missing or invalid client_secret' });
    expect(await refresh()).toMatchObject({ code: 'unauthorized', details: { final: true } });

    reply = (_req, _body, res) => json(res, 503, { status: 'error', message: 'unavailable' });
    const outage = await refresh();
    expect(outage).toMatchObject({ code: 'hubspot_unavailable', retryable: true, details: { final: false } });
    expect(isFinalTokenError(outage)).toBe(false);

    reply = (req) => req.socket.destroy();
    expect(await refresh()).toMatchObject({ retryable: true, details: { final: false } });
  });

  it('reports a refused code as a code problem, never keeping the secret in the details', async () => {
    reply = (_req, _body, res) => json(res, 400, { error: 'invalid_grant', status: 'BAD_AUTH_CODE', message: 'missing or unknown auth code' });
    const error = await createOAuthTokenClient({ baseUrl })
      .exchangeCode({ ...credentials, code: 'c', redirectUri: 'http://localhost:1/oauth/callback', codeVerifier: 'v' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('Start the connection again') });
    expect(JSON.stringify(error)).not.toContain('csecret');
  });

  it('revokes a refresh token, and treats an unknown one as already revoked', async () => {
    reply = (req, _body, res) => {
      res.writeHead(req.url?.endsWith('gone') ? 404 : 204, { 'Content-Type': 'application/json' });
      res.end(req.url?.endsWith('gone') ? '{"status":"error","message":"not found"}' : undefined);
    };
    const client = createOAuthTokenClient({ baseUrl });
    await client.revokeRefreshToken('na1-live');
    await client.revokeRefreshToken('gone');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['DELETE /oauth/v1/refresh-tokens/na1-live', 'DELETE /oauth/v1/refresh-tokens/gone']);
  });
});
