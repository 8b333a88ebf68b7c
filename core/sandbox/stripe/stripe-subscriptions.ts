import { addIntervals, lineAmount, lineDescription, nextPeriodEnd } from './stripe-billing-math.ts';
import { createPrice, INTERVALS } from './stripe-catalog.ts';
import { updateCustomer } from './stripe-customers.ts';
import { cloneJson, type StripeEnv } from './stripe-env.ts';
import { invalidRequest, noSuch } from './stripe-errors.ts';
import {
  type CouponShape,
  type CustomerShape,
  discountObject,
  invoiceObject,
  itemObject,
  itemsList,
  type ItemShape,
  lineItemObject,
  type PriceShape,
  subscriptionObject,
  type SubscriptionShape,
} from './stripe-objects.ts';
import { applyMetadata, EXPAND, type MetadataUpdate, p, PAGINATION, type RangeFilter } from './stripe-params.ts';
import { listPage, type PageParams, retrieve, route, type Route } from './stripe-routes.ts';
import type { Condition, StripeObject } from './stripe-store.ts';

/** Every status a subscription can have; the admin route can set any of them for tests. */
export const SUBSCRIPTION_STATUSES = ['active', 'past_due', 'trialing', 'unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'paused'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

const ENDED = new Set(['canceled', 'incomplete_expired']);
const DAY = 86_400;

interface DiscountRequest {
  coupon?: string;
  discount?: string;
  promotion_code?: string;
}

interface ItemRequest {
  id?: string;
  price?: string;
  price_data?: { currency: string; product: string; unit_amount?: number; unit_amount_decimal?: string; recurring: { interval: string; interval_count?: number } };
  quantity?: number;
  metadata?: MetadataUpdate;
  discounts?: DiscountRequest[] | null;
  deleted?: boolean;
}

export interface SubscriptionCreateInput {
  customer: string;
  items: ItemRequest[];
  discounts?: DiscountRequest[] | null;
  trial_period_days?: number;
  trial_end?: number | 'now';
  metadata?: MetadataUpdate;
  description?: string | null;
  collection_method?: 'charge_automatically' | 'send_invoice';
  days_until_due?: number;
  cancel_at_period_end?: boolean;
  payment_behavior?: string;
  currency?: string;
}

/** The seeder places subscriptions in the past. */
export interface StartOptions {
  created?: number;
}

// ── discounts ─────────────────────────────────────────────────────────────

function couponFor(env: StripeEnv, id: string, param: string, currency: string): CouponShape {
  const found = env.find<CouponShape>('coupon', id);
  if (!found || found.deleted) throw noSuch('coupon', id, param, 400);
  const coupon = found.object;
  if (!coupon.valid || (coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions) || (coupon.redeem_by !== null && coupon.redeem_by < env.now())) {
    throw invalidRequest(`Coupon expired: ${id}`, { param, code: 'coupon_expired' });
  }
  if (coupon.amount_off !== null && coupon.currency !== currency && !(coupon.currency_options as Record<string, unknown> | undefined)?.[currency]) {
    throw invalidRequest(`The coupon ${id} is in ${coupon.currency} and can't be applied to a subscription in ${currency}.`, { param });
  }
  return coupon;
}

/** Turns `discounts[n][coupon]` (or an existing `discounts[n][discount]`) into discount objects. */
function redeem(env: StripeEnv, requests: DiscountRequest[], at: string, context: { customer: string; subscription: string; item: string | null; currency: string; start: number }): string[] {
  return requests.map((request, index) => {
    const param = `${at}[${index}]`;
    if (request.promotion_code !== undefined) throw invalidRequest('Promotion codes are not simulated by the sandbox; pass a coupon.', { param: `${param}[promotion_code]` });
    if (request.discount !== undefined) {
      const existing = env.find('discount', request.discount);
      if (!existing || existing.deleted) throw noSuch('discount', request.discount, `${param}[discount]`, 400);
      return request.discount;
    }
    if (request.coupon === undefined) throw invalidRequest(`Missing required param: ${param}[coupon].`, { param: `${param}[coupon]`, code: 'parameter_missing' });
    const coupon = couponFor(env, request.coupon, `${param}[coupon]`, context.currency);
    const end = coupon.duration === 'repeating' ? addIntervals(context.start, 'month', coupon.duration_in_months ?? 1) : null;
    const discount = discountObject({ id: env.ids.id('di'), coupon: coupon.id, customer: context.customer, subscription: context.subscription, subscriptionItem: context.item, start: context.start, end });
    env.store.insert('discount', discount, context.start);
    coupon.times_redeemed += 1; // Stripe sends no event for a redemption count.
    env.store.save('coupon', coupon);
    return discount.id;
  });
}

interface LoadedDiscount {
  id: string;
  coupon: CouponShape;
  end: number | null;
}

function loadDiscount(env: StripeEnv, id: string): LoadedDiscount | undefined {
  const discount = env.store.get(id)?.object;
  if (!discount) return undefined;
  const couponId = (discount.source as { coupon: string }).coupon;
  const coupon = env.store.get(couponId)?.object as CouponShape | undefined;
  return coupon ? { id, coupon, end: (discount.end as number | null) ?? null } : undefined;
}

/** Once-coupons are spent on the first invoice; repeating ones end after their months. */
function stillApplies(discount: LoadedDiscount, periodStart: number, invoicesIssued: number): boolean {
  if (discount.coupon.duration === 'once') return invoicesIssued === 0;
  if (discount.coupon.duration === 'repeating') return discount.end === null || discount.end > periodStart;
  return true;
}

// ── invoices ──────────────────────────────────────────────────────────────

interface IssueOptions {
  reason: 'subscription_create' | 'subscription_cycle' | 'subscription_update';
  paid: boolean;
  trial: boolean;
  /** The invoice's own period: the period just billed for renewals, the creation instant otherwise. */
  periodStart: number;
  periodEnd: number;
  created: number;
}

/** Builds and stores the invoice for a subscription's current period (announceInvoice records its events). */
function issueInvoice(env: StripeEnv, subscription: SubscriptionShape, options: IssueOptions): StripeObject {
  const customer = env.store.get(subscription.customer)!.object as CustomerShape;
  const invoiceId = env.ids.id('in');
  const discounts = (subscription.discounts ?? []).map((id) => loadDiscount(env, id)).filter((d): d is LoadedDiscount => d !== undefined);
  const lineTotals = new Map<string, number>();
  const lines = subscription.items.data.map((item) => {
    const price = env.store.get(item.price as string)!.object as PriceShape;
    const product = env.store.get(price.product)?.object;
    const productName = (product?.name as string | undefined) ?? price.product;
    const metered = price.recurring?.usage_type === 'metered';
    const quantity = metered ? 0 : (item.quantity ?? 1);
    const amount = options.trial || metered ? 0 : lineAmount(price, quantity);
    const lineId = env.ids.id('il');
    lineTotals.set(lineId, amount);
    return { item, price, quantity, amount, lineId, description: options.trial ? `Trial period for ${productName}` : lineDescription(productName, price, quantity) };
  });
  const discountAmounts = new Map<string, Array<{ amount: number; discount: string }>>(lines.map((l) => [l.lineId, []]));
  const totals = new Map<string, number>();
  const applyTo = (discount: LoadedDiscount, targets: typeof lines) => {
    const coupon = discount.coupon;
    const products = (coupon.applies_to as { products: string[] } | undefined)?.products;
    const eligible = targets.filter((l) => !products || products.includes(l.price.product));
    let amountLeft = coupon.amount_off !== null ? (coupon.currency === subscription.currency ? coupon.amount_off : ((coupon.currency_options as Record<string, { amount_off: number }> | undefined)?.[subscription.currency]?.amount_off ?? 0)) : 0;
    for (const line of eligible) {
      const remaining = lineTotals.get(line.lineId)!;
      let off: number;
      if (coupon.percent_off !== null) off = Math.round((remaining * coupon.percent_off) / 100);
      else {
        off = Math.min(amountLeft, remaining);
        amountLeft -= off;
      }
      if (off === 0) continue;
      lineTotals.set(line.lineId, remaining - off);
      discountAmounts.get(line.lineId)!.push({ amount: off, discount: discount.id });
      totals.set(discount.id, (totals.get(discount.id) ?? 0) + off);
    }
  };
  if (!options.trial) {
    for (const line of lines) {
      for (const id of line.item.discounts) {
        const discount = loadDiscount(env, id);
        if (discount) applyTo(discount, [line]);
      }
    }
    for (const discount of discounts) applyTo(discount, lines);
  }
  const lineObjects = lines.map((l) =>
    lineItemObject({
      id: l.lineId,
      invoice: invoiceId,
      amount: l.amount,
      currency: subscription.currency,
      description: l.description,
      discountAmounts: discountAmounts.get(l.lineId)!,
      subscription: subscription.id,
      subscriptionItem: l.item.id,
      price: l.price,
      quantity: l.quantity,
      periodStart: l.item.current_period_start,
      periodEnd: l.item.current_period_end,
    }),
  );
  const sequence = customer.next_invoice_sequence;
  const invoice = invoiceObject({
    id: invoiceId,
    created: options.created,
    customer,
    subscription,
    number: `${customer.invoice_prefix}-${String(sequence).padStart(4, '0')}`,
    billingReason: options.reason,
    lines: lineObjects,
    subtotal: lines.reduce((sum, l) => sum + l.amount, 0),
    totalDiscounts: [...totals].map(([discount, amount]) => ({ amount, discount })),
    discounts: options.trial ? [] : discounts.map((d) => d.id),
    paid: options.paid,
    periodStart: options.periodStart,
    periodEnd: options.periodEnd,
  });
  // Stripe sends no event for the sequence number moving on.
  customer.next_invoice_sequence = sequence + 1;
  env.store.save('customer', customer);
  env.store.insert('invoice', invoice);
  return invoice;
}

/** The events of an invoice issued, finalized and paid (or failed) at once. */
function announceInvoice(env: StripeEnv, invoice: StripeObject): void {
  const outcome = invoice.status === 'paid' ? ['invoice.paid', 'invoice.payment_succeeded'] : invoice.attempted ? ['invoice.payment_failed'] : [];
  env.emit(['invoice.created', 'invoice.finalized', ...outcome], 'invoice', invoice);
}

// ── lifecycle ─────────────────────────────────────────────────────────────

interface ResolvedItem {
  price: PriceShape;
  quantity: number | undefined;
  metadata: Record<string, string>;
  discounts: DiscountRequest[];
}

function resolveItem(env: StripeEnv, request: ItemRequest, index: number): ResolvedItem {
  const at = `items[${index}]`;
  let price: PriceShape;
  if (request.price !== undefined && request.price_data !== undefined) throw invalidRequest(`You may only specify one of these parameters: ${at}[price], ${at}[price_data].`, { param: `${at}[price]`, code: 'parameters_exclusive' });
  if (request.price_data) {
    const product = env.find('product', request.price_data.product);
    if (!product || product.deleted) throw noSuch('product', request.price_data.product, `${at}[price_data][product]`, 400);
    price = createPrice(env, { ...request.price_data, recurring: request.price_data.recurring }, env.now(), { inline: true });
  } else {
    if (request.price === undefined) throw invalidRequest(`Missing required param: ${at}[price].`, { param: `${at}[price]`, code: 'parameter_missing' });
    const found = env.find<PriceShape>('price', request.price);
    if (!found || found.deleted) throw noSuch('price', request.price, `${at}[price]`, 400);
    price = found.object;
    if (!price.active) throw invalidRequest(`The price specified is inactive. This field only accepts active prices.`, { param: `${at}[price]` });
    if (price.type !== 'recurring') throw invalidRequest('The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.', { param: `${at}[price]` });
  }
  const metered = price.recurring?.usage_type === 'metered';
  if (metered && request.quantity !== undefined) throw invalidRequest('You cannot set the quantity for metered plans.', { param: `${at}[quantity]` });
  return { price, quantity: metered ? undefined : (request.quantity ?? 1), metadata: applyMetadata({}, request.metadata), discounts: request.discounts ?? [] };
}

function checkCompatible(items: ResolvedItem[]): { currency: string; interval: string; intervalCount: number } {
  const first = items[0]!.price;
  for (const item of items) {
    if (item.price.currency !== first.currency) throw invalidRequest('Currency and interval fields must match across all plans on this subscription. Found mismatch in currency field.', { param: 'items' });
    if (item.price.recurring!.interval !== first.recurring!.interval || item.price.recurring!.interval_count !== first.recurring!.interval_count) {
      throw invalidRequest('Currency and interval fields must match across all plans on this subscription. Found mismatch in interval field.', { param: 'items' });
    }
  }
  return { currency: first.currency, interval: first.recurring!.interval, intervalCount: first.recurring!.interval_count };
}

/** A customer bills in one currency while it has live subscriptions in it. */
function claimCurrency(env: StripeEnv, customer: CustomerShape, currency: string): void {
  const live = env.store.list('subscription', { conditions: [{ column: 'customer', op: '=', value: customer.id }, { column: 'status', op: 'not in', value: [...ENDED] }], limit: 100 }).data;
  const other = live.find((s) => s.currency !== currency);
  if (other) {
    throw invalidRequest(
      `You cannot combine currencies on a single customer. This customer has an active subscription, subscription schedule, discount, quote, or invoice item with currency ${other.currency as string}.`,
      { param: 'currency' },
    );
  }
  if (customer.currency !== currency) {
    updateCustomer(env, customer, (c) => {
      c.currency = currency;
    });
  }
}

export function createSubscription(env: StripeEnv, input: SubscriptionCreateInput, options: StartOptions = {}): SubscriptionShape {
  const customerRecord = env.find<CustomerShape>('customer', input.customer);
  if (!customerRecord || customerRecord.deleted) throw noSuch('customer', input.customer, 'customer', 400);
  const customer = customerRecord.object;
  if (input.items.length === 0) throw invalidRequest('Missing required param: items.', { param: 'items', code: 'parameter_missing' });
  if (input.items.length > 20) throw invalidRequest('A subscription can have at most 20 items.', { param: 'items' });
  const resolved = input.items.map((item, index) => resolveItem(env, item, index));
  const { currency, interval, intervalCount } = checkCompatible(resolved);
  if (input.currency !== undefined && input.currency.toLowerCase() !== currency) throw invalidRequest(`The price currency (${currency}) doesn't match the subscription currency (${input.currency}).`, { param: 'currency' });
  claimCurrency(env, customer, currency);

  const now = options.created ?? env.now();
  const trialEnd = input.trial_end === 'now' ? null : (input.trial_end ?? (input.trial_period_days !== undefined ? now + input.trial_period_days * DAY : null));
  if (trialEnd !== null && trialEnd <= now) throw invalidRequest('Invalid timestamp: must be in the future.', { param: 'trial_end' });
  // Nothing is charged in the sandbox: a subscription starts active (or trialing) unless the
  // client asks for default_incomplete, which leaves the first invoice open.
  const status: SubscriptionStatus = trialEnd !== null ? 'trialing' : input.payment_behavior === 'default_incomplete' ? 'incomplete' : 'active';
  const periodEnd = trialEnd ?? addIntervals(now, interval, intervalCount);
  const subscriptionId = env.ids.id('sub');
  const items = resolved.map((r, index) => {
    const itemId = env.ids.id('si');
    const discounts = redeem(env, r.discounts, `items[${index}][discounts]`, { customer: customer.id, subscription: subscriptionId, item: itemId, currency, start: now });
    return itemObject({ id: itemId, created: now, price: r.price.id, quantity: r.quantity, subscription: subscriptionId, periodStart: now, periodEnd, metadata: r.metadata, discounts });
  });
  const subscription = subscriptionObject({
    id: subscriptionId,
    created: now,
    customer: customer.id,
    currency,
    items,
    status,
    metadata: applyMetadata({}, input.metadata),
    description: input.description ?? null,
    collectionMethod: input.collection_method ?? 'charge_automatically',
    daysUntilDue: input.collection_method === 'send_invoice' ? (input.days_until_due ?? 30) : null,
    cancelAtPeriodEnd: input.cancel_at_period_end ?? false,
    trialStart: trialEnd !== null ? now : null,
    trialEnd,
  });
  if (subscription.cancel_at_period_end) {
    subscription.cancel_at = periodEnd;
    subscription.canceled_at = now;
  }
  subscription.discounts = redeem(env, input.discounts ?? [], 'discounts', { customer: customer.id, subscription: subscriptionId, item: null, currency, start: now });
  const invoice = issueInvoice(env, subscription, {
    reason: 'subscription_create',
    paid: status === 'active' || status === 'trialing',
    trial: trialEnd !== null,
    periodStart: now,
    periodEnd: now,
    created: now,
  });
  subscription.latest_invoice = invoice.id;
  env.store.insert('subscription', subscription);
  env.emit('customer.subscription.created', 'subscription', subscription);
  announceInvoice(env, invoice);
  return subscription;
}

const periodEndOf = (subscription: SubscriptionShape): number => Math.min(...subscription.items.data.map((i) => i.current_period_end));

/** Saves and records the change: `customer.subscription.updated` (skipped when nothing changed) or `…deleted`. */
function saveWithEvent(env: StripeEnv, subscription: SubscriptionShape, before: StripeObject, type: 'customer.subscription.updated' | 'customer.subscription.deleted' = 'customer.subscription.updated'): void {
  env.store.save('subscription', subscription);
  if (type === 'customer.subscription.deleted') env.emit(type, 'subscription', subscription);
  else if (JSON.stringify(env.render('subscription', subscription)) !== JSON.stringify(before)) env.emit(type, 'subscription', subscription, before);
}

/**
 * Moves a subscription into its next billing period, as the end of a period does in Stripe: a
 * trial ends, a subscription set to cancel at period end is canceled, spent coupons drop off,
 * and the period's invoice is issued (paid while active, left open while past_due or unpaid).
 */
export function renewSubscription(env: StripeEnv, subscription: SubscriptionShape): SubscriptionShape {
  if (['canceled', 'incomplete_expired', 'incomplete', 'paused'].includes(subscription.status)) {
    throw invalidRequest(`Subscription ${subscription.id} is ${subscription.status} and doesn't renew.`, { param: 'id' });
  }
  const before = env.render('subscription', subscription);
  const oldEnd = periodEndOf(subscription);
  if (subscription.cancel_at_period_end) {
    subscription.status = 'canceled';
    subscription.ended_at = oldEnd;
    subscription.cancellation_details = { comment: null, feedback: null, reason: 'cancellation_requested' };
    saveWithEvent(env, subscription, before, 'customer.subscription.deleted');
    return subscription;
  }
  const oldStart = Math.min(...subscription.items.data.map((i) => i.current_period_start));
  const wasTrial = subscription.status === 'trialing';
  if (wasTrial) subscription.status = 'active';
  for (const item of subscription.items.data) {
    const price = env.store.get(item.price as string)!.object as PriceShape;
    item.current_period_start = item.current_period_end;
    item.current_period_end = nextPeriodEnd(subscription.billing_cycle_anchor, item.current_period_end, price.recurring!.interval, price.recurring!.interval_count);
  }
  const newStart = Math.min(...subscription.items.data.map((i) => i.current_period_start));
  const invoicesIssued = wasTrial ? 0 : 1;
  subscription.discounts = subscription.discounts.filter((id) => {
    const discount = loadDiscount(env, id);
    return discount !== undefined && stillApplies(discount, newStart, invoicesIssued);
  });
  for (const item of subscription.items.data) {
    item.discounts = item.discounts.filter((id) => {
      const discount = loadDiscount(env, id);
      return discount !== undefined && stillApplies(discount, newStart, invoicesIssued);
    });
  }
  const invoice = issueInvoice(env, subscription, {
    reason: 'subscription_cycle',
    paid: subscription.status === 'active',
    trial: false,
    periodStart: oldStart,
    periodEnd: oldEnd,
    created: env.now(),
  });
  subscription.latest_invoice = invoice.id;
  saveWithEvent(env, subscription, before);
  announceInvoice(env, invoice);
  return subscription;
}

/** Sets a subscription's status directly (tests: past_due, unpaid, paused…), with the events Stripe sends for it. */
export function setSubscriptionStatus(env: StripeEnv, subscription: SubscriptionShape, status: SubscriptionStatus): SubscriptionShape {
  const before = env.render('subscription', subscription);
  const was = subscription.status;
  if (was === status) return subscription;
  subscription.status = status;
  const now = env.now();
  if (ENDED.has(status)) {
    subscription.ended_at = now;
    if (status === 'canceled') subscription.canceled_at = now;
    saveWithEvent(env, subscription, before, 'customer.subscription.deleted');
    return subscription;
  }
  subscription.ended_at = null;
  if (status === 'trialing' && subscription.trial_end === null) {
    subscription.trial_start = now;
    subscription.trial_end = periodEndOf(subscription);
  }
  saveWithEvent(env, subscription, before);
  if (status === 'paused') env.emit('customer.subscription.paused', 'subscription', subscription);
  if (was === 'paused') env.emit('customer.subscription.resumed', 'subscription', subscription);
  return subscription;
}

/** Cancels every live subscription of a customer (deleting a customer does this first). */
export function cancelLiveSubscriptions(env: StripeEnv, customerId: string): void {
  for (;;) {
    const live = env.store.list('subscription', { conditions: [{ column: 'customer', op: '=', value: customerId }, { column: 'status', op: 'not in', value: [...ENDED] }], limit: 100 }).data;
    if (live.length === 0) return;
    for (const subscription of live) cancelSubscription(env, subscription as SubscriptionShape, {});
  }
}

export function cancelSubscription(env: StripeEnv, subscription: SubscriptionShape, input: { cancellation_details?: { comment?: string | null; feedback?: string | null } }): SubscriptionShape {
  if (ENDED.has(subscription.status)) throw invalidRequest(`This subscription is already ${subscription.status === 'canceled' ? 'canceled' : 'expired'}.`, { param: 'id' });
  const before = env.render('subscription', subscription);
  const now = env.now();
  subscription.status = 'canceled';
  subscription.canceled_at = now;
  subscription.ended_at = now;
  subscription.cancellation_details = { comment: input.cancellation_details?.comment ?? null, feedback: input.cancellation_details?.feedback ?? null, reason: 'cancellation_requested' };
  saveWithEvent(env, subscription, before, 'customer.subscription.deleted');
  return subscription;
}

interface SubscriptionUpdateInput {
  items?: ItemRequest[];
  discounts?: DiscountRequest[] | null;
  metadata?: MetadataUpdate;
  description?: string | null;
  cancel_at_period_end?: boolean;
  cancellation_details?: { comment?: string | null; feedback?: string | null };
  trial_end?: number | 'now';
  pause_collection?: { behavior: string; resumes_at?: number } | null;
  collection_method?: 'charge_automatically' | 'send_invoice';
  days_until_due?: number;
}

function updateSubscription(env: StripeEnv, subscription: SubscriptionShape, input: SubscriptionUpdateInput): SubscriptionShape {
  if (ENDED.has(subscription.status)) {
    const allowed = new Set(['metadata', 'cancellation_details', 'expand']);
    const other = Object.keys(input).find((k) => !allowed.has(k));
    if (other) throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.', { param: other });
  }
  const before = env.render('subscription', subscription);
  const now = env.now();
  subscription.metadata = applyMetadata(subscription.metadata, input.metadata);
  if (input.description !== undefined) subscription.description = input.description;
  if (input.cancellation_details) subscription.cancellation_details = { reason: null, ...(subscription.cancellation_details as object), ...input.cancellation_details };
  if (input.collection_method !== undefined) {
    subscription.collection_method = input.collection_method;
    subscription.days_until_due = input.collection_method === 'send_invoice' ? (input.days_until_due ?? 30) : null;
  }
  if (input.pause_collection !== undefined) subscription.pause_collection = input.pause_collection ? { behavior: input.pause_collection.behavior, resumes_at: input.pause_collection.resumes_at ?? null } : null;
  if (input.cancel_at_period_end !== undefined) {
    subscription.cancel_at_period_end = input.cancel_at_period_end;
    subscription.cancel_at = input.cancel_at_period_end ? periodEndOf(subscription) : null;
    subscription.canceled_at = input.cancel_at_period_end ? now : null;
  }
  if (input.items) applyItemChanges(env, subscription, input.items);
  if (input.discounts !== undefined) {
    subscription.discounts = redeem(env, input.discounts ?? [], 'discounts', { customer: subscription.customer, subscription: subscription.id, item: null, currency: subscription.currency, start: now });
  }
  let invoice: StripeObject | undefined;
  if (input.trial_end !== undefined) {
    if (input.trial_end === 'now') {
      if (subscription.status !== 'trialing') throw invalidRequest('This subscription is not trialing.', { param: 'trial_end' });
      subscription.status = 'active';
      subscription.trial_end = now;
      subscription.billing_cycle_anchor = now;
      for (const item of subscription.items.data) {
        const price = env.store.get(item.price as string)!.object as PriceShape;
        item.current_period_start = now;
        item.current_period_end = addIntervals(now, price.recurring!.interval, price.recurring!.interval_count);
      }
      invoice = issueInvoice(env, subscription, { reason: 'subscription_update', paid: true, trial: false, periodStart: now, periodEnd: now, created: now });
      subscription.latest_invoice = invoice.id;
    } else {
      if (input.trial_end <= now) throw invalidRequest('Invalid timestamp: must be in the future.', { param: 'trial_end' });
      subscription.trial_end = input.trial_end;
      subscription.trial_start ??= now;
      if (subscription.status === 'active') subscription.status = 'trialing';
      for (const item of subscription.items.data) item.current_period_end = input.trial_end;
    }
  }
  saveWithEvent(env, subscription, before);
  if (invoice) announceInvoice(env, invoice);
  return subscription;
}

function applyItemChanges(env: StripeEnv, subscription: SubscriptionShape, requests: ItemRequest[]): void {
  const now = env.now();
  const items = [...subscription.items.data];
  const periodStart = Math.min(...items.map((i) => i.current_period_start));
  const periodEnd = periodEndOf(subscription);
  requests.forEach((request, index) => {
    const at = `items[${index}]`;
    if (request.id !== undefined) {
      const position = items.findIndex((i) => i.id === request.id);
      if (position < 0) throw noSuch('subscription item', request.id, `${at}[id]`, 400);
      if (request.deleted) {
        items.splice(position, 1);
        return;
      }
      const item = items[position]!;
      const price = request.price !== undefined || request.price_data !== undefined ? resolveItem(env, request, index).price : (env.store.get(item.price as string)!.object as PriceShape);
      const metered = price.recurring?.usage_type === 'metered';
      if (metered && request.quantity !== undefined) throw invalidRequest('You cannot set the quantity for metered plans.', { param: `${at}[quantity]` });
      item.price = price.id;
      if (metered) delete item.quantity;
      else if (request.quantity !== undefined) item.quantity = request.quantity;
      else item.quantity ??= 1;
      item.metadata = applyMetadata(item.metadata, request.metadata);
      if (request.discounts !== undefined) {
        item.discounts = redeem(env, request.discounts ?? [], `${at}[discounts]`, { customer: subscription.customer, subscription: subscription.id, item: item.id, currency: subscription.currency, start: now });
      }
      return;
    }
    const resolved = resolveItem(env, request, index);
    const itemId = env.ids.id('si');
    const discounts = redeem(env, resolved.discounts, `${at}[discounts]`, { customer: subscription.customer, subscription: subscription.id, item: itemId, currency: subscription.currency, start: now });
    items.push(itemObject({ id: itemId, created: now, price: resolved.price.id, quantity: resolved.quantity, subscription: subscription.id, periodStart, periodEnd, metadata: resolved.metadata, discounts }));
  });
  if (items.length === 0) throw invalidRequest('A subscription must have at least one item. To end it, cancel the subscription.', { param: 'items' });
  checkCompatible(items.map((i) => ({ price: env.store.get(i.price as string)!.object as PriceShape, quantity: i.quantity, metadata: {}, discounts: [] })));
  subscription.items = itemsList(subscription.id, items);
}

// ── routes ────────────────────────────────────────────────────────────────

const discountParam = p.object({ coupon: p.string(), discount: p.string(), promotion_code: p.string() });
const priceDataParam = p.object({
  currency: p.string({ required: true }),
  product: p.string({ required: true }),
  unit_amount: p.integer({ min: 0 }),
  unit_amount_decimal: p.decimal({ min: 0 }),
  recurring: p.object({ interval: p.string({ required: true, oneOf: INTERVALS }), interval_count: p.integer({ min: 1 }) }, { required: true }),
  tax_behavior: p.ignored(),
});
const itemParam = (update: boolean) =>
  p.object({
    price: p.string(),
    price_data: priceDataParam,
    quantity: p.integer({ min: 0 }),
    metadata: p.metadata(),
    discounts: p.array(discountParam, { nullable: true }),
    tax_rates: p.ignored(),
    billing_thresholds: p.ignored(),
    plan: p.ignored(),
    current_trial: p.ignored(),
    ...(update ? { id: p.string(), deleted: p.boolean(), clear_usage: p.ignored() } : {}),
  });

const IGNORED_SUBSCRIPTION_PARAMS = Object.fromEntries(
  [
    'add_invoice_items',
    'application_fee_percent',
    'automatic_tax',
    'billing_cycle_anchor',
    'billing_cycle_anchor_config',
    'billing_mode',
    'billing_schedules',
    'billing_thresholds',
    'cancel_at',
    'customer_account',
    'default_payment_method',
    'default_source',
    'default_tax_rates',
    'invoice_settings',
    'off_session',
    'on_behalf_of',
    'payment_settings',
    'pending_invoice_item_interval',
    'proration_behavior',
    'proration_date',
    'transfer_data',
    'trial_from_plan',
    'trial_settings',
    'backdate_start_date',
  ].map((k) => [k, p.ignored()]),
);

export function subscriptionRoutes(env: StripeEnv): Route[] {
  const trialEnd = p.integer({ orNow: true });
  return [
    route<SubscriptionCreateInput>({
      method: 'POST',
      path: '/v1/subscriptions',
      permission: 'rak_subscription_write',
      params: {
        ...EXPAND,
        ...IGNORED_SUBSCRIPTION_PARAMS,
        customer: p.string({ required: true }),
        items: p.array(itemParam(false), { required: true }),
        discounts: p.array(discountParam, { nullable: true }),
        trial_period_days: p.integer({ min: 1, max: 730 }),
        trial_end: trialEnd,
        metadata: p.metadata(),
        description: p.string({ nullable: true }),
        collection_method: p.string({ oneOf: ['charge_automatically', 'send_invoice'] }),
        days_until_due: p.integer({ min: 0 }),
        cancel_at_period_end: p.boolean(),
        payment_behavior: p.string({ oneOf: ['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'] }),
        currency: p.string(),
      },
      handle: (input) => createSubscription(env, input),
    }),
    route<object>({ method: 'GET', path: '/v1/subscriptions/:id', permission: 'rak_subscription_read', params: EXPAND, handle: (_i, { id }) => retrieve(env, 'subscription', id!) }),
    route<SubscriptionUpdateInput>({
      method: 'POST',
      path: '/v1/subscriptions/:id',
      permission: 'rak_subscription_write',
      params: {
        ...EXPAND,
        ...IGNORED_SUBSCRIPTION_PARAMS,
        items: p.array(itemParam(true)),
        discounts: p.array(discountParam, { nullable: true }),
        metadata: p.metadata(),
        description: p.string({ nullable: true }),
        cancel_at_period_end: p.boolean(),
        cancellation_details: p.object({ comment: p.string({ nullable: true }), feedback: p.string({ nullable: true }) }),
        trial_end: trialEnd,
        pause_collection: p.object({ behavior: p.string({ required: true, oneOf: ['keep_as_draft', 'mark_uncollectible', 'void'] }), resumes_at: p.integer() }, { nullable: true }),
        collection_method: p.string({ oneOf: ['charge_automatically', 'send_invoice'] }),
        days_until_due: p.integer({ min: 0 }),
        payment_behavior: p.ignored(),
      },
      handle: (input, { id }) => updateSubscription(env, retrieve(env, 'subscription', id!), input),
    }),
    route<{ cancellation_details?: { comment?: string | null; feedback?: string | null } }>({
      method: 'DELETE',
      path: '/v1/subscriptions/:id',
      permission: 'rak_subscription_write',
      params: { ...EXPAND, cancellation_details: p.object({ comment: p.string({ nullable: true }), feedback: p.string({ nullable: true }) }), invoice_now: p.ignored(), prorate: p.ignored() },
      handle: (input, { id }) => cancelSubscription(env, retrieve(env, 'subscription', id!), input),
    }),
    route<object>({
      method: 'DELETE',
      path: '/v1/subscriptions/:id/discount',
      permission: 'rak_subscription_write',
      params: {},
      handle: (_i, { id }) => {
        const subscription = retrieve<SubscriptionShape>(env, 'subscription', id!);
        const discountId = subscription.discounts[0];
        if (!discountId) throw invalidRequest(`No active discount for subscription: ${subscription.id}`, { param: 'id', status: 404, code: 'resource_missing' });
        const before = env.render('subscription', subscription);
        subscription.discounts = [];
        saveWithEvent(env, subscription, before);
        const discount = env.store.get(discountId)!.object;
        return { ...discount, deleted: true } as StripeObject;
      },
    }),
    route<{ type?: string }>({
      method: 'POST',
      path: '/v1/subscriptions/:id/pause',
      permission: 'rak_subscription_write',
      params: { ...EXPAND, type: p.string({ oneOf: ['subscription'] }), bill_for: p.ignored(), invoicing_behavior: p.ignored() },
      handle: (_i, { id }) => {
        const subscription = retrieve<SubscriptionShape>(env, 'subscription', id!);
        if (!['active', 'past_due', 'trialing', 'unpaid'].includes(subscription.status)) throw invalidRequest(`A ${subscription.status} subscription can't be paused.`, { param: 'id' });
        return setSubscriptionStatus(env, subscription, 'paused');
      },
    }),
    route<object>({
      method: 'POST',
      path: '/v1/subscriptions/:id/resume',
      permission: 'rak_subscription_write',
      params: { ...EXPAND, billing_cycle_anchor: p.ignored(), payment_behavior: p.ignored(), proration_behavior: p.ignored(), proration_date: p.ignored() },
      handle: (_i, { id }) => {
        const subscription = retrieve<SubscriptionShape>(env, 'subscription', id!);
        if (subscription.status !== 'paused') throw invalidRequest('Only a paused subscription can be resumed.', { param: 'id' });
        return setSubscriptionStatus(env, subscription, 'active');
      },
    }),
    route<PageParams & { customer?: string; price?: string; plan?: string; status?: string; collection_method?: string; current_period_end?: RangeFilter; current_period_start?: RangeFilter }>({
      method: 'GET',
      path: '/v1/subscriptions',
      permission: 'rak_subscription_read',
      params: {
        ...PAGINATION,
        customer: p.string(),
        price: p.string(),
        plan: p.string(),
        status: p.string({ oneOf: [...SUBSCRIPTION_STATUSES, 'all', 'ended'] }),
        created: p.range(),
        collection_method: p.string({ oneOf: ['charge_automatically', 'send_invoice'] }),
        current_period_end: p.range(),
        current_period_start: p.range(),
        automatic_tax: p.ignored(),
        customer_account: p.ignored(),
        test_clock: p.ignored(),
      },
      handle: (input) => {
        const conditions: Condition[] = [];
        if (input.customer !== undefined) conditions.push({ column: 'customer', op: '=', value: input.customer });
        // Stripe lists every subscription that isn't canceled unless a status is asked for.
        if (input.status === undefined) conditions.push({ column: 'status', op: '!=', value: 'canceled' });
        else if (input.status === 'ended') conditions.push({ column: 'status', op: 'in', value: [...ENDED] });
        else if (input.status !== 'all') conditions.push({ column: 'status', op: '=', value: input.status });
        const price = input.price ?? input.plan;
        const inRange = (value: number, range: RangeFilter | undefined) =>
          !range || ((range.gt === undefined || value > range.gt) && (range.gte === undefined || value >= range.gte) && (range.lt === undefined || value < range.lt) && (range.lte === undefined || value <= range.lte));
        const needsFilter = price !== undefined || input.collection_method !== undefined || input.current_period_end !== undefined || input.current_period_start !== undefined;
        const filter = (o: StripeObject) => {
          const s = o as SubscriptionShape;
          if (price !== undefined && !s.items.data.some((i: ItemShape) => i.price === price)) return false;
          if (input.collection_method !== undefined && s.collection_method !== input.collection_method) return false;
          if (!inRange(periodEndOf(s), input.current_period_end)) return false;
          if (!inRange(Math.min(...s.items.data.map((i) => i.current_period_start)), input.current_period_start)) return false;
          return true;
        };
        return listPage(env, 'subscription', '/v1/subscriptions', input, { conditions, ...(needsFilter ? { filter } : {}) });
      },
    }),
  ];
}

/** Marks an open invoice paid; a past_due or unpaid subscription whose latest invoice it is becomes active. */
export function payInvoice(env: StripeEnv, invoice: StripeObject): StripeObject {
  if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid.', { param: 'id', code: 'invoice_already_paid' });
  if (invoice.status !== 'open') throw invalidRequest(`You can only pay an open invoice. This invoice is ${String(invoice.status)}.`, { param: 'id' });
  const before = cloneJson(invoice);
  const now = env.now();
  invoice.status = 'paid';
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.attempt_count = (invoice.attempt_count as number) + 1;
  invoice.attempted = true;
  invoice.auto_advance = false;
  invoice.next_payment_attempt = null;
  invoice.status_transitions = { ...(invoice.status_transitions as object), paid_at: now };
  env.store.save('invoice', invoice);
  env.emit('invoice.updated', 'invoice', invoice, before);
  env.emit('invoice.paid', 'invoice', invoice);
  env.emit('invoice.payment_succeeded', 'invoice', invoice);
  const subscriptionId = (invoice.parent as { subscription_details?: { subscription?: string } } | null)?.subscription_details?.subscription;
  const subscription = subscriptionId ? env.find<SubscriptionShape>('subscription', subscriptionId)?.object : undefined;
  if (subscription && subscription.latest_invoice === invoice.id && ['past_due', 'unpaid', 'incomplete'].includes(subscription.status)) setSubscriptionStatus(env, subscription, 'active');
  return invoice;
}
