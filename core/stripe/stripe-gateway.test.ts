import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyStripeError, createStripeClient } from './stripe-gateway.ts';

let server: http.Server;
let baseUrl: string;
let reply: (req: http.IncomingMessage, res: http.ServerResponse) => void;

beforeEach(async () => {
  server = http.createServer((req, res) => reply(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const stripeError = (res: http.ServerResponse, status: number, error: Record<string, unknown>) => {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': 'req_1' });
  res.end(JSON.stringify({ error }));
};

describe('stripe client and classification', () => {
  it('reaches a local server over plain http with the key as a bearer token', async () => {
    let auth: string | undefined;
    reply = (req, res) => {
      auth = req.headers.authorization;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'cus_1', object: 'customer', email: 'a@acme.com' }));
    };
    const stripe = createStripeClient({ baseUrl, key: 'rk_test_abcdefghijkl' });
    expect((await stripe.customers.retrieve('cus_1')).id).toBe('cus_1');
    expect(auth).toBe('Bearer rk_test_abcdefghijkl');
  });

  it('names the missing permission of a restricted key', async () => {
    reply = (_req, res) =>
      stripeError(res, 403, {
        type: 'invalid_request_error',
        message: "The provided key 'rk_test_****ijkl' does not have the required permissions for this endpoint on account 'acct_1'. Having the 'rak_subscription_read' permission would allow this request to continue.",
      });
    const stripe = createStripeClient({ baseUrl, key: 'rk_test_abcdefghijkl' });
    const error = await stripe.subscriptions.list().then(
      () => undefined,
      (e: unknown) => classifyStripeError(e),
    );
    expect(error).toMatchObject({ code: 'missing_scopes', details: { permission: 'rak_subscription_read' } });
  });

  it('separates a bad key, a rate limit, an outage and an unknown object', async () => {
    const stripe = createStripeClient({ baseUrl, key: 'rk_test_abcdefghijkl' });
    const run = async () => stripe.customers.retrieve('cus_x').then(() => undefined, (e: unknown) => classifyStripeError(e));
    reply = (_req, res) => stripeError(res, 401, { type: 'invalid_request_error', message: 'Invalid API Key provided: rk_test_****ijkl' });
    expect(await run()).toMatchObject({ code: 'auth_expired' });
    reply = (_req, res) => stripeError(res, 429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests.' });
    expect(await run()).toMatchObject({ code: 'rate_limited', retryable: true });
    reply = (_req, res) => stripeError(res, 500, { type: 'api_error', message: 'Something went wrong.' });
    expect(await run()).toMatchObject({ code: 'stripe_error', retryable: true, details: { unavailable: true } });
    reply = (_req, res) => stripeError(res, 404, { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: "No such customer: 'cus_x'" });
    expect(await run()).toMatchObject({ code: 'not_found', details: { stripeCode: 'resource_missing' } });
  });
});
