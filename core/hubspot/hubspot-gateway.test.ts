import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../ports/clock.ts';
import { createMemoryLogger } from '../ports/logger.ts';
import { createHubSpotGateway, type Exchange, type HubSpotCredentials, type TokenSource } from './hubspot-gateway.ts';
import { createRequestBudget } from './request-budget.ts';
import { limitsFor } from './tiers.ts';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

let server: http.Server;
let baseUrl: string;
let handler: Handler;
const seen: Array<{ method: string; url: string; auth: string | undefined; body: string }> = [];

beforeEach(async () => {
  seen.length = 0;
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

function gatewayWith(tokens: TokenSource, timeoutMs = 2000) {
  const budget = createRequestBudget({ limits: limitsFor('pro', 'private_app'), clock: createManualClock(), sleep: async () => {} });
  return { gateway: createHubSpotGateway({ baseUrl, tokens, budget, logger: createMemoryLogger(), timeoutMs }), budget };
}

const staticToken = (accessToken = 'pat-na1-00000000-0000-4000-8000-000000000001'): TokenSource => ({
  current: async () => ({ accessToken, kind: 'private_app' }),
  rejected: async () => false,
});

describe('hubspot gateway', () => {
  it('calls through the real SDK, learns the rate-limit headers and records the exchange without credentials', async () => {
    handler = (_req, _body, res) =>
      json(res, 200, { status: 'COMPLETE', results: [{ id: '1', properties: { email: 'a@b.com' }, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', archived: false, new: true }], startedAt: '2026-01-01T00:00:00.000Z', completedAt: '2026-01-01T00:00:00.000Z' }, {
        'X-HubSpot-RateLimit-Max': '190',
        'X-HubSpot-RateLimit-Remaining': '150',
        'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
        'X-HubSpot-RateLimit-Daily': '650000',
        'X-HubSpot-RateLimit-Daily-Remaining': '600000',
      });
    const { gateway, budget } = gatewayWith(staticToken());
    const exchanges: Exchange[] = [];
    const result = await gateway.call('contacts.batch.upsert', (c) => c.crm.contacts.batchApi.upsert({ inputs: [{ id: 'a@b.com', idProperty: 'email', properties: { email: 'a@b.com' } }] }), {
      record: (e) => exchanges.push(e),
    });
    expect(result.results[0]?.id).toBe('1');
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/crm/v3/objects/contacts/batch/upsert', auth: 'Bearer pat-na1-00000000-0000-4000-8000-000000000001' });
    expect(budget.snapshot()).toMatchObject({ usedToday: 50000, dailyLimit: 650000, source: 'headers' });
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ method: 'POST', url: '/crm/v3/objects/contacts/batch/upsert', status: 200 });
    expect(exchanges[0]!.requestBody).toContain('a@b.com');
    expect(JSON.stringify(exchanges)).not.toContain('pat-na1');
    gateway.close();
  });

  it('retries once with a new token after a 401, and never loops', async () => {
    handler = (req, _body, res) => {
      if (req.headers.authorization === 'Bearer fresh') return json(res, 200, { results: [] });
      json(res, 401, { status: 'error', message: 'The OAuth token used to make this call expired 0 second(s) ago.', category: 'EXPIRED_AUTHENTICATION' });
    };
    let token = 'stale';
    let rejections = 0;
    const tokens: TokenSource = {
      current: async () => ({ accessToken: token, kind: 'oauth' }),
      rejected: async (used: HubSpotCredentials) => {
        rejections++;
        if (used.accessToken === 'stale') {
          token = 'fresh';
          return true;
        }
        return false;
      },
    };
    const { gateway } = gatewayWith(tokens);
    await gateway.call('owners', (c) => c.crm.owners.ownersApi.getPage());
    expect(seen.map((s) => s.auth)).toEqual(['Bearer stale', 'Bearer fresh']);

    token = 'revoked';
    handler = (_req, _body, res) => json(res, 401, { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' });
    seen.length = 0;
    rejections = 0;
    await expect(gateway.call('owners', (c) => c.crm.owners.ownersApi.getPage())).rejects.toMatchObject({ code: 'auth_expired' });
    expect(seen).toHaveLength(1);
    expect(rejections).toBe(1);
    gateway.close();
  });

  it('gives up on a request HubSpot never answers and records it', async () => {
    handler = () => {}; // hold forever
    const { gateway } = gatewayWith(staticToken(), 300);
    const exchanges: Exchange[] = [];
    const started = Date.now();
    await expect(
      gateway.call('contacts.batch.create', (c) => c.crm.contacts.batchApi.create({ inputs: [{ properties: { email: 'x@y.com' }, associations: [] }] }), { record: (e) => exchanges.push(e) }),
    ).rejects.toMatchObject({ code: 'hubspot_unavailable', retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(exchanges).toEqual([expect.objectContaining({ status: 0, url: '/crm/v3/objects/contacts/batch/create', error: expect.stringContaining('did not answer in time') })]);
    gateway.close();
  });

  it('turns a 429 into rate_limited and makes the budget hold back', async () => {
    handler = (_req, _body, res) => json(res, 429, { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    const { gateway, budget } = gatewayWith(staticToken());
    await expect(gateway.call('owners', (c) => c.crm.owners.ownersApi.getPage())).rejects.toMatchObject({ code: 'rate_limited', details: { policy: 'TEN_SECONDLY_ROLLING' } });
    expect(budget.snapshot().throttled).toBe(1);
    gateway.close();
  });

  it('resolves a 207 with its errors, like HubSpot\'s SDK', async () => {
    handler = (_req, _body, res) =>
      json(res, 207, {
        status: 'COMPLETE',
        results: [],
        numErrors: 1,
        errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some CONTACT objects', context: { ids: ['9'] } }],
        startedAt: '2026-01-01T00:00:00.000Z',
        completedAt: '2026-01-01T00:00:00.000Z',
      });
    const { gateway } = gatewayWith(staticToken());
    const result = await gateway.call('contacts.batch.read', (c) => c.crm.contacts.batchApi.read({ inputs: [{ id: '9' }], properties: ['email'], propertiesWithHistory: [] }));
    expect(result).toMatchObject({ numErrors: 1 });
    gateway.close();
  });

  it('calls endpoints without a typed API and classifies their failures too', async () => {
    handler = (req, _body, res) => {
      if (req.url === '/account-info/v3/details') return json(res, 200, { portalId: 123, timeZone: 'US/Eastern', uiDomain: 'app.hubspot.com', dataHostingLocation: 'na1' });
      json(res, 403, { status: 'error', message: 'missing', category: 'MISSING_SCOPES', errors: [{ message: 'x', context: { requiredGranularScopes: ['oauth'] } }] });
    };
    const { gateway } = gatewayWith(staticToken());
    expect(await gateway.request<{ portalId: number }>('account.details', { method: 'GET', path: '/account-info/v3/details' })).toMatchObject({ portalId: 123 });
    await expect(gateway.request('x', { method: 'GET', path: '/nope' })).rejects.toMatchObject({ code: 'missing_scopes', details: { scopes: ['oauth'] } });
    gateway.close();
  });
});
