import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/harness/temp-dir.ts';
import { defineMigrations } from '../store/migrations.ts';
import type { HubSpotProvider } from './hubspot/hubspot-provider.ts';
import { buildProviders, type StripeProviderLike } from './providers.ts';
import { startSandbox } from './start-sandbox.ts';
import { SandboxServer } from './sandbox-server.ts';

/** A stand-in with the Stripe provider's interface, to see exactly what the HubSpot seeder asks of it. */
function fakeStripeModule() {
  const calls: Array<{ companies: number; random: number }> = [];
  const createStripeProvider = (): StripeProviderLike => ({
    name: 'stripe',
    migrations: defineMigrations('fake-stripe', []),
    handle: (req) => (req.path.startsWith('/v1/') ? { status: 200, body: { object: 'list', data: [] } } : undefined),
    state: () => undefined,
    reset: () => {},
    seed(input) {
      calls.push({ companies: input.companies.length, random: input.random() });
      return input.companies.filter((_, i) => i % 2 === 0).map((c, i) => ({ companyId: c.id, customerId: `cus_fake${i}` }));
    },
    createKey: (permissions) => `rk_test_${(permissions ?? ['all']).join('_')}`,
  });
  return { createStripeProvider, calls };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('sandbox providers', () => {
  it('serves HubSpot and Stripe on one origin and mints Stripe keys', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    const sandbox = await startSandbox({ dataDir: temp.dir, limits: false });
    cleanups.push(() => sandbox.close());
    const key = (await (await fetch(`${sandbox.url}/__sandbox/stripe/keys`, { method: 'POST', body: JSON.stringify({ permissions: ['rak_customer_read'] }) })).json()) as { key: string };
    expect(key.key).toMatch(/^rk_test_/);
    const customers = await fetch(`${sandbox.url}/v1/customers`, { headers: { Authorization: `Bearer ${key.key}` } });
    expect(customers.status).toBe(200);
    expect((await fetch(`${sandbox.url}/crm/v3/objects/contacts`)).status).toBe(401);
  });

  it('seeds Stripe customers for part of the companies and links them through stripe_customer_id', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    const fake = fakeStripeModule();
    const server = new SandboxServer({ dataDir: temp.dir, providers: (ctx) => buildProviders(ctx, { hubspot: { limits: false }, createStripe: fake.createStripeProvider }) });
    cleanups.push(() => server.close());
    const { url } = await server.listen();
    const report = server.provider<HubSpotProvider>('hubspot').seed({ contacts: 20 });
    expect(report.stripeCustomers).toBe(3);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.companies).toBe(5);
    const companies = ((await (await fetch(`${url}/__sandbox/state/companies`)).json()) as { results: Array<{ properties: Record<string, string | null> }> }).results;
    expect(companies.filter((c) => c.properties.stripe_customer_id).map((c) => c.properties.stripe_customer_id)).toEqual(['cus_fake0', 'cus_fake1', 'cus_fake2']);
    // Both providers share the origin: Stripe's paths go to Stripe, HubSpot's to HubSpot.
    expect((await fetch(`${url}/v1/customers`)).status).toBe(200);
    expect((await fetch(`${url}/crm/v3/objects/contacts`)).status).toBe(401);
  });
});
