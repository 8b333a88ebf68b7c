import fs from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../../test/harness/stripe-sandbox.ts';

// Driven with the real stripe-node 23.1.0 client, as the mirror will use it.

let sandbox: StripeSandbox;
let stripe: Stripe;
beforeEach(async () => {
  sandbox = await startStripeSandbox();
  stripe = sandbox.client();
});
afterEach(async () => {
  await sandbox.close();
});

/** The error a call fails with (fails the test if it succeeds). */
async function failure(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await call;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

async function monthlyPrice(amount = 2000, currency = 'usd') {
  const product = await stripe.products.create({ name: 'Pro' });
  return stripe.prices.create({ product: product.id, currency, unit_amount: amount, recurring: { interval: 'month' } });
}

describe('object shapes', () => {
  it("matches Stripe's own example objects, key for key, at API version 2026-10-28.endive", async () => {
    const fixtures = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../..', 'shared', 'reference', 'stripe', 'fixtures3.json'), 'utf8')).resources;
    const customer = await stripe.customers.create({ email: 'ops@acme.test' });
    const price = await monthlyPrice();
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: coupon.id }], expand: ['discounts'] });
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    const [event] = (await stripe.events.list({ limit: 1 })).data;
    const product = await stripe.products.retrieve(price.product as string);
    // Keys the SDK's types have at this version that the (older) fixtures lack, and the other way round.
    const newer: Record<string, string[]> = { customer: ['customer_account'], product: ['tax_details'], subscription_item: ['current_trial'] };
    const removed: Record<string, string[]> = { invoice: ['subscription'] };
    const objects: Record<string, object> = {
      customer: await stripe.customers.retrieve(customer.id),
      product,
      price,
      coupon,
      subscription,
      subscription_item: subscription.items.data[0]!,
      plan: subscription.items.data[0]!.plan,
      discount: subscription.discounts[0] as object,
      invoice,
      line_item: invoice.lines.data[0]!,
      event: event!,
    };
    for (const [name, object] of Object.entries(objects)) {
      const expected = [...Object.keys(fixtures[name]).filter((k) => !removed[name]?.includes(k)), ...(newer[name] ?? [])].sort();
      // stripe-node adds `lastResponse` to what it returns; it is not part of the object.
      expect(Object.keys(object).filter((k) => k !== 'lastResponse').sort(), name).toEqual(expected);
    }
  });

  it('keeps billing periods on items, coupons under discount.source, and the invoice’s subscription under parent', async () => {
    const customer = await stripe.customers.create({ email: 'ops@acme.test' });
    const price = await monthlyPrice(2500);
    const coupon = await stripe.coupons.create({ id: 'TENOFF', amount_off: 1000, currency: 'usd', duration: 'once' });
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id, quantity: 2 }], discounts: [{ coupon: 'TENOFF' }], expand: ['discounts.source.coupon'] });
    expect(subscription).not.toHaveProperty('current_period_end');
    const [item] = subscription.items.data;
    expect(item!.current_period_end - item!.current_period_start).toBeGreaterThanOrEqual(28 * 86_400);
    expect(item!.price.id).toBe(price.id);
    expect(item!.plan.amount).toBe(2500);
    expect(((subscription.discounts[0] as Stripe.Discount).source.coupon as Stripe.Coupon).id).toBe(coupon.id);
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(invoice).toMatchObject({ billing_reason: 'subscription_create', status: 'paid', subtotal: 5000, total: 4000, amount_paid: 4000, total_taxes: [] });
    expect(invoice.total_discount_amounts).toEqual([{ amount: 1000, discount: subscription.discounts[0] && (subscription.discounts[0] as Stripe.Discount).id }]);
    expect(invoice.lines.data[0]).toMatchObject({ amount: 5000, quantity: 2, description: '2 × Pro (at $25.00 / month)', subscription: subscription.id });
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ currency: 'usd', next_invoice_sequence: 2 });
  });
});

describe('CRUD', () => {
  it('creates, reads, updates and deletes customers; a deleted customer reads as its stub', async () => {
    const created = await stripe.customers.create({ email: 'ap@globex.test', name: 'Globex', metadata: { tier: 'gold', region: 'eu' } });
    expect(created).toMatchObject({ object: 'customer', email: 'ap@globex.test', name: 'Globex', metadata: { tier: 'gold', region: 'eu' }, livemode: false });
    expect(created.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    const updated = await stripe.customers.update(created.id, { name: 'Globex Corp', metadata: { tier: '', plan: 'pro' } });
    expect(updated.metadata).toEqual({ region: 'eu', plan: 'pro' });
    expect(await stripe.customers.del(created.id)).toMatchObject({ id: created.id, object: 'customer', deleted: true });
    expect(await stripe.customers.retrieve(created.id)).toMatchObject({ id: created.id, deleted: true });
    expect((await stripe.customers.list()).data).toEqual([]);
  });

  it('deleting a customer cancels its subscriptions', async () => {
    const customer = await stripe.customers.create({});
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await monthlyPrice()).id }] });
    await stripe.customers.del(customer.id);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
  });

  it('prices: per-unit, tiered (tiers only when expanded), transform_quantity, one-time; lists active ones by default', async () => {
    const product = await stripe.products.create({ name: 'Seats' });
    const tiered = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      billing_scheme: 'tiered',
      tiers_mode: 'volume',
      tiers: [
        { up_to: 10, unit_amount: 1000 },
        { up_to: 'inf', unit_amount_decimal: Stripe.Decimal.from('750.5'), flat_amount: 100 },
      ],
      recurring: { interval: 'year', interval_count: 1 },
    });
    expect(tiered).not.toHaveProperty('tiers');
    expect(tiered).toMatchObject({ billing_scheme: 'tiered', tiers_mode: 'volume', unit_amount: null, unit_amount_decimal: null, type: 'recurring' });
    const withTiers = await stripe.prices.retrieve(tiered.id, { expand: ['tiers'] });
    expect(withTiers.tiers!.map((t) => [t.up_to, t.unit_amount, String(t.unit_amount_decimal), t.flat_amount])).toEqual([
      [10, 1000, '1000', null],
      [null, null, '750.5', 100],
    ]);
    const packs = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 500, transform_quantity: { divide_by: 10, round: 'up' }, recurring: { interval: 'week', interval_count: 2 } });
    expect(packs).toMatchObject({ transform_quantity: { divide_by: 10, round: 'up' }, recurring: { interval: 'week', interval_count: 2, usage_type: 'licensed', meter: null } });
    const once = await stripe.prices.create({ product: product.id, currency: 'jpy', unit_amount: 5000 });
    expect(once).toMatchObject({ type: 'one_time', recurring: null, currency: 'jpy' });
    await stripe.prices.update(once.id, { active: false });
    expect((await stripe.prices.list()).data.map((p) => p.id)).toEqual([packs.id, tiered.id]);
    expect((await stripe.prices.list({ active: false })).data.map((p) => p.id)).toEqual([once.id]);
    expect((await stripe.prices.list({ product: product.id, type: 'recurring', recurring: { interval: 'week' } })).data.map((p) => p.id)).toEqual([packs.id]);
  });

  it('metered prices need a meter; metered items take no quantity', async () => {
    const product = await stripe.products.create({ name: 'API calls' });
    const noMeter = await failure(stripe.prices.create({ product: product.id, currency: 'usd', unit_amount_decimal: Stripe.Decimal.from('0.25'), recurring: { interval: 'month', usage_type: 'metered' } }));
    expect(noMeter).toMatchObject({ statusCode: 400, param: 'recurring[meter]' });
    const metered = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount_decimal: Stripe.Decimal.from('0.25'), recurring: { interval: 'month', usage_type: 'metered', meter: 'mtr_123' } });
    const customer = await stripe.customers.create({});
    const refused = await failure(stripe.subscriptions.create({ customer: customer.id, items: [{ price: metered.id, quantity: 3 }] }));
    expect(refused).toMatchObject({ statusCode: 400, message: 'You cannot set the quantity for metered plans.', param: 'items[0][quantity]' });
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: metered.id }] });
    expect(subscription.items.data[0]).not.toHaveProperty('quantity');
  });

  it('coupons: forever, once, repeating; percent or amount with currency; delete', async () => {
    const forever = await stripe.coupons.create({ duration: 'forever', percent_off: 12.5, name: 'Loyalty' });
    expect(forever).toMatchObject({ object: 'coupon', duration: 'forever', percent_off: 12.5, amount_off: null, currency: null, valid: true, times_redeemed: 0 });
    expect(forever.id).toMatch(/^[A-Z0-9]{8}$/);
    const repeating = await stripe.coupons.create({ id: 'Q3-PROMO', duration: 'repeating', duration_in_months: 3, amount_off: 500, currency: 'EUR' });
    expect(repeating).toMatchObject({ id: 'Q3-PROMO', duration_in_months: 3, amount_off: 500, currency: 'eur' });
    expect(await failure(stripe.coupons.create({ duration: 'repeating', percent_off: 5 }))).toMatchObject({ param: 'duration_in_months', code: 'parameter_missing' });
    expect(await failure(stripe.coupons.create({ amount_off: 100, duration: 'once' }))).toMatchObject({ param: 'currency' });
    expect(await stripe.coupons.del(forever.id)).toEqual(expect.objectContaining({ id: forever.id, deleted: true }));
    expect((await stripe.coupons.list()).data.map((c) => c.id)).toEqual(['Q3-PROMO']);
  });

  it('a customer bills in one currency at a time', async () => {
    const customer = await stripe.customers.create({});
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await monthlyPrice(2000, 'usd')).id }] });
    const error = await failure(stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await monthlyPrice(1800, 'eur')).id }] }));
    expect(error.message).toMatch(/You cannot combine currencies on a single customer.*currency usd/);
  });
});

describe('lists', () => {
  it('pages newest first, forwards with starting_after and backwards with ending_before', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await stripe.customers.create({ email: `c${i}@acme.test` })).id);
    const newestFirst = [...ids].reverse();
    const first = await stripe.customers.list();
    expect(first).toMatchObject({ object: 'list', url: '/v1/customers', has_more: true });
    expect(first.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 10));
    const second = await stripe.customers.list({ limit: 10, starting_after: first.data.at(-1)!.id });
    expect(second.data.map((c) => c.id)).toEqual(newestFirst.slice(10, 20));
    const last = await stripe.customers.list({ limit: 10, starting_after: second.data.at(-1)!.id });
    expect(last.data.map((c) => c.id)).toEqual(newestFirst.slice(20));
    expect(last.has_more).toBe(false);
    const back = await stripe.customers.list({ limit: 10, ending_before: last.data[0]!.id });
    expect(back.data.map((c) => c.id)).toEqual(newestFirst.slice(10, 20));
    expect(back.has_more).toBe(true);
    const top = await stripe.customers.list({ limit: 10, ending_before: newestFirst[5] });
    expect(top.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 5));
    expect(top.has_more).toBe(false);
    expect((await stripe.customers.list({ limit: 7 }).autoPagingToArray({ limit: 100 })).map((c) => c.id)).toEqual(newestFirst);
    expect((await stripe.customers.list({ email: 'c3@acme.test' })).data.map((c) => c.id)).toEqual([ids[3]]);
  });

  it('refuses a limit outside 1–100 and an unknown cursor', async () => {
    expect(await failure(stripe.customers.list({ limit: 101 }))).toMatchObject({ statusCode: 400, param: 'limit', message: 'Invalid limit: must be between 1 and 100' });
    expect(await failure(stripe.customers.list({ limit: 0 }))).toMatchObject({ statusCode: 400, param: 'limit' });
    expect(await failure(stripe.customers.list({ starting_after: 'cus_gone' }))).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'starting_after' });
  });

  it('filters by created range', async () => {
    const early = await stripe.customers.create({});
    await sandbox.admin('clock', { advanceMs: 3600_000 });
    const late = await stripe.customers.create({});
    expect((await stripe.customers.list({ created: { gt: early.created } })).data.map((c) => c.id)).toEqual([late.id]);
    expect((await stripe.customers.list({ created: { lte: early.created } })).data.map((c) => c.id)).toEqual([early.id]);
    expect((await stripe.customers.list({ created: late.created })).data.map((c) => c.id)).toEqual([late.id]);
  });
});

describe('expand', () => {
  it('expands customer, discounts, items.data.price.product on objects and data.… on lists, up to four levels', async () => {
    const customer = await stripe.customers.create({ email: 'cfo@initech.test' });
    const price = await monthlyPrice();
    const coupon = await stripe.coupons.create({ percent_off: 20, duration: 'forever' });
    const { id } = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: coupon.id }] });
    const plain = await stripe.subscriptions.retrieve(id);
    expect(typeof plain.customer).toBe('string');
    expect(typeof plain.discounts[0]).toBe('string');
    expect(typeof plain.items.data[0]!.price.product).toBe('string');
    const expanded = await stripe.subscriptions.retrieve(id, { expand: ['customer', 'discounts', 'items.data.price.product', 'latest_invoice'] });
    expect((expanded.customer as Stripe.Customer).email).toBe('cfo@initech.test');
    expect((expanded.discounts[0] as Stripe.Discount).object).toBe('discount');
    expect((expanded.items.data[0]!.price.product as Stripe.Product).name).toBe('Pro');
    expect((expanded.latest_invoice as Stripe.Invoice).object).toBe('invoice');
    const list = await stripe.subscriptions.list({ expand: ['data.customer', 'data.items.data.price', 'data.discounts.source.coupon'] });
    expect((list.data[0]!.customer as Stripe.Customer).id).toBe(customer.id);
    expect(((list.data[0]!.discounts[0] as Stripe.Discount).source.coupon as Stripe.Coupon).percent_off).toBe(20);
    const tooDeep = await failure(stripe.subscriptions.list({ expand: ['data.items.data.price.product'] }));
    expect(tooDeep).toMatchObject({ statusCode: 400, message: 'You cannot expand more than 4 levels of a property. Property: data.items.data.price.product' });
    expect(await failure(stripe.subscriptions.retrieve(id, { expand: ['description'] }))).toMatchObject({ statusCode: 400, message: 'This property cannot be expanded (description).' });
    expect(await failure(stripe.subscriptions.list({ expand: ['customer'] }))).toMatchObject({ statusCode: 400, message: 'This property cannot be expanded (customer).' });
  });

  it('expanding needs read permission on what is expanded', async () => {
    const customer = await stripe.customers.create({});
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await monthlyPrice()).id }] });
    const limited = sandbox.client(sandbox.provider.createKey(['rak_subscription_read']));
    expect((await limited.subscriptions.retrieve(subscription.id)).id).toBe(subscription.id);
    const error = await failure(limited.subscriptions.retrieve(subscription.id, { expand: ['customer'] }));
    expect(error).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(error.message).toContain("Having the 'rak_customer_read' permission would allow this request to continue.");
  });
});

describe('form bodies', () => {
  it("reads Stripe's bracket syntax, indexed or with [], and Basic auth", async () => {
    const price = await monthlyPrice(1500);
    const customer = await stripe.customers.create({ email: 'x@hooli.test' });
    const body = `customer=${customer.id}&items[0][price]=${price.id}&items[0][quantity]=3&items[0][metadata][seat]=ops&metadata[deal]=42&expand[]=customer&expand[]=latest_invoice`;
    const response = await fetch(`${sandbox.url}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${sandbox.key}:`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(response.status).toBe(200);
    const subscription = (await response.json()) as Stripe.Subscription;
    expect(subscription.metadata).toEqual({ deal: '42' });
    expect(subscription.items.data[0]).toMatchObject({ quantity: 3, metadata: { seat: 'ops' } });
    expect((subscription.customer as Stripe.Customer).email).toBe('x@hooli.test');
    expect((subscription.latest_invoice as Stripe.Invoice).total).toBe(4500);
    const encoded = await sandbox.fetch(`/v1/customers?${encodeURIComponent('created[gte]')}=0&limit=1`);
    expect(((await encoded.json()) as { data: unknown[] }).data).toHaveLength(1);
  });
});

describe('errors', () => {
  it('404: resource_missing with Stripe’s body, Request-Id and Stripe-Version', async () => {
    const response = await sandbox.fetch('/v1/customers/cus_missing');
    expect(response.status).toBe(404);
    const requestId = response.headers.get('request-id')!;
    expect(requestId).toMatch(/^req_[A-Za-z0-9]{14}$/);
    expect(response.headers.get('stripe-version')).toBe('2026-10-28.endive');
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body).toEqual({
      error: {
        code: 'resource_missing',
        doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
        message: "No such customer: 'cus_missing'",
        param: 'id',
        request_log_url: expect.stringMatching(new RegExp(`^https://dashboard\\.stripe\\.com/test/logs/${requestId}\\?t=\\d+$`)),
        type: 'invalid_request_error',
      },
    });
    const sdkError = await failure(stripe.customers.retrieve('cus_missing'));
    expect(sdkError).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(sdkError).toMatchObject({ statusCode: 404, code: 'resource_missing', requestId: expect.stringMatching(/^req_/) });
    const unknownUrl = await sandbox.fetch('/v1/customerz');
    expect(unknownUrl.status).toBe(404);
    expect(((await unknownUrl.json()) as { error: { message: string } }).error.message).toBe(
      'Unrecognized request URL (GET: /v1/customerz). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.',
    );
  });

  it('400: unknown, missing and malformed parameters are named', async () => {
    const unknown = await sandbox.fetch('/v1/customers', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a@b.test&favorite_color=red' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: object }).error).toMatchObject({ code: 'parameter_unknown', param: 'favorite_color', message: 'Received unknown parameter: favorite_color' });
    const nested = await sandbox.fetch('/v1/subscriptions', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'customer=cus_x&items[0][prize]=p' });
    expect(((await nested.json()) as { error: object }).error).toMatchObject({ code: 'parameter_unknown', param: 'items[0][prize]' });
    expect(await failure(stripe.subscriptions.create({ items: [{ price: 'price_x' }] } as Stripe.SubscriptionCreateParams))).toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'customer',
      message: 'Missing required param: customer.',
    });
    const badInteger = await sandbox.fetch('/v1/customers?limit=ten');
    expect(((await badInteger.json()) as { error: object }).error).toMatchObject({ code: 'parameter_invalid_integer', param: 'limit', message: 'Invalid integer: ten' });
    expect(await failure(stripe.customers.create({ email: 'not-an-email' }))).toMatchObject({ code: 'email_invalid', param: 'email' });
    const customer = await stripe.customers.create({});
    expect(await failure(stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_nope' }] }))).toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'items[0][price]',
      message: "No such price: 'price_nope'",
    });
  });

  it('401 without a key or with an unknown one', async () => {
    const none = await fetch(`${sandbox.url}/v1/customers`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/^You did not provide an API key/);
    const wrong = await failure(sandbox.client('sk_test_51NotAKeyAtAll0000000000000000000000wxyz').customers.list());
    expect(wrong).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(wrong.message).toMatch(/^Invalid API Key provided: sk_test_\*+wxyz$/);
  });

  it('403: a restricted key is told which permission is missing, the way Stripe words it', async () => {
    const readOnly = sandbox.client(sandbox.provider.createKey(['rak_customer_read']));
    await readOnly.customers.list();
    const write = await failure(readOnly.customers.create({ email: 'a@b.test' }));
    expect(write).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(write).toMatchObject({ statusCode: 403, type: 'StripePermissionError', rawType: 'invalid_request_error' });
    expect(write.message).toMatch(
      /^The provided key 'rk_test_\*+[A-Za-z0-9]{6}' does not have the required permissions for this endpoint on account 'acct_[A-Za-z0-9]+'\. Having the 'rak_customer_write' permission would allow this request to continue\.$/,
    );
    expect((await failure(readOnly.events.list())).message).toContain("'rak_event_read'");
    expect((await failure(readOnly.prices.list())).message).toContain("'rak_plan_read'");
    const writer = sandbox.client(sandbox.provider.createKey(['customer_write']));
    expect((await writer.customers.list()).object).toBe('list'); // write includes read
    const secret = ((await (await sandbox.admin('stripe/keys', { secret: true })).json()) as { key: string }).key;
    expect(secret).toMatch(/^sk_test_51/);
    expect((await sandbox.client(secret).events.list()).object).toBe('list');
  });

  it('429: 25 requests a second per endpoint, with Stripe’s rate_limit error; lock_timeout for a locked object', async () => {
    sandbox.provider.setRateLimit(25);
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => stripe.customers.list({ limit: 1 }).then(() => 200, (e: Stripe.errors.StripeError) => e)));
    const limited = outcomes.filter((o): o is Stripe.errors.StripeError => o !== 200);
    expect(outcomes.filter((o) => o === 200).length).toBe(25);
    expect(limited[0]).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(limited[0]).toMatchObject({ statusCode: 429, code: 'rate_limit', rawType: 'invalid_request_error', doc_url: 'https://stripe.com/docs/error-codes/rate-limit' });
    expect((await stripe.products.list()).object).toBe('list'); // another endpoint has its own budget
    sandbox.provider.setRateLimit(null);
    const customer = await stripe.customers.create({});
    await sandbox.admin('stripe/locks', { ids: [customer.id] });
    const locked = await failure(stripe.customers.update(customer.id, { name: 'x' }));
    expect(locked).toMatchObject({ statusCode: 429, code: 'lock_timeout' });
    await sandbox.admin('stripe/locks', { ids: [] });
    expect((await stripe.customers.update(customer.id, { name: 'x' })).name).toBe('x');
  });

  it('injected faults come back in Stripe’s shapes (500 api_error, 402 card_error)', async () => {
    await sandbox.admin('faults', { rules: [{ route: '/v1/customers', sequence: [500, 402] }] });
    const server = await failure(stripe.customers.list());
    expect(server).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(server).toMatchObject({ statusCode: 500, rawType: 'api_error' });
    const card = await failure(stripe.customers.list());
    expect(card).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(card).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' });
  });
});

describe('idempotency', () => {
  it('replays the first response for the same key and parameters, refuses different ones, forgets after 24 hours', async () => {
    const first = await stripe.customers.create({ email: 'once@acme.test' }, { idempotencyKey: 'signup-1' });
    const again = await stripe.customers.create({ email: 'once@acme.test' }, { idempotencyKey: 'signup-1' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(again.lastResponse.headers['original-request']).toBe(first.lastResponse.requestId);
    expect((await stripe.customers.list()).data).toHaveLength(1);
    const changed = await failure(stripe.customers.create({ email: 'other@acme.test' }, { idempotencyKey: 'signup-1' }));
    expect(changed).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(changed.message).toContain("Try using a key other than 'signup-1'");
    const elsewhere = await failure(stripe.products.create({ name: 'x' }, { idempotencyKey: 'signup-1' }));
    expect(elsewhere).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    await sandbox.admin('clock', { advanceMs: 25 * 3600_000 });
    const later = await stripe.customers.create({ email: 'once@acme.test' }, { idempotencyKey: 'signup-1' });
    expect(later.id).not.toBe(first.id);
  });

  it('replays a 404, but not a refused parameter', async () => {
    const missing = await failure(stripe.customers.update('cus_none', { name: 'a' }, { idempotencyKey: 'k404' }));
    const replayed = await failure(stripe.customers.update('cus_none', { name: 'a' }, { idempotencyKey: 'k404' }));
    expect(replayed.headers?.['idempotent-replayed']).toBe('true');
    expect(replayed.headers?.['original-request']).toBe(missing.requestId);
    await failure(stripe.customers.create({ email: 'bad' }, { idempotencyKey: 'k400' }));
    expect((await stripe.customers.create({ email: 'bad' }, { idempotencyKey: 'k400' }).catch((e: Stripe.errors.StripeError) => e)) as Stripe.errors.StripeError).toMatchObject({
      headers: expect.not.objectContaining({ 'idempotent-replayed': 'true' }),
    });
  });
});
