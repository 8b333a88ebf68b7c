import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../../test/harness/stripe-sandbox.ts';

let sandbox: StripeSandbox;
let stripe: Stripe;
beforeEach(async () => {
  sandbox = await startStripeSandbox();
  stripe = sandbox.client();
});
afterEach(async () => {
  await sandbox.close();
});

const DAY_MS = 86_400_000;

async function subscribe(options: { interval?: Stripe.PriceCreateParams.Recurring.Interval; coupon?: Stripe.CouponCreateParams; trialDays?: number; amount?: number } = {}) {
  const customer = await stripe.customers.create({ email: 'billing@umbrella.test' });
  const product = await stripe.products.create({ name: 'Pro' });
  const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: options.amount ?? 10_000, recurring: { interval: options.interval ?? 'month' } });
  const coupon = options.coupon ? await stripe.coupons.create(options.coupon) : undefined;
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    ...(coupon ? { discounts: [{ coupon: coupon.id }] } : {}),
    ...(options.trialDays ? { trial_period_days: options.trialDays } : {}),
  });
  return { customer, price, subscription };
}

async function advance(subscriptionId: string): Promise<Stripe.Subscription> {
  const response = await sandbox.admin(`stripe/subscriptions/${subscriptionId}/advance`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { subscription: Stripe.Subscription }).subscription;
}

const types = async (params: Stripe.EventListParams = {}) => (await stripe.events.list({ limit: 100, ...params })).data.map((e) => e.type);

describe('events', () => {
  it('records every create, update and delete, newest first, with data.object and previous_attributes', async () => {
    const customer = await stripe.customers.create({ email: 'a@acme.test', metadata: { plan: 'free' } });
    await stripe.customers.update(customer.id, { email: 'b@acme.test', metadata: { plan: 'pro', seats: '3' } });
    await stripe.customers.update(customer.id, { email: 'b@acme.test' }); // no change, no event
    await stripe.customers.del(customer.id);
    const events = (await stripe.events.list()).data;
    expect(events.map((e) => e.type)).toEqual(['customer.deleted', 'customer.updated', 'customer.created']);
    const updated = events[1]!;
    expect(updated).toMatchObject({ object: 'event', api_version: '2026-10-28.endive', livemode: false, pending_webhooks: 0 });
    expect(updated.data.object).toMatchObject({ id: customer.id, email: 'b@acme.test', metadata: { plan: 'pro', seats: '3' } });
    expect(updated.data.previous_attributes).toEqual({ email: 'a@acme.test', metadata: { plan: 'free', seats: null } });
    expect(updated.request).toEqual({ id: expect.stringMatching(/^req_/), idempotency_key: expect.stringMatching(/^stripe-node-retry-/) });
    expect(await stripe.events.retrieve(updated.id)).toMatchObject({ id: updated.id, type: 'customer.updated' });
  });

  it('a subscription brings its invoice’s events; filters by type, types[] and wildcard', async () => {
    await subscribe();
    expect(await types()).toEqual([
      'invoice.payment_succeeded',
      'invoice.paid',
      'invoice.finalized',
      'invoice.created',
      'customer.subscription.created',
      'customer.updated', // the customer's currency is set by its first subscription
      'price.created',
      'product.created',
      'customer.created',
    ]);
    expect(await types({ type: 'customer.subscription.created' })).toEqual(['customer.subscription.created']);
    expect(await types({ types: ['price.created', 'product.created'] })).toEqual(['price.created', 'product.created']);
    expect(await types({ type: 'customer.*' })).toEqual(['customer.subscription.created', 'customer.updated', 'customer.created']);
    const subscriptionEvent = (await stripe.events.list({ type: 'customer.subscription.created' })).data[0]!;
    const object = subscriptionEvent.data.object as Stripe.Subscription;
    expect(object.items.data[0]!.price.object).toBe('price'); // events carry the item's price, like the API
    expect(object.latest_invoice).toMatch(/^in_/);
  });

  it('filters by created[gte] (and gt, lt, lte)', async () => {
    await stripe.customers.create({ email: 'old@acme.test' });
    await sandbox.admin('clock', { advanceMs: 2 * DAY_MS });
    const fresh = await stripe.customers.create({ email: 'new@acme.test' });
    const since = await stripe.events.list({ created: { gte: fresh.created } });
    expect(since.data.map((e) => (e.data.object as Stripe.Customer).email)).toEqual(['new@acme.test']);
    expect((await stripe.events.list({ created: { lt: fresh.created } })).data.map((e) => (e.data.object as Stripe.Customer).email)).toEqual(['old@acme.test']);
    expect((await stripe.events.list({ created: { gt: fresh.created } })).data).toEqual([]);
    expect((await stripe.events.list({ created: { lte: fresh.created } })).data).toHaveLength(2);
  });

  it('keeps 30 days: older events leave the list, a retrieve of one is a 404, a cursor on one is refused', async () => {
    await stripe.customers.create({ email: 'first@acme.test' });
    const [oldEvent] = (await stripe.events.list()).data;
    await sandbox.admin('clock', { advanceMs: 29 * DAY_MS });
    await stripe.customers.create({ email: 'second@acme.test' });
    expect(await types()).toEqual(['customer.created', 'customer.created']);
    await sandbox.admin('clock', { advanceMs: 2 * DAY_MS });
    const remaining = (await stripe.events.list()).data;
    expect(remaining.map((e) => (e.data.object as Stripe.Customer).email)).toEqual(['second@acme.test']);
    const gone = await stripe.events.retrieve(oldEvent!.id).catch((e: Stripe.errors.StripeError) => e);
    expect(gone).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(gone).toMatchObject({ statusCode: 404, code: 'resource_missing', message: `No such event: '${oldEvent!.id}'` });
    const cursor = await stripe.events.list({ ending_before: oldEvent!.id }).catch((e: Stripe.errors.StripeError) => e);
    expect(cursor).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'ending_before' });
    expect(sandbox.provider.state('events')).toHaveLength(1);
    // The objects themselves stay.
    expect((await stripe.customers.list()).data).toHaveLength(2);
  });
});

describe('subscription lifecycle', () => {
  it('advance moves the items to the next period and issues the renewal invoice, with events', async () => {
    const { subscription } = await subscribe({ interval: 'month' });
    const [item] = subscription.items.data;
    await sandbox.admin('clock', { advanceMs: 31 * DAY_MS });
    const renewed = await advance(subscription.id);
    const [next] = renewed.items.data;
    expect(next!.current_period_start).toBe(item!.current_period_end);
    expect(next!.current_period_end).toBeGreaterThan(next!.current_period_start + 27 * 86_400);
    expect(renewed.latest_invoice).not.toBe(subscription.latest_invoice);
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice).toMatchObject({ billing_reason: 'subscription_cycle', status: 'paid', total: 10_000, period_start: item!.current_period_start, period_end: item!.current_period_end });
    expect(invoice.lines.data[0]!.period).toEqual({ start: next!.current_period_start, end: next!.current_period_end });
    expect((await types({ limit: 5 })).slice(0, 5)).toEqual(['invoice.payment_succeeded', 'invoice.paid', 'invoice.finalized', 'invoice.created', 'customer.subscription.updated']);
    const updated = (await stripe.events.list({ type: 'customer.subscription.updated' })).data[0]!;
    expect(Object.keys(updated.data.previous_attributes!).sort()).toEqual(['items', 'latest_invoice']);
    expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(2);
  });

  it('months keep their anchor day: Jan 31 → Feb 28 → Mar 31', async () => {
    await sandbox.admin('clock', { now: '2027-01-31T10:00:00Z' });
    const { subscription } = await subscribe();
    const ends = [subscription.items.data[0]!.current_period_end];
    for (let i = 0; i < 2; i++) ends.push((await advance(subscription.id)).items.data[0]!.current_period_end);
    expect(ends.map((s) => new Date(s * 1000).toISOString().slice(0, 10))).toEqual(['2027-02-28', '2027-03-31', '2027-04-30']);
  });

  it('a trial ends on advance; a repeating coupon drops off after its months; cancel_at_period_end cancels', async () => {
    const { subscription } = await subscribe({ trialDays: 14, coupon: { duration: 'repeating', duration_in_months: 2, percent_off: 50 } });
    expect(subscription).toMatchObject({ status: 'trialing', trial_end: subscription.trial_start! + 14 * 86_400 });
    expect((await stripe.invoices.retrieve(subscription.latest_invoice as string)).total).toBe(0);
    const active = await advance(subscription.id);
    expect(active.status).toBe('active');
    expect((await stripe.invoices.retrieve(active.latest_invoice as string)).total).toBe(5_000);
    const second = await advance(subscription.id);
    expect(second.discounts).toHaveLength(1);
    const third = await advance(subscription.id); // more than two months after the discount started
    expect(third.discounts).toEqual([]);
    expect((await stripe.invoices.retrieve(third.latest_invoice as string)).total).toBe(10_000);
    await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    const ended = await advance(subscription.id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: third.items.data[0]!.current_period_end });
    expect((await stripe.events.list({ limit: 1 })).data[0]!.type).toBe('customer.subscription.deleted');
  });

  it('statuses can be set for tests, with Stripe’s events; lists hide canceled unless asked', async () => {
    const { subscription } = await subscribe();
    const setStatus = async (status: string) => (await sandbox.admin(`stripe/subscriptions/${subscription.id}/status`, { status })).json() as Promise<{ subscription: Stripe.Subscription }>;
    expect((await setStatus('past_due')).subscription.status).toBe('past_due');
    const pastDue = (await stripe.events.list({ limit: 1 })).data[0]!;
    expect(pastDue).toMatchObject({ type: 'customer.subscription.updated', data: { previous_attributes: { status: 'active' } }, request: { id: null, idempotency_key: null } });
    // A renewal while past_due leaves the invoice open and reports the failed payment.
    const renewed = await advance(subscription.id);
    expect((await stripe.invoices.retrieve(renewed.latest_invoice as string)).status).toBe('open');
    expect((await stripe.events.list({ limit: 1 })).data[0]!.type).toBe('invoice.payment_failed');
    await stripe.invoices.pay(renewed.latest_invoice as string);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
    await setStatus('paused');
    expect(await types({ limit: 2 })).toEqual(['customer.subscription.paused', 'customer.subscription.updated']);
    await setStatus('canceled');
    expect(await types({ limit: 1 })).toEqual(['customer.subscription.deleted']);
    expect((await stripe.subscriptions.list()).data).toEqual([]);
    expect((await stripe.subscriptions.list({ status: 'all' })).data.map((s) => s.id)).toEqual([subscription.id]);
    expect((await stripe.subscriptions.list({ status: 'canceled' })).data.map((s) => s.id)).toEqual([subscription.id]);
    const refused = await sandbox.admin(`stripe/subscriptions/${subscription.id}/status`, { status: 'sleeping' });
    expect(refused.status).toBe(400);
    expect((await advance(subscription.id).catch(() => 'refused')) as unknown).toBe('refused');
  });

  it('renewals: every subscription due on the simulated clock renews', async () => {
    const weekly = await subscribe({ interval: 'week', amount: 700 });
    const monthly = await subscribe({ interval: 'month' });
    await sandbox.admin('clock', { advanceMs: 15 * DAY_MS });
    const response = await sandbox.admin('stripe/renewals');
    expect(await response.json()).toEqual({ renewed: 2 }); // the weekly one, twice
    expect((await stripe.invoices.list({ subscription: weekly.subscription.id })).data).toHaveLength(3);
    expect((await stripe.invoices.list({ subscription: monthly.subscription.id })).data).toHaveLength(1);
  });

  it('updates items and quantities, and cancels', async () => {
    const { subscription, price } = await subscribe();
    const item = subscription.items.data[0]!;
    const updated = await stripe.subscriptions.update(subscription.id, { items: [{ id: item.id, quantity: 4 }], metadata: { crm: 'hubspot' } });
    expect(updated.items.data[0]).toMatchObject({ id: item.id, quantity: 4 });
    const event = (await stripe.events.list({ limit: 1 })).data[0]!;
    expect(event.type).toBe('customer.subscription.updated');
    expect(event.data.previous_attributes).toMatchObject({ metadata: { crm: null } });
    expect((event.data.previous_attributes as { items: Stripe.ApiList<Stripe.SubscriptionItem> }).items.data[0]!.quantity).toBe(1);
    const other = await stripe.prices.create({ product: price.product as string, currency: 'usd', unit_amount: 300, recurring: { interval: 'month' } });
    const added = await stripe.subscriptions.update(subscription.id, { items: [{ price: other.id, quantity: 2 }] });
    expect(added.items.data.map((i) => [i.price.id, i.quantity])).toEqual([
      [price.id, 4],
      [other.id, 2],
    ]);
    const canceled = await stripe.subscriptions.cancel(subscription.id);
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_details: { reason: 'cancellation_requested' } });
    expect(canceled.canceled_at).toBe(canceled.ended_at);
    const again = await stripe.subscriptions.update(subscription.id, { description: 'x' }).catch((e: Stripe.errors.StripeError) => e);
    expect(again).toMatchObject({ statusCode: 400, message: 'A canceled subscription can only update its cancellation_details and metadata.' });
  });
});

describe('invoice amounts', () => {
  it('prices tiers, packages and coupons into lines and totals', async () => {
    const customer = await stripe.customers.create({});
    const product = await stripe.products.create({ name: 'Seats' });
    const graduated = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      tiers: [
        { up_to: 5, unit_amount: 1000, flat_amount: 500 },
        { up_to: 'inf', unit_amount: 800 },
      ],
      recurring: { interval: 'month' },
    });
    const packs = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 250, transform_quantity: { divide_by: 100, round: 'up' }, recurring: { interval: 'month' } });
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [
        { price: graduated.id, quantity: 8 },
        { price: packs.id, quantity: 250 },
      ],
      discounts: [{ coupon: coupon.id }],
    });
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    const graduatedAmount = 500 + 5 * 1000 + 3 * 800;
    const packsAmount = 3 * 250;
    expect(invoice.lines.data.map((l) => l.amount)).toEqual([graduatedAmount, packsAmount]);
    expect(invoice.subtotal).toBe(graduatedAmount + packsAmount);
    expect(invoice.total_discount_amounts![0]!.amount).toBe(Math.round(graduatedAmount * 0.1) + Math.round(packsAmount * 0.1));
    expect(invoice.total).toBe(invoice.subtotal - invoice.total_discount_amounts![0]!.amount);
    const lines = await stripe.invoices.listLineItems(invoice.id, { limit: 1 });
    expect(lines).toMatchObject({ has_more: true, url: `/v1/invoices/${invoice.id}/lines` });
    const rest = await stripe.invoices.listLineItems(invoice.id, { starting_after: lines.data[0]!.id });
    expect(rest.data.map((l) => l.amount)).toEqual([packsAmount]);
  });
});
