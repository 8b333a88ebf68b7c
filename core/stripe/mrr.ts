import { add, compare, div, isZero, min, mul, parseDecimal, type Rational, rational, roundHalfEven, sub, ZERO } from './rational.ts';

/**
 * Monthly recurring revenue, following Stripe Billing analytics (SPEC §6):
 *
 * - Only `active` and `past_due` subscriptions count. `trialing`, `unpaid`, `canceled`, `incomplete`,
 *   `incomplete_expired` and `paused` do not (reason `status_<status>`).
 * - Metered items (`recurring.usage_type = metered`) and non-recurring prices never count.
 * - An item's amount for one billing interval is its price applied to its quantity: per-unit
 *   (`unit_amount_decimal`), tiered `volume` (every unit at the tier the whole quantity reaches, plus
 *   that tier's flat amount) or `graduated` (each tier's units at that tier's price, plus the flat
 *   amount of every tier the quantity enters), after `transform_quantity` (divide, round up/down).
 * - Intervals are normalised to a month: month ÷ interval_count, year ÷ (12 × count),
 *   week × 52 ÷ (12 × count), day × 365 ÷ (12 × count).
 * - Discounts: by default only `forever` coupons reduce MRR (Stripe: "a coupon with a finite duration
 *   leaves MRR unaffected"). With `includeLimitedCoupons`, `once` and `repeating` coupons reduce it
 *   too while their discount applies (`discount.end` absent or after `asOf`). Item discounts apply
 *   to their item first, then subscription discounts in order on what remains. Percent-off scales;
 *   amount-off is an amount per invoice in the coupon's currency (or its `currency_options` entry
 *   for the subscription's currency; a coupon in another currency can't apply and is skipped), so
 *   it is spread over the subscription's interval like a price, and never takes MRR below zero.
 *   A coupon's `applies_to.products` limits it to those products' items.
 * - Taxes never count (they aren't part of prices); currencies are never added together.
 *
 * Arithmetic is exact: bigint fractions of minor units throughout, rounded ONCE per subscription,
 * half to even, to an integer number of minor units. Customer and overall totals are sums of those
 * rounded subscription figures, so every total equals the sum of the rows shown under it.
 * Amounts are in the currency's smallest unit as Stripe sends them — for zero-decimal currencies
 * (JPY, KRW…) that is the whole yen or won already; only display differs (`formatMinor`).
 *
 * `mrrMinor` is a decimal string of an integer (e.g. "2500"), not a bigint: it survives JSON,
 * IPC, zod and SQLite unchanged and never loses precision; use `BigInt(mrrMinor)` to compute.
 */

/** Stripe's `*_decimal` fields: strings on the wire and in stored JSON, the SDK's Decimal at runtime. */
export type DecimalLike = string | number | { toString(): string };

export interface MrrTierInput {
  up_to: number | 'inf' | null;
  unit_amount?: number | null;
  unit_amount_decimal?: DecimalLike | null;
  flat_amount?: number | null;
  flat_amount_decimal?: DecimalLike | null;
}

export interface MrrPriceInput {
  id?: string;
  currency: string;
  type?: string | null;
  billing_scheme?: string | null;
  unit_amount?: number | null;
  unit_amount_decimal?: DecimalLike | null;
  tiers_mode?: string | null;
  /** Stripe omits tiers unless `tiers` is expanded; pass complete prices through `options.prices` if needed. */
  tiers?: readonly MrrTierInput[] | null;
  transform_quantity?: { divide_by: number; round: string } | null;
  recurring?: { interval: string; interval_count?: number | null; usage_type?: string | null } | null;
  product?: string | { id: string } | null;
}

export interface MrrCouponInput {
  id?: string;
  duration: string;
  percent_off?: number | null;
  amount_off?: number | null;
  currency?: string | null;
  currency_options?: Readonly<Record<string, { amount_off: number }>> | null;
  applies_to?: { products: readonly string[] } | null;
}

export interface MrrDiscountInput {
  id?: string;
  /** Unix seconds when the discount stops applying (repeating coupons); null or absent: no end. */
  end?: number | null;
  /** Current API versions: `source.coupon` (an id, or the coupon when expanded). */
  source?: { coupon?: string | MrrCouponInput | null } | null;
  /** Older API versions put the coupon here. */
  coupon?: string | MrrCouponInput | null;
}

export interface MrrItemInput {
  id?: string;
  quantity?: number | null;
  price: string | MrrPriceInput;
  discounts?: ReadonlyArray<string | MrrDiscountInput> | null;
}

/** The parts of a Stripe subscription MRR reads: the SDK's object or its stored JSON both fit. */
export interface MrrSubscriptionInput {
  id: string;
  customer: string | { id: string };
  status: string;
  currency?: string | null;
  items: { data: readonly MrrItemInput[] } | readonly MrrItemInput[];
  discounts?: ReadonlyArray<string | MrrDiscountInput> | null;
}

export interface MrrOptions {
  /** Also subtract `once` and `repeating` coupons while they apply. Default false (Stripe's default). */
  includeLimitedCoupons?: boolean;
  /** Unix seconds "now" for `discount.end`; absent: an attached discount is taken to still apply. */
  asOf?: number;
  /** Full prices by id, for items whose price is an id or lacks `tiers`. */
  prices?: ReadonlyMap<string, MrrPriceInput>;
  /** Coupons by id, for discounts whose coupon is not expanded. */
  coupons?: ReadonlyMap<string, MrrCouponInput>;
  /** Discounts by id, for subscriptions whose `discounts` are not expanded. */
  discounts?: ReadonlyMap<string, MrrDiscountInput>;
}

export type MrrExclusionReason =
  | `status_${string}`
  | 'no_licensed_items'
  | 'missing_price'
  | 'missing_amount'
  | 'missing_tiers'
  | 'mixed_currencies'
  | 'unknown_interval';

export interface SubscriptionMrr {
  subscriptionId: string;
  customerId: string;
  /** Lower-case ISO code, as Stripe writes it. */
  currency: string;
  /** Integer minor units as a decimal string; "0" when not counted. */
  mrrMinor: string;
  counted: boolean;
  reason?: MrrExclusionReason;
}

export interface CurrencyAmount {
  currency: string;
  mrrMinor: string;
}

export interface CustomerMrr {
  customerId: string;
  /** One entry per currency with counted MRR, sorted by currency; never mixed. */
  totals: CurrencyAmount[];
}

export interface MrrReport {
  subscriptions: SubscriptionMrr[];
  customers: CustomerMrr[];
  totals: CurrencyAmount[];
}

const COUNTED_STATUSES = new Set(['active', 'past_due']);

class Excluded extends Error {
  readonly reason: MrrExclusionReason;
  constructor(reason: MrrExclusionReason) {
    super(reason);
    this.reason = reason;
  }
}

/** MRR of one subscription. */
export function subscriptionMrr(subscription: MrrSubscriptionInput, options: MrrOptions = {}): SubscriptionMrr {
  const customerId = typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id;
  const items = Array.isArray(subscription.items) ? (subscription.items as readonly MrrItemInput[]) : (subscription.items as { data: readonly MrrItemInput[] }).data;
  const firstPrice = items.length > 0 ? resolvePrice(items[0]!.price, options) : undefined;
  const currency = (subscription.currency ?? firstPrice?.currency ?? '').toLowerCase();
  const base = { subscriptionId: subscription.id, customerId, currency };
  if (!COUNTED_STATUSES.has(subscription.status)) return { ...base, mrrMinor: '0', counted: false, reason: `status_${subscription.status}` };
  try {
    const monthly = monthlyAmount(subscription, items, currency, options);
    return { ...base, mrrMinor: roundHalfEven(monthly).toString(), counted: true };
  } catch (error) {
    if (error instanceof Excluded) return { ...base, mrrMinor: '0', counted: false, reason: error.reason };
    throw error;
  }
}

/** MRR per subscription, per customer and overall, every total per currency. */
export function computeMrr(subscriptions: Iterable<MrrSubscriptionInput>, options: MrrOptions = {}): MrrReport {
  const rows: SubscriptionMrr[] = [];
  const byCustomer = new Map<string, Map<string, bigint>>();
  const overall = new Map<string, bigint>();
  for (const subscription of subscriptions) {
    const row = subscriptionMrr(subscription, options);
    rows.push(row);
    const perCurrency = byCustomer.get(row.customerId) ?? new Map<string, bigint>();
    byCustomer.set(row.customerId, perCurrency);
    if (!row.counted) continue;
    const amount = BigInt(row.mrrMinor);
    perCurrency.set(row.currency, (perCurrency.get(row.currency) ?? 0n) + amount);
    overall.set(row.currency, (overall.get(row.currency) ?? 0n) + amount);
  }
  return {
    subscriptions: rows,
    customers: [...byCustomer].map(([customerId, totals]) => ({ customerId, totals: currencyAmounts(totals) })),
    totals: currencyAmounts(overall),
  };
}

function currencyAmounts(totals: Map<string, bigint>): CurrencyAmount[] {
  return [...totals]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, amount]) => ({ currency, mrrMinor: amount.toString() }));
}

interface CountedItem {
  monthly: Rational;
  product: string | undefined;
}

function monthlyAmount(subscription: MrrSubscriptionInput, items: readonly MrrItemInput[], currency: string, options: MrrOptions): Rational {
  const counted: CountedItem[] = [];
  let subscriptionMonths: Rational | undefined;
  for (const item of items) {
    const price = resolvePrice(item.price, options);
    if (!price) throw new Excluded('missing_price');
    if (price.currency.toLowerCase() !== currency) throw new Excluded('mixed_currencies');
    if (!price.recurring || price.type === 'one_time') continue;
    if (price.recurring.usage_type === 'metered') continue;
    const months = intervalInMonths(price.recurring.interval, price.recurring.interval_count ?? 1);
    subscriptionMonths ??= months;
    const perInterval = priceAmount(price, item.quantity ?? 1);
    const entry: CountedItem = { monthly: div(perInterval, months), product: productId(price) };
    for (const discount of item.discounts ?? []) applyDiscount([entry], discount, currency, months, options);
    counted.push(entry);
  }
  if (counted.length === 0 || !subscriptionMonths) throw new Excluded('no_licensed_items');
  for (const discount of subscription.discounts ?? []) applyDiscount(counted, discount, currency, subscriptionMonths, options);
  return counted.reduce((sum, entry) => add(sum, entry.monthly), ZERO);
}

function resolvePrice(price: string | MrrPriceInput, options: MrrOptions): MrrPriceInput | undefined {
  if (typeof price === 'string') return options.prices?.get(price);
  // A tiered price read without `expand[]=…tiers` has no tiers: prefer a complete copy if one was given.
  if (price.billing_scheme === 'tiered' && !price.tiers && price.id) return options.prices?.get(price.id) ?? price;
  return price;
}

const productId = (price: MrrPriceInput): string | undefined => (typeof price.product === 'string' ? price.product : (price.product?.id ?? undefined));

/** How many months one billing interval lasts, exactly. */
function intervalInMonths(interval: string, intervalCount: number): Rational {
  const count = BigInt(intervalCount);
  switch (interval) {
    case 'month':
      return rational(count);
    case 'year':
      return rational(12n * count);
    case 'week':
      return rational(12n * count, 52n);
    case 'day':
      return rational(12n * count, 365n);
    default:
      throw new Excluded('unknown_interval');
  }
}

/** The amount of one billing interval of a price at a quantity, in minor units, unrounded. */
function priceAmount(price: MrrPriceInput, quantity: number): Rational {
  const units = transformQuantity(BigInt(quantity), price.transform_quantity);
  if (price.billing_scheme === 'tiered') {
    if (!price.tiers || price.tiers.length === 0) throw new Excluded('missing_tiers');
    return price.tiers_mode === 'graduated' ? graduatedAmount(price.tiers, units) : volumeAmount(price.tiers, units);
  }
  const unit = price.unit_amount_decimal ?? price.unit_amount;
  if (unit === null || unit === undefined) throw new Excluded('missing_amount');
  return mul(parseDecimal(unit), rational(units));
}

function transformQuantity(quantity: bigint, transform: MrrPriceInput['transform_quantity']): bigint {
  if (!transform || transform.divide_by <= 1) return quantity;
  const divisor = BigInt(transform.divide_by);
  const whole = quantity / divisor;
  return transform.round === 'up' && whole * divisor !== quantity ? whole + 1n : whole;
}

const tierLimit = (tier: MrrTierInput): bigint | undefined => (tier.up_to === null || tier.up_to === 'inf' ? undefined : BigInt(tier.up_to));
const tierUnit = (tier: MrrTierInput): Rational => parseDecimal(tier.unit_amount_decimal ?? tier.unit_amount ?? 0);
const tierFlat = (tier: MrrTierInput): Rational => parseDecimal(tier.flat_amount_decimal ?? tier.flat_amount ?? 0);

/** Volume: the whole quantity is priced at the first tier whose `up_to` it doesn't exceed. */
function volumeAmount(tiers: readonly MrrTierInput[], units: bigint): Rational {
  const tier = tiers.find((t) => {
    const limit = tierLimit(t);
    return limit === undefined || units <= limit;
  });
  if (!tier) throw new Excluded('missing_tiers');
  return add(tierFlat(tier), mul(tierUnit(tier), rational(units)));
}

/**
 * Graduated: each tier prices the units that fall into it, and its flat amount is due once any
 * unit does. A quantity of zero falls into the first tier, so its flat amount is due (as Stripe
 * bills a graduated price's first flat fee even without units).
 */
function graduatedAmount(tiers: readonly MrrTierInput[], units: bigint): Rational {
  let total = ZERO;
  let lower = 0n;
  for (const [index, tier] of tiers.entries()) {
    const limit = tierLimit(tier);
    const upper = limit === undefined || units < limit ? units : limit;
    const inTier = upper > lower ? upper - lower : 0n;
    if (inTier > 0n || (index === 0 && units === 0n)) total = add(total, add(tierFlat(tier), mul(tierUnit(tier), rational(inTier))));
    if (limit === undefined || units <= limit) break;
    lower = limit;
  }
  return total;
}

function applyDiscount(
  entries: CountedItem[],
  discountRef: string | MrrDiscountInput,
  currency: string,
  months: Rational,
  options: MrrOptions,
): void {
  const discount = typeof discountRef === 'string' ? options.discounts?.get(discountRef) : discountRef;
  if (!discount) return;
  const couponRef = discount.source?.coupon ?? discount.coupon;
  const coupon = typeof couponRef === 'string' ? options.coupons?.get(couponRef) : (couponRef ?? undefined);
  if (!coupon || !couponApplies(coupon, discount, options)) return;
  const eligible = coupon.applies_to ? entries.filter((e) => e.product !== undefined && coupon.applies_to!.products.includes(e.product)) : entries;
  const base = eligible.reduce((sum, e) => add(sum, e.monthly), ZERO);
  if (isZero(base)) return;
  let reduction: Rational;
  if (coupon.percent_off !== null && coupon.percent_off !== undefined) {
    reduction = div(mul(base, parseDecimal(coupon.percent_off)), rational(100n));
  } else {
    const amountOff = amountOffIn(coupon, currency);
    if (amountOff === undefined) return;
    reduction = div(rational(amountOff), months);
  }
  reduction = min(reduction, base);
  // Spread the reduction over the eligible items in proportion, so later discounts see what's left of each.
  for (const entry of eligible) entry.monthly = sub(entry.monthly, div(mul(reduction, entry.monthly), base));
}

function couponApplies(coupon: MrrCouponInput, discount: MrrDiscountInput, options: MrrOptions): boolean {
  if (coupon.duration === 'forever') return true;
  if (!options.includeLimitedCoupons) return false;
  if (discount.end === null || discount.end === undefined || options.asOf === undefined) return true;
  return compare(rational(discount.end), rational(options.asOf)) > 0;
}

function amountOffIn(coupon: MrrCouponInput, currency: string): bigint | undefined {
  if (coupon.amount_off === null || coupon.amount_off === undefined) return undefined;
  if ((coupon.currency ?? '').toLowerCase() === currency) return BigInt(coupon.amount_off);
  const option = coupon.currency_options?.[currency];
  return option ? BigInt(option.amount_off) : undefined;
}

/** Stripe's zero-decimal currencies: amounts are whole units (¥500 is 500). */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
/** Stripe's three-decimal currencies. */
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Digits after the decimal point in a currency's display: 0 for JPY, 3 for KWD, 2 otherwise. */
export function currencyExponent(currency: string): number {
  const code = currency.toLowerCase();
  return ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
}

/** A minor-unit amount as a plain decimal in major units: ("2500", "usd") → "25.00"; ("9800", "jpy") → "9800". */
export function minorToMajor(amountMinor: string | bigint, currency: string): string {
  const amount = BigInt(amountMinor);
  const exponent = currencyExponent(currency);
  if (exponent === 0) return amount.toString();
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** For display only: ("2500", "usd") → "$25.00", ("9800", "jpy") → "¥9,800". Exact for any size. */
export function formatMinor(amountMinor: string | bigint, currency: string, locale = 'en-US'): string {
  const exponent = currencyExponent(currency);
  const cacheKey = `${locale} ${currency}`;
  let format = formatters.get(cacheKey);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: exponent, maximumFractionDigits: exponent });
    formatters.set(cacheKey, format);
  }
  // Intl.NumberFormat accepts decimal strings ("StringNumericLiteral"), which keeps big amounts exact.
  return format.format(minorToMajor(amountMinor, currency) as Intl.StringNumericLiteral);
}
