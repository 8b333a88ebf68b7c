import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../test/harness/hubspot-sandbox.ts';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';
import { createStaticProviders } from '../mirror/static-providers.ts';
import type { ManualClock } from '../ports/clock.ts';
import { createStripeClient } from './stripe-gateway.ts';

let sandbox: TestSandbox | undefined;
let t: TestServices | undefined;
let providers: ReturnType<typeof createStaticProviders> | undefined;

afterEach(async () => {
  providers?.close();
  t?.cleanup();
  await sandbox?.stop();
  sandbox = t = providers = undefined;
});

/** HubSpot and Stripe sandboxes in one, seeded (companies carry stripe_customer_id), the mirror on the sandbox's clock. */
async function setup(contacts = 60) {
  sandbox = await startTestSandbox();
  // Tests create objects faster than Stripe's 25/s per endpoint.
  await sandbox.admin('stripe/rate-limit', { enabled: false });
  sandbox.hubspot.seed({ contacts });
  const key = sandbox.stripe!.createKey();
  const s = sandbox;
  const clock = { now: () => s.server.clock.now(), set() {}, advance() {} } as ManualClock;
  providers = createStaticProviders({ hubspot: { baseUrl: sandbox.url, token: sandbox.token, tier: 'unlimited' }, stripe: { baseUrl: sandbox.url, key } }, { clock });
  t = createTestServices({ clock, providers });
  const workspaceId = t.services.workspaces.create({ name: 'Billing', kind: 'sandbox' }).id;
  const stripe: Stripe = createStripeClient({ baseUrl: sandbox.url, key });
  const run = (mode: 'full' | 'incremental', streams?: string[]) => t!.services.mirror.runAndWait(workspaceId, { mode, trigger: 'cli', ...(streams ? { streams } : {}) });
  return { s, stripe, workspaceId, run, db: () => t!.services.workspaces.database(workspaceId) };
}

const STRIPE_STREAMS = ['stripe_customers', 'stripe_products', 'stripe_prices', 'stripe_coupons', 'stripe_subscriptions', 'stripe_invoices'];

/** Same ids and deleted flags as the sandbox holds, for every Stripe type; same JSON for customers. */
async function expectEqualToStripe(s: TestSandbox, db: () => import('../store/database.ts').Db): Promise<void> {
  for (const [state, type] of [
    ['customers', 'customer'],
    ['products', 'product'],
    ['prices', 'price'],
    ['coupons', 'coupon'],
    ['subscriptions', 'subscription'],
    ['invoices', 'invoice'],
  ] as const) {
    const remote = (await s.call<{ results: Array<{ id: string; deleted?: boolean }> }>('GET', `/__sandbox/state/stripe/${state}`, { token: null })).body.results;
    const local = db().prepare('select id, deleted, data from stripe_objects where type = ?').all(type) as Array<{ id: string; deleted: number; data: string }>;
    expect(local.map((r) => `${r.id}:${r.deleted}`).sort(), state).toEqual(remote.map((r) => `${r.id}:${r.deleted ? 1 : 0}`).sort());
    if (type === 'customer') {
      const byId = new Map(local.map((r) => [r.id, JSON.parse(r.data) as unknown]));
      for (const customer of remote.filter((c) => !c.deleted)) expect(byId.get(customer.id)).toEqual(customer);
    }
  }
}

describe('Stripe mirror against the sandbox', () => {
  it('lists everything, then catches up through events (creates, updates, deletes), equal to the sandbox each time', async () => {
    const { s, stripe, run, db } = await setup();
    const full = await run('full', STRIPE_STREAMS);
    expect(full.streams.filter((x) => x.status !== 'succeeded')).toEqual([]);
    expect(full.streams.find((x) => x.stream === 'stripe_customers')!.fetched).toBeGreaterThanOrEqual(5);
    await expectEqualToStripe(s, db);

    const created = await stripe.customers.create({ email: 'new@newco.example', name: 'New Co' });
    const existing = (db().prepare("select id from stripe_objects where type = 'customer' and deleted = 0 order by id limit 2").pluck().all() as string[]);
    await stripe.customers.update(existing[0]!, { name: 'Renamed by the test' });
    await stripe.customers.del(existing[1]!);
    const product = await stripe.products.create({ name: 'Extra seat' });
    const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 900, recurring: { interval: 'month' } });
    await stripe.subscriptions.create({ customer: created.id, items: [{ price: price.id, quantity: 3 }] });

    const incremental = await run('incremental', STRIPE_STREAMS);
    expect(incremental.streams.every((x) => x.mode === 'incremental' && x.status === 'succeeded')).toBe(true);
    const customers = incremental.streams.find((x) => x.stream === 'stripe_customers')!;
    expect(customers).toMatchObject({ created: 1, updated: 1, deleted: 1 });
    await expectEqualToStripe(s, db);
  });

  it('falls back to a full list when the cursor is older than the 30 days Stripe keeps events', async () => {
    const { s, run } = await setup(20);
    await run('full', STRIPE_STREAMS);
    await s.admin('clock', { advanceMs: 31 * 86_400_000 });
    const late = await run('incremental', STRIPE_STREAMS);
    for (const stream of late.streams) {
      expect(stream.mode).toBe('full');
      expect(stream.warning).toMatch(/more than 30 days/);
    }
  });

  it('computes MRR per subscription, customer and currency, and links customers to companies by property or email domain', async () => {
    const { stripe, run, db, workspaceId, s } = await setup(40);
    // A company with no Stripe id, whose domain is the new customer's email domain.
    const company = (await s.call<{ id: string }>('POST', '/crm/v3/objects/companies', { body: { properties: { name: 'Widgets Ltd', domain: 'widgets-ltd.example' } } })).body;
    const customer = await stripe.customers.create({ email: 'billing@widgets-ltd.example', name: 'Widgets Ltd billing' });
    const product = await stripe.products.create({ name: 'Platform' });
    const yearly = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 120_000, recurring: { interval: 'year' } });
    const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'forever' });
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: yearly.id, quantity: 2 }], discounts: [{ coupon: coupon.id }] });
    // Stripe keeps one currency per customer: the yen plan bills a second customer of the same company.
    const japan = await stripe.customers.create({ email: 'jp@widgets-ltd.example', name: 'Widgets Japan' });
    const yen = await stripe.prices.create({ product: product.id, currency: 'jpy', unit_amount: 5_000, recurring: { interval: 'month' } });
    await stripe.subscriptions.create({ customer: japan.id, items: [{ price: yen.id }] });

    await run('full');
    // 120,000 × 2 / 12 × 0.75 = 15,000 cents; ¥5,000 a month. Currencies never add up (see core/stripe/mrr.test.ts for the rules' worked examples).
    const mrr = db().prepare('select currency, mrr_minor from stripe_mrr where subscription_id = ?').get(subscription.id) as { currency: string; mrr_minor: number };
    expect(mrr).toEqual({ currency: 'usd', mrr_minor: 15_000 });
    const record = t!.services.records.get(workspaceId, 'companies', company.id);
    expect(record.billing).toEqual(
      [customer.id, japan.id].sort().map((customerId) => expect.objectContaining({ customerId, method: 'domain' })),
    );
    expect(record.mrr).toEqual([
      { currency: 'jpy', mrrMinor: '5000' },
      { currency: 'usd', mrrMinor: '15000' },
    ]);

    // The seeded companies carry stripe_customer_id: those links are by property, and both ways.
    const byProperty = db().prepare("select customer_id, company_id from mirror_links where method = 'property' limit 1").get() as { customer_id: string; company_id: string };
    expect(byProperty).toBeDefined();
    const page = t!.services.billing.customers(workspaceId, { limit: 500 });
    expect(page.items.find((c) => c.id === byProperty.customer_id)!.company).toMatchObject({ id: byProperty.company_id, method: 'property' });

    const summary = await t!.services.billing.summary(workspaceId);
    const sumOf = (currency: string) => (db().prepare('select coalesce(sum(mrr_minor), 0) from stripe_mrr where counted = 1 and currency = ?').pluck().get(currency) as number).toString();
    expect(summary.totals).toEqual(summary.totals.map((x) => ({ currency: x.currency, mrrMinor: sumOf(x.currency) })));
    expect(summary.totals.find((x) => x.currency === 'jpy')!.mrrMinor).toBe('5000');
  });

  it('resyncs one customer from Stripe: the local copy takes the change, and nothing else is fetched or touched', async () => {
    const { s, stripe, run, db, workspaceId } = await setup(20);
    await run('full', STRIPE_STREAMS);
    await expectEqualToStripe(s, db);
    const [target, other] = db().prepare("select id from stripe_objects where type = 'customer' and deleted = 0 order by id limit 2").pluck().all() as string[];
    await stripe.customers.update(target!, { name: 'Resynced Co', email: 'billing@resynced.example' });
    // Changed in Stripe too, but not resynced: it must stay as mirrored.
    await stripe.customers.update(other!, { name: 'Not resynced' });
    const before = new Map((db().prepare('select type, id, data, synced_at from stripe_objects').all() as Array<{ type: string; id: string; data: string; synced_at: number }>).map((r) => [`${r.type}/${r.id}`, r]));

    // Every request the mirror's own Stripe client makes from here on.
    const requests: string[] = [];
    (await providers!.stripe(workspaceId))!.on('request', (event: { method: string; path: string }) => requests.push(`${event.method} ${event.path}`));
    const result = await t!.services.mirror.resync(workspaceId, { provider: 'stripe', objectType: 'customer', id: target! });
    expect(result).toEqual({ provider: 'stripe', objectType: 'customer', id: target!, outcome: 'updated' });
    expect(requests).toEqual([`GET /v1/customers/${target}`]);

    const remote = (await s.call<{ results: Array<{ id: string }> }>('GET', '/__sandbox/state/stripe/customers', { token: null })).body.results;
    const row = (id: string) => db().prepare("select data, label, search from stripe_objects where type = 'customer' and id = ?").get(id) as { data: string; label: string; search: string };
    expect(JSON.parse(row(target!).data)).toEqual(remote.find((c) => c.id === target));
    expect(row(target!)).toMatchObject({ label: 'Resynced Co', search: expect.stringContaining('billing@resynced.example') });
    expect(JSON.parse(row(other!).data)).not.toMatchObject({ name: 'Not resynced' });
    // Every other object is byte for byte as it was, not even re-stamped.
    const after = db().prepare('select type, id, data, synced_at from stripe_objects').all() as Array<{ type: string; id: string; data: string; synced_at: number }>;
    expect(after).toHaveLength(before.size);
    for (const r of after) if (r.id !== target) expect(r, `${r.type}/${r.id}`).toEqual(before.get(`${r.type}/${r.id}`));

    // Recorded as a resync run of its own, one object fetched.
    const last = t!.services.mirror.runs(workspaceId, { limit: 1, errorsOnly: false }).items[0]!;
    expect(last).toMatchObject({ mode: 'resync', status: 'succeeded', fetched: 1, updated: 1, created: 0, deleted: 0 });
    expect(last.streams).toEqual([expect.objectContaining({ stream: 'stripe_customers', mode: 'resync', fetched: 1, updated: 1 })]);

    // Again, with nothing new in Stripe: unchanged.
    expect((await t!.services.mirror.resync(workspaceId, { provider: 'stripe', objectType: 'customer', id: target! })).outcome).toBe('unchanged');
  });

  it('skips a Stripe stream whose permission is missing, naming it', async () => {
    const { s } = await setup(20);
    const limited = s.stripe!.createKey(['rak_customer_read', 'rak_event_read']);
    providers!.close();
    providers = createStaticProviders({ stripe: { baseUrl: s.url, key: limited } });
    t!.cleanup();
    t = createTestServices({ providers });
    const workspaceId = t.services.workspaces.create({ name: 'Limited', kind: 'sandbox' }).id;
    const result = await t.services.mirror.runAndWait(workspaceId, { mode: 'full', trigger: 'cli', streams: ['stripe_customers', 'stripe_invoices'] });
    expect(result.streams.find((x) => x.stream === 'stripe_customers')!.status).toBe('succeeded');
    const invoices = result.streams.find((x) => x.stream === 'stripe_invoices')!;
    expect(invoices.status).toBe('skipped');
    expect(invoices.warning).toContain('rak_invoice_read');
  });
});
