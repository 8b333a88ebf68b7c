import Stripe from 'stripe';
import { SandboxServer } from '../../core/sandbox/sandbox-server.ts';
import { createStripeProvider, type StripeProvider } from '../../core/sandbox/stripe/stripe-provider.ts';
import { makeTempDir } from './temp-dir.ts';

export interface StripeSandbox {
  server: SandboxServer;
  provider: StripeProvider;
  url: string;
  port: number;
  /** A secret-equivalent key: a restricted key with every permission. */
  key: string;
  /** The real stripe-node client pointed at the sandbox (no retries, no telemetry). */
  client(key?: string): Stripe;
  /** POST /__sandbox/<route> with a JSON body. */
  admin(route: string, body?: unknown): Promise<Response>;
  /** A raw request to the sandbox, authenticated with `key` unless headers say otherwise. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A sandbox with only the Stripe provider, on a loopback port, in a temp folder. Rate limiting is
 * off unless `rateLimit` is given, because tests create objects faster than 25 per second.
 */
export async function startStripeSandbox(options: { rateLimit?: number | null } = {}): Promise<StripeSandbox> {
  const temp = makeTempDir('syncdesk-stripe-');
  const server = new SandboxServer({ dataDir: temp.dir, providers: (ctx) => [createStripeProvider(ctx)], random: () => 0 });
  const { url, port } = await server.listen();
  const provider = server.provider<StripeProvider>('stripe');
  provider.setRateLimit(options.rateLimit ?? null);
  const key = provider.createKey();
  return {
    server,
    provider,
    url,
    port,
    key,
    client: (k = key) => new Stripe(k, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false }),
    admin: (route, body = {}) => fetch(`${url}/__sandbox/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    fetch: (path, init = {}) => fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string> | undefined) } }),
    close: async () => {
      await server.close();
      temp.cleanup();
    },
  };
}
