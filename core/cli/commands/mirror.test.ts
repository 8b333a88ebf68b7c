import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHubSpot, startFakeHubSpot } from '../../../test/harness/fake-hubspot-crm.ts';
import { startTestSandbox } from '../../../test/harness/hubspot-sandbox.ts';
import { makeTempDir } from '../../../test/harness/temp-dir.ts';
import { computeMrr, type MrrCouponInput, type MrrDiscountInput, type MrrPriceInput, type MrrSubscriptionInput } from '../../stripe/mrr.ts';
import { createStripeClient } from '../../stripe/stripe-gateway.ts';
import { runCli } from '../run-cli.ts';

let fake: FakeHubSpot;
let temp: ReturnType<typeof makeTempDir>;

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--data', temp.dir, ...argv], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stopped: new Promise(() => {}) });
  return { code, stdout, stderr };
}

beforeEach(async () => {
  fake = await startFakeHubSpot();
  temp = makeTempDir();
  const file = path.join(temp.dir, 'providers.json');
  fs.writeFileSync(file, JSON.stringify({ hubspot: { baseUrl: fake.url, token: 'pat-na1-00000000-0000-4000-8000-000000000002', tier: 'unlimited' } }));
  process.env.SYNCDESK_DEV_PROVIDERS = file;
});
afterEach(async () => {
  delete process.env.SYNCDESK_DEV_PROVIDERS;
  temp.cleanup();
  await fake.close();
});

describe('syncdesk mirror / records / mrr', () => {
  it('mirrors, lists records with search and the deleted toggle, and reports MRR totals as JSON', async () => {
    for (let id = 1; id <= 30; id++) fake.put({ id, type: 'contacts', updatedAt: Date.now() - 60_000, properties: { email: `person${id}@example.com`, firstname: id === 12 ? 'Zelda' : `P${id}` } });
    fake.put({ id: 31, type: 'contacts', archived: true, updatedAt: Date.now() - 60_000, properties: { email: 'gone@example.com' } });
    const created = await cli('workspace', 'create', '--name', 'Acme', '--json');
    const workspaceId = (JSON.parse(created.stdout) as { id: string }).id;

    const run = await cli('mirror', '--workspace', workspaceId, '--full', '--stream', 'properties', '--stream', 'contacts', '--json');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; streams: Array<{ stream: string; fetched: number; created: number; cursor: string | null }> };
    expect(result.status).toBe('succeeded');
    expect(result.streams.find((s) => s.stream === 'contacts')).toMatchObject({ created: 31 });
    expect(result.streams.find((s) => s.stream === 'contacts')!.cursor).toMatch(/^\d{4}-/);
    expect(run.stderr).toContain('contacts:');

    const listed = JSON.parse((await cli('records', 'list', '--workspace', workspaceId, '--object', 'contacts', '--search', 'zelda', '--json')).stdout) as { items: Array<{ id: string; label: string }>; total: number };
    expect(listed).toMatchObject({ total: 1, items: [{ id: '12' }] });
    const deleted = JSON.parse((await cli('records', 'list', '--workspace', workspaceId, '--object', 'contacts', '--deleted', '--json')).stdout) as { items: Array<{ id: string }> };
    expect(deleted.items.map((r) => r.id)).toEqual(['31']);

    const mrr = JSON.parse((await cli('mrr', '--workspace', workspaceId, '--json')).stdout) as { totals: unknown[]; customers: unknown[] };
    expect(mrr).toMatchObject({ totals: [], customers: [] });

    const bad = await cli('mirror', '--workspace', workspaceId, '--stream', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Unknown stream nope');
  });
});

describe('syncdesk mrr with a mirrored Stripe account', () => {
  it('reports per-customer MRR and per-currency totals that agree with what the Stripe sandbox holds', async () => {
    const sandbox = await startTestSandbox();
    try {
      await sandbox.admin('stripe/rate-limit', { enabled: false });
      // Seeded companies come with Stripe customers and subscriptions of every kind (tiers, weekly, yen, coupons, canceled…).
      sandbox.hubspot.seed({ contacts: 40 });
      const key = sandbox.stripe!.createKey();
      const stripe = createStripeClient({ baseUrl: sandbox.url, key });
      // Three customers whose MRR is worked out by hand.
      const product = await stripe.products.create({ name: 'Hand-checked plan' });
      const usdMonthly = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2_500, recurring: { interval: 'month' } });
      const eurWeekly = await stripe.prices.create({ product: product.id, currency: 'eur', unit_amount: 1_000, recurring: { interval: 'week' } });
      const eurYearly = await stripe.prices.create({ product: product.id, currency: 'eur', unit_amount: 12_345, recurring: { interval: 'year' } });
      const forever = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });
      const alpha = await stripe.customers.create({ name: 'Alpha Hand', email: 'ap@alpha-hand.example' });
      await stripe.subscriptions.create({ customer: alpha.id, items: [{ price: usdMonthly.id, quantity: 3 }], discounts: [{ coupon: forever.id }] });
      const beta = await stripe.customers.create({ name: 'Beta Hand', email: 'ap@beta-hand.example' });
      await stripe.subscriptions.create({ customer: beta.id, items: [{ price: eurWeekly.id }] });
      await stripe.subscriptions.create({ customer: beta.id, items: [{ price: eurYearly.id }] });
      const trial = await stripe.customers.create({ name: 'Trial Hand', email: 'ap@trial-hand.example' });
      await stripe.subscriptions.create({ customer: trial.id, items: [{ price: usdMonthly.id }], trial_period_days: 14 });

      const file = path.join(temp.dir, 'sandbox-providers.json');
      fs.writeFileSync(file, JSON.stringify({ hubspot: { baseUrl: sandbox.url, token: sandbox.token, tier: 'unlimited' }, stripe: { baseUrl: sandbox.url, key } }));
      process.env.SYNCDESK_DEV_PROVIDERS = file;
      const workspaceId = (JSON.parse((await cli('workspace', 'create', '--name', 'Billing', '--json')).stdout) as { id: string }).id;
      const run = await cli('mirror', '--workspace', workspaceId, '--full', '--json');
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as { status: string }).status).toBe('succeeded');

      const out = await cli('mrr', '--workspace', workspaceId, '--json');
      expect(out.code).toBe(0);
      type Amount = { currency: string; mrrMinor: string };
      const mrr = JSON.parse(out.stdout) as { totals: Amount[]; customers: Array<{ customerId: string; name: string; mrr: Amount[] }>; subscriptions: number; countedSubscriptions: number };
      const byCustomer = new Map(mrr.customers.map((c) => [c.customerId, c.mrr]));
      // 2,500 × 3 × 0.9 = 6,750 cents. Each subscription is rounded once: 1,000 × 52 / 12 = 4,333.33 → 4,333, 12,345 / 12 = 1,028.75 → 1,029.
      expect(byCustomer.get(alpha.id)).toEqual([{ currency: 'usd', mrrMinor: '6750' }]);
      expect(byCustomer.get(beta.id)).toEqual([{ currency: 'eur', mrrMinor: String(4_333 + 1_029) }]);
      // Trialing subscriptions don't count: a customer with nothing counted isn't listed.
      expect(byCustomer.has(trial.id)).toBe(false);

      // Every total is the sum of the customers listed under it, per currency, never across currencies.
      const sums = new Map<string, bigint>();
      for (const c of mrr.customers) for (const a of c.mrr) sums.set(a.currency, (sums.get(a.currency) ?? 0n) + BigInt(a.mrrMinor));
      expect(mrr.totals).toEqual([...sums].sort(([a], [b]) => a.localeCompare(b)).map(([currency, sum]) => ({ currency, mrrMinor: String(sum) })));
      expect(mrr.customers.length, 'seeded customers besides the hand-checked ones').toBeGreaterThan(2);

      // The same figures from the sandbox's own objects, read without the mirror.
      const state = async <T>(type: string) => (await sandbox.call<{ results: T[] }>('GET', `/__sandbox/state/stripe/${type}`, { token: null })).body.results;
      const live = <T extends { id: string; deleted?: boolean }>(list: T[]) => new Map(list.filter((o) => !o.deleted).map((o) => [o.id, o]));
      const subscriptions = (await state<MrrSubscriptionInput & { deleted?: boolean }>('subscriptions')).filter((x) => !x.deleted);
      const expected = computeMrr(subscriptions, {
        prices: live(await state<MrrPriceInput & { id: string; deleted?: boolean }>('prices')),
        coupons: new Map((await state<MrrCouponInput & { id: string }>('coupons')).map((c) => [c.id, c])),
        discounts: live(await state<MrrDiscountInput & { id: string; deleted?: boolean }>('discounts')),
        asOf: Math.floor(Date.now() / 1000),
      });
      expect(mrr.totals).toEqual(expected.totals);
      expect(new Map(mrr.customers.map((c) => [c.customerId, c.mrr]))).toEqual(new Map(expected.customers.filter((c) => c.totals.length > 0).map((c) => [c.customerId, c.totals])));
      expect(mrr).toMatchObject({ subscriptions: subscriptions.length, countedSubscriptions: expected.subscriptions.filter((x) => x.counted).length });
    } finally {
      await sandbox.stop();
    }
  }, 60_000);
});
