import type { StripeObject } from './stripe-store.ts';

/**
 * Stripe objects in the shapes of API version 2026-10-28.endive (checked against stripe-node
 * 23.1.0's types and Stripe's fixtures): billing periods live on subscription items, discounts
 * name their coupon under `source.coupon`, invoices point at their subscription through
 * `parent.subscription_details`, and fields Stripe only sends when expanded (`price.tiers`,
 * `customer.subscriptions`, `coupon.applies_to`…) are absent. Keys come out as Stripe writes
 * them: `id` and `object` first, then alphabetical.
 */
export const API_VERSION = '2026-10-28.endive';
export const ACCOUNT_ID = 'acct_1SyncdeskSandbox0';

function shape(id: string, object: string, fields: Record<string, unknown>): StripeObject {
  const out: Record<string, unknown> = { id, object };
  for (const key of Object.keys(fields).sort()) out[key] = fields[key];
  return out as StripeObject;
}

export interface StoredTier {
  flat_amount: number | null;
  flat_amount_decimal: string | null;
  unit_amount: number | null;
  unit_amount_decimal: string | null;
  up_to: number | null;
}

interface PriceFields {
  id: string;
  created: number;
  active: boolean;
  billing_scheme: 'per_unit' | 'tiered';
  currency: string;
  lookup_key: string | null;
  metadata: Record<string, string>;
  nickname: string | null;
  product: string;
  recurring: { interval: string; interval_count: number; meter: string | null; trial_period_days: number | null; usage_type: string } | null;
  tiers?: StoredTier[];
  tiers_mode: 'graduated' | 'volume' | null;
  transform_quantity: { divide_by: number; round: string } | null;
  type: 'one_time' | 'recurring';
  unit_amount: number | null;
  unit_amount_decimal: string | null;
  tax_behavior: string;
}
export type PriceShape = StripeObject & PriceFields;

interface CouponFields {
  id: string;
  created: number;
  amount_off: number | null;
  currency: string | null;
  duration: 'forever' | 'once' | 'repeating';
  duration_in_months: number | null;
  max_redemptions: number | null;
  metadata: Record<string, string>;
  name: string | null;
  percent_off: number | null;
  redeem_by: number | null;
  times_redeemed: number;
  valid: boolean;
}
export type CouponShape = StripeObject & CouponFields;

export interface ItemShape {
  id: string;
  object: 'subscription_item';
  created: number;
  current_period_end: number;
  current_period_start: number;
  discounts: string[];
  metadata: Record<string, string>;
  /** Stored as the price id; responses carry the current price (and its legacy `plan` twin). */
  price: string | PriceShape;
  quantity?: number;
  subscription: string;
  [field: string]: unknown;
}

export interface SubscriptionShape extends StripeObject {
  billing_cycle_anchor: number;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  currency: string;
  customer: string;
  discounts: string[];
  ended_at: number | null;
  items: { object: 'list'; data: ItemShape[]; has_more: boolean; total_count: number; url: string };
  latest_invoice: string | null;
  metadata: Record<string, string>;
  pause_collection: unknown;
  start_date: number;
  status: string;
  trial_end: number | null;
  trial_start: number | null;
}

export interface CustomerShape extends StripeObject {
  currency: string | null;
  email: string | null;
  name: string | null;
  invoice_prefix: string;
  next_invoice_sequence: number;
  metadata: Record<string, string>;
}

export function customerObject(init: {
  id: string;
  created: number;
  email: string | null;
  name: string | null;
  description: string | null;
  phone: string | null;
  metadata: Record<string, string>;
  invoicePrefix: string;
}): CustomerShape {
  return shape(init.id, 'customer', {
    address: null,
    balance: 0,
    created: init.created,
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: init.description,
    discount: null,
    email: init.email,
    invoice_prefix: init.invoicePrefix,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: init.metadata,
    name: init.name,
    next_invoice_sequence: 1,
    phone: init.phone,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  }) as CustomerShape;
}

export function productObject(init: { id: string; created: number; name: string; active: boolean; description: string | null; metadata: Record<string, string>; unitLabel: string | null }): StripeObject {
  return shape(init.id, 'product', {
    active: init.active,
    created: init.created,
    default_price: null,
    description: init.description,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: init.metadata,
    name: init.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: init.unitLabel,
    updated: init.created,
    url: null,
  });
}

export function priceObject(init: Omit<PriceFields, 'tax_behavior'> & { tax_behavior?: string }): PriceShape {
  const { id, tax_behavior, ...rest } = init;
  return shape(id, 'price', { ...rest, custom_unit_amount: null, livemode: false, tax_behavior: tax_behavior ?? 'unspecified' }) as PriceShape;
}

/** The legacy `plan` every subscription item still carries, mirrored from its price. */
export function planFromPrice(price: PriceShape): StripeObject {
  return shape(price.id, 'plan', {
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? null,
    interval_count: price.recurring?.interval_count ?? null,
    livemode: false,
    metadata: price.metadata,
    meter: price.recurring?.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: price.transform_quantity,
    trial_period_days: null,
    usage_type: price.recurring?.usage_type ?? 'licensed',
  });
}

export function couponObject(init: Omit<CouponFields, 'valid' | 'times_redeemed'>): CouponShape {
  const { id, ...rest } = init;
  return shape(id, 'coupon', { ...rest, livemode: false, times_redeemed: 0, valid: true }) as CouponShape;
}

/** Discounts have no `created`; the store orders them by `start`. */
export function discountObject(init: { id: string; coupon: string; customer: string; subscription: string; subscriptionItem: string | null; start: number; end: number | null }): StripeObject {
  return shape(init.id, 'discount', {
    checkout_session: null,
    customer: init.customer,
    customer_account: null,
    end: init.end,
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    source: { coupon: init.coupon, type: 'coupon' },
    start: init.start,
    subscription: init.subscription,
    subscription_item: init.subscriptionItem,
  });
}

export function itemObject(init: { id: string; created: number; price: string; quantity: number | undefined; subscription: string; periodStart: number; periodEnd: number; metadata: Record<string, string>; discounts: string[] }): ItemShape {
  const fields: Record<string, unknown> = {
    billing_thresholds: null,
    created: init.created,
    current_period_end: init.periodEnd,
    current_period_start: init.periodStart,
    current_trial: null,
    discounts: init.discounts,
    metadata: init.metadata,
    price: init.price,
    subscription: init.subscription,
    tax_rates: [],
  };
  // Metered items have no quantity in Stripe's responses.
  if (init.quantity !== undefined) fields.quantity = init.quantity;
  return shape(init.id, 'subscription_item', fields) as unknown as ItemShape;
}

export function subscriptionObject(init: {
  id: string;
  created: number;
  customer: string;
  currency: string;
  items: ItemShape[];
  status: string;
  metadata: Record<string, string>;
  description: string | null;
  collectionMethod: string;
  daysUntilDue: number | null;
  cancelAtPeriodEnd: boolean;
  trialStart: number | null;
  trialEnd: number | null;
}): SubscriptionShape {
  return shape(init.id, 'subscription', {
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: init.trialEnd ?? init.created,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: { proration_discounts: 'included' }, type: 'flexible', updated_at: init.created },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: init.cancelAtPeriodEnd,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: init.collectionMethod,
    created: init.created,
    currency: init.currency,
    customer: init.customer,
    customer_account: null,
    days_until_due: init.daysUntilDue,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: init.description,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    items: itemsList(init.id, init.items),
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: init.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: init.created,
    status: init.status,
    test_clock: null,
    transfer_data: null,
    trial_end: init.trialEnd,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: init.trialStart,
  }) as SubscriptionShape;
}

export const itemsList = (subscriptionId: string, items: ItemShape[]): SubscriptionShape['items'] => ({
  object: 'list',
  data: items,
  has_more: false,
  total_count: items.length,
  url: `/v1/subscription_items?subscription=${subscriptionId}`,
});

export interface LineInit {
  id: string;
  invoice: string;
  amount: number;
  currency: string;
  description: string;
  discountAmounts: Array<{ amount: number; discount: string }>;
  subscription: string;
  subscriptionItem: string;
  price: PriceShape;
  quantity: number;
  periodStart: number;
  periodEnd: number;
}

export function lineItemObject(init: LineInit): StripeObject {
  return shape(init.id, 'line_item', {
    amount: init.amount,
    currency: init.currency,
    description: init.description,
    discount_amounts: init.discountAmounts,
    discountable: true,
    discounts: [],
    invoice: init.invoice,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: init.subscription,
        subscription_item: init.subscriptionItem,
      },
      type: 'subscription_item_details',
    },
    period: { end: init.periodEnd, start: init.periodStart },
    pretax_credit_amounts: init.discountAmounts.map((d) => ({ amount: d.amount, discount: d.discount, type: 'discount' })),
    pricing: { price_details: { price: init.price.id, product: init.price.product }, type: 'price_details', unit_amount_decimal: init.price.unit_amount_decimal },
    quantity: init.quantity,
    quantity_decimal: String(init.quantity),
    subscription: init.subscription,
    subtotal: init.amount,
    taxes: [],
  });
}

export function invoiceObject(init: {
  id: string;
  created: number;
  customer: CustomerShape;
  subscription: SubscriptionShape;
  number: string;
  billingReason: 'subscription_create' | 'subscription_cycle' | 'subscription_update';
  lines: StripeObject[];
  subtotal: number;
  totalDiscounts: Array<{ amount: number; discount: string }>;
  discounts: string[];
  paid: boolean;
  periodStart: number;
  periodEnd: number;
}): StripeObject {
  const discountTotal = init.totalDiscounts.reduce((sum, d) => sum + d.amount, 0);
  const total = init.subtotal - discountTotal;
  const finalizedAt = init.created;
  const paid = init.paid || total === 0;
  return shape(init.id, 'invoice', {
    account_country: 'US',
    account_name: 'Syncdesk Sandbox',
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: paid ? total : 0,
    amount_remaining: paid ? 0 : total,
    amount_shipping: 0,
    application: null,
    attempt_count: total === 0 ? 0 : 1,
    attempted: total !== 0,
    auto_advance: !paid,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: init.billingReason,
    collection_method: init.subscription.collection_method,
    created: init.created,
    currency: init.subscription.currency,
    custom_fields: null,
    customer: init.customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: init.customer.email,
    customer_name: init.customer.name,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: init.discounts,
    due_date: null,
    effective_at: finalizedAt,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: `https://invoice.stripe.com/i/${ACCOUNT_ID}/test_${init.id.slice(3)}`,
    invoice_pdf: `https://pay.stripe.com/invoice/${ACCOUNT_ID}/test_${init.id.slice(3)}/pdf`,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: init.lines, has_more: false, total_count: init.lines.length, url: `/v1/invoices/${init.id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: paid ? null : init.created + 3 * 86_400,
    number: init.number,
    on_behalf_of: null,
    parent: { quote_details: null, subscription_details: { metadata: init.subscription.metadata, subscription: init.subscription.id }, type: 'subscription_details' },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: init.periodEnd,
    period_start: init.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: paid ? 'paid' : 'open',
    status_transitions: { finalized_at: finalizedAt, marked_uncollectible_at: null, paid_at: paid ? finalizedAt : null, voided_at: null },
    subtotal: init.subtotal,
    subtotal_excluding_tax: init.subtotal,
    test_clock: null,
    total,
    total_discount_amounts: init.totalDiscounts,
    total_excluding_tax: total,
    total_pretax_credit_amounts: init.totalDiscounts.map((d) => ({ amount: d.amount, discount: d.discount, type: 'discount' })),
    total_taxes: [],
    webhooks_delivered_at: init.created,
  });
}

/** What Stripe answers for a deleted object, and what it shows when one is retrieved. */
export const deletedObject = (id: string, object: string): StripeObject => ({ id, object, deleted: true }) as unknown as StripeObject;
