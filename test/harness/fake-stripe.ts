import http from 'node:http';
import type { AddressInfo } from 'node:net';

const ROUTES: Record<string, string> = {
  '/v1/customers': 'rak_customer_read',
  '/v1/subscriptions': 'rak_subscription_read',
  '/v1/products': 'rak_product_read',
  '/v1/prices': 'rak_plan_read',
  '/v1/invoices': 'rak_invoice_read',
  '/v1/events': 'rak_event_read',
};

export const ALL_STRIPE_READS = Object.values(ROUTES);

/** A scripted Stripe for connection tests: list endpoints behind restricted-key permissions, with Stripe's 401/403 bodies. */
export async function startFakeStripe() {
  const keys = new Map<string, Set<string>>();
  let counter = 0;
  const server = http.createServer((req, res) => {
    const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': `req_${++counter}` });
      res.end(JSON.stringify(body));
    };
    const permissions = keys.get(key);
    if (!permissions) return send(401, { error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}` } });
    const needed = ROUTES[path];
    if (!needed) return send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (GET: ${path}).` } });
    if (!permissions.has(needed)) {
      return send(403, {
        error: {
          type: 'invalid_request_error',
          message: `The provided key '${key.slice(0, 8)}****${key.slice(-4)}' does not have the required permissions for this endpoint on account 'acct_1Fake'. Having the '${needed}' permission would allow this request to continue.`,
        },
      });
    }
    send(200, { object: 'list', data: [], has_more: false, url: path });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    createKey(permissions: readonly string[] = ALL_STRIPE_READS): string {
      const key = `rk_test_51Fake${String(++counter).padStart(4, '0')}${'x'.repeat(40)}`;
      keys.set(key, new Set(permissions));
      return key;
    },
    revoke(key: string): void {
      keys.delete(key);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
