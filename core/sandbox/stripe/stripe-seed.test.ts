import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../../test/harness/stripe-sandbox.ts';
import { computeMrr, type MrrCouponInput, type MrrPriceInput, type MrrSubscriptionInput } from '../../stripe/mrr.ts';
import { seededRandom } from '../seeded-random.ts';

const companies = Array.from({ length: 120 }, (_, i) => ({ id: String(9000 + i), name: `Company ${i}`, domain: `company-${i}.example` }));
const NOW = '2027-03-15T12:00:00Z';

const open: StripeSandbox[] = [];
async function seededSandbox(seed: number) {
  const sandbox = await startStripeSandbox();
  open.push(sandbox);
  await sandbox.admin('clock', { now: NOW });
  const links = sandbox.provider.seed({ companies, random: seededRandom(seed) });
  return { sandbox, links };
}
afterEach(async () => {
  for (const sandbox of open.splice(0)) await sandbox.close();
});

describe('seed', () => {
  it('is deterministic: the same companies and random sequence give the same account', async () => {
    const a = await seededSandbox(7);
    const b = await seededSandbox(7);
    expect(b.links).toEqual(a.links);
    for (const type of ['customers', 'products', 'prices', 'coupons', 'subscriptions', 'invoices', 'events']) {
      expect(b.sandbox.provider.state(type), type).toEqual(a.sandbox.provider.state(type));
    }
    const c = await seededSandbox(8);
    expect(c.links).not.toEqual(a.links);
  });

  it('gives about 60% of companies a customer on their domain, with the mix the app must handle', async () => {
    const { sandbox, links } = await seededSandbox(7);
    expect(links.length).toBeGreaterThan(companies.length * 0.45);
    expect(links.length).toBeLessThan(companies.length * 0.75);
    const stripe = sandbox.client();
    const customers = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
    const byId = new Map(customers.map((c) => [c.id, c]));
    for (const link of links) {
      const company = companies.find((c) => c.id === link.companyId)!;
      expect(byId.get(link.customerId)!.email).toMatch(new RegExp(`@${company.domain.replace('.', '\\.')}$`));
    }
    const subscriptions = await stripe.subscriptions.list({ status: 'all', limit: 100, expand: ['data.discounts.source.coupon'] }).autoPagingToArray({ limit: 1000 });
    const statuses = new Set(subscriptions.map((s) => s.status));
    for (const status of ['active', 'trialing', 'past_due', 'canceled']) expect(statuses, status).toContain(status);
    const currencies = new Set(subscriptions.map((s) => s.currency));
    expect([...currencies].sort()).toEqual(['eur', 'jpy', 'usd']);
    const prices = subscriptions.flatMap((s) => s.items.data.map((i) => i.price));
    expect(new Set(prices.map((p) => `${p.recurring!.interval}/${p.recurring!.interval_count}`))).toEqual(new Set(['month/1', 'year/1', 'week/1', 'month/3']));
    expect(prices.some((p) => p.tiers_mode === 'volume')).toBe(true);
    expect(prices.some((p) => p.tiers_mode === 'graduated')).toBe(true);
    expect(prices.some((p) => p.recurring!.usage_type === 'metered')).toBe(true);
    expect(prices.some((p) => p.transform_quantity !== null)).toBe(true);
    const durations = new Set(subscriptions.flatMap((s) => s.discounts.map((d) => ((d as Stripe.Discount).source.coupon as Stripe.Coupon).duration)));
    expect(durations).toContain('forever');
    expect(durations).toContain('repeating');
    expect(subscriptions.some((s) => s.items.data.some((i) => (i.quantity ?? 0) > 1))).toBe(true);
    // Weekly subscriptions have renewed in the seeded month; every event is inside the 30-day window.
    const invoices = await stripe.invoices.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
    expect(invoices.some((i) => i.billing_reason === 'subscription_cycle')).toBe(true);
    const events = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    expect(events.length).toBe(sandbox.provider.state('events')!.length);
    expect(events.filter((e) => e.type === 'customer.created')).toHaveLength(links.length);
  });

  it('seeds again into the same account, reusing the catalog', async () => {
    const { sandbox, links } = await seededSandbox(7);
    const more = sandbox.provider.seed({ companies: companies.slice(0, 20).map((c) => ({ ...c, id: `x${c.id}` })), random: seededRandom(99) });
    expect(sandbox.provider.state('products')).toHaveLength(8);
    expect(new Set([...links, ...more].map((l) => l.customerId)).size).toBe(links.length + more.length);
  });
});

describe('MRR over the seeded account, read the way the mirror reads it', () => {
  it('agrees with the invoices for undiscounted monthly subscriptions, and keeps currencies apart', async () => {
    const { sandbox } = await seededSandbox(11);
    const stripe = sandbox.client();
    // Stripe leaves price tiers out unless expanded, and four levels is the limit, so tiers come from the prices list.
    const prices = await stripe.prices.list({ limit: 100, expand: ['data.tiers'] }).autoPagingToArray({ limit: 1000 });
    const coupons = await stripe.coupons.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
    const subscriptions = await stripe.subscriptions.list({ status: 'all', limit: 100, expand: ['data.discounts'] }).autoPagingToArray({ limit: 1000 });
    const stored = JSON.parse(JSON.stringify(subscriptions)) as MrrSubscriptionInput[]; // as the mirror keeps them
    const report = computeMrr(stored, {
      prices: new Map(prices.map((p) => [p.id, JSON.parse(JSON.stringify(p)) as MrrPriceInput])),
      coupons: new Map(coupons.map((c) => [c.id, c as MrrCouponInput])),
    });
    const compared: string[] = [];
    for (const subscription of subscriptions) {
      const row = report.subscriptions.find((r) => r.subscriptionId === subscription.id)!;
      expect(row.counted).toBe(subscription.status === 'active' || subscription.status === 'past_due');
      const plain = subscription.items.data.every((i) => i.price.recurring!.interval === 'month' && i.price.recurring!.interval_count === 1) && subscription.discounts.length === 0;
      if (!row.counted || !plain) continue;
      const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
      expect(row.mrrMinor, subscription.id).toBe(String(invoice.subtotal));
      compared.push(subscription.currency);
    }
    expect(compared.length).toBeGreaterThan(10);
    expect(new Set(compared)).toEqual(new Set(['usd', 'eur', 'jpy'])); // yen amounts are whole yen, compared as they are
    expect(report.totals.map((t) => t.currency)).toEqual(['eur', 'jpy', 'usd']);
  });
});
