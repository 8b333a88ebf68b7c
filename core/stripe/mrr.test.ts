import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  computeMrr,
  formatMinor,
  minorToMajor,
  type MrrCouponInput,
  type MrrDiscountInput,
  type MrrItemInput,
  type MrrPriceInput,
  type MrrSubscriptionInput,
  subscriptionMrr,
} from './mrr.ts';
import { parseDecimal, rational, roundHalfEven } from './rational.ts';

// Worked examples derived by hand from Stripe's MRR definition (see the header of mrr.ts):
// the amount of one billing interval, normalised to a month, minus forever coupons, rounded once.

let nextId = 1;
const price = (overrides: Partial<MrrPriceInput> = {}): MrrPriceInput => ({
  id: `price_${nextId++}`,
  currency: 'usd',
  type: 'recurring',
  billing_scheme: 'per_unit',
  unit_amount: 5000,
  unit_amount_decimal: '5000',
  tiers_mode: null,
  transform_quantity: null,
  recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
  product: 'prod_basic',
  ...overrides,
});
const recurring = (interval: string, interval_count = 1, usage_type = 'licensed') => ({ interval, interval_count, usage_type });
const item = (p: MrrPriceInput, quantity = 1, discounts: MrrDiscountInput[] = []): MrrItemInput => ({ id: `si_${nextId++}`, price: p, quantity, discounts });
const sub = (items: MrrItemInput[], overrides: Partial<MrrSubscriptionInput> = {}): MrrSubscriptionInput => ({
  id: `sub_${nextId++}`,
  customer: 'cus_A',
  status: 'active',
  currency: (typeof items[0]?.price === 'object' ? items[0].price.currency : 'usd') ?? 'usd',
  items: { data: items },
  discounts: [],
  ...overrides,
});
const coupon = (overrides: Partial<MrrCouponInput>): MrrCouponInput => ({ id: `C${nextId++}`, duration: 'forever', percent_off: null, amount_off: null, currency: null, ...overrides });
const discount = (c: MrrCouponInput, end: number | null = null): MrrDiscountInput => ({ id: `di_${nextId++}`, end, source: { coupon: c } });
const mrrOf = (s: MrrSubscriptionInput, options = {}) => subscriptionMrr(s, options).mrrMinor;

describe('MRR: intervals', () => {
  it('monthly: $50.00 a month is 5000', () => {
    expect(mrrOf(sub([item(price())]))).toBe('5000');
  });

  it('yearly: $1,000.00 a year is 100000 / 12 = 8333.33… → 8333', () => {
    expect(mrrOf(sub([item(price({ unit_amount: 100000, unit_amount_decimal: '100000', recurring: recurring('year') }))]))).toBe('8333');
  });

  it('weekly: $10.00 a week is 1000 × 52 / 12 = 4333.33… → 4333', () => {
    expect(mrrOf(sub([item(price({ unit_amount: 1000, unit_amount_decimal: '1000', recurring: recurring('week') }))]))).toBe('4333');
  });

  it('daily: $1.00 a day is 100 × 365 / 12 = 3041.66… → 3042', () => {
    expect(mrrOf(sub([item(price({ unit_amount: 100, unit_amount_decimal: '100', recurring: recurring('day') }))]))).toBe('3042');
  });

  it('interval_count: $300.00 every 3 months is 10000; every 2 weeks $20.00 is 2000 × 52 / 24 = 4333.33… → 4333', () => {
    expect(mrrOf(sub([item(price({ unit_amount: 30000, unit_amount_decimal: '30000', recurring: recurring('month', 3) }))]))).toBe('10000');
    expect(mrrOf(sub([item(price({ unit_amount: 2000, unit_amount_decimal: '2000', recurring: recurring('week', 2) }))]))).toBe('4333');
  });
});

describe('MRR: quantities and tiers', () => {
  it('quantity: 5 seats at $12.00 a month is 6000', () => {
    expect(mrrOf(sub([item(price({ unit_amount: 1200, unit_amount_decimal: '1200' }), 5)]))).toBe('6000');
  });

  it('uses unit_amount_decimal exactly: 1000 units at 0.125 is 125', () => {
    expect(mrrOf(sub([item(price({ unit_amount: null, unit_amount_decimal: '0.125' }), 1000)]))).toBe('125');
  });

  it("accepts the SDK's Decimal objects (anything whose toString is a decimal)", () => {
    const decimal = { toString: () => '12.5', toFixed: () => '12.50' };
    expect(mrrOf(sub([item(price({ unit_amount: null, unit_amount_decimal: decimal }), 4)]))).toBe('50');
  });

  const tiers = [
    { up_to: 5, unit_amount: 1000, unit_amount_decimal: '1000', flat_amount: 500, flat_amount_decimal: '500' },
    { up_to: 10, unit_amount: 800, unit_amount_decimal: '800', flat_amount: null, flat_amount_decimal: null },
    { up_to: null, unit_amount: 500, unit_amount_decimal: '500', flat_amount: 2000, flat_amount_decimal: '2000' },
  ];

  it('volume tiers: the whole quantity at the tier it reaches, plus that flat amount', () => {
    const volume = price({ billing_scheme: 'tiered', tiers_mode: 'volume', unit_amount: null, unit_amount_decimal: null, tiers });
    expect(mrrOf(sub([item(volume, 3)]))).toBe(String(500 + 3 * 1000)); // first tier: 3500
    expect(mrrOf(sub([item(volume, 7)]))).toBe(String(7 * 800)); // second tier, no flat: 5600
    expect(mrrOf(sub([item(volume, 12)]))).toBe(String(2000 + 12 * 500)); // up_to inf: 8000
  });

  it('graduated tiers: each tier prices its own units, and adds its flat amount once entered', () => {
    const graduated = price({ billing_scheme: 'tiered', tiers_mode: 'graduated', unit_amount: null, unit_amount_decimal: null, tiers });
    expect(mrrOf(sub([item(graduated, 3)]))).toBe(String(500 + 3 * 1000)); // 3500
    expect(mrrOf(sub([item(graduated, 12)]))).toBe(String(500 + 5 * 1000 + 5 * 800 + 2000 + 2 * 500)); // 12500
    expect(mrrOf(sub([item(graduated, 0)]))).toBe('500'); // zero units still owe the first flat amount
  });

  it('tiers with up_to "inf" (as the API takes them) work too', () => {
    const graduated = price({
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      tiers: [
        { up_to: 1, unit_amount: 10000 },
        { up_to: 'inf', unit_amount: 2500 },
      ],
    });
    expect(mrrOf(sub([item(graduated, 4)]))).toBe(String(10000 + 3 * 2500));
  });

  it('a tiered price without its tiers is not guessed at; full prices can be supplied by id', () => {
    const bare = price({ id: 'price_tiered', billing_scheme: 'tiered', tiers_mode: 'volume', unit_amount: null, unit_amount_decimal: null });
    expect(subscriptionMrr(sub([item(bare, 7)]))).toMatchObject({ counted: false, reason: 'missing_tiers', mrrMinor: '0' });
    const full = { ...bare, tiers };
    expect(mrrOf(sub([item(bare, 7)]), { prices: new Map([['price_tiered', full]]) })).toBe('5600');
  });

  it('transform_quantity: $5.00 per pack of 10, 25 units → 3 packs rounding up, 2 rounding down', () => {
    const packs = (round: string) => price({ unit_amount: 500, unit_amount_decimal: '500', transform_quantity: { divide_by: 10, round } });
    expect(mrrOf(sub([item(packs('up'), 25)]))).toBe('1500');
    expect(mrrOf(sub([item(packs('down'), 25)]))).toBe('1000');
    expect(mrrOf(sub([item(packs('up'), 30)]))).toBe('1500');
  });
});

describe('MRR: coupons', () => {
  it('a forever 20% coupon: $50.00 → 4000', () => {
    expect(mrrOf(sub([item(price())], { discounts: [discount(coupon({ percent_off: 20 }))] }))).toBe('4000');
  });

  it('a fractional percentage: 25.5% off $50.00 → 3725', () => {
    expect(mrrOf(sub([item(price())], { discounts: [discount(coupon({ percent_off: 25.5 }))] }))).toBe('3725');
  });

  it('a repeating coupon is left out by default, and counted while it applies when asked', () => {
    const end = 1_800_000_000;
    const s = sub([item(price())], { discounts: [discount(coupon({ duration: 'repeating', percent_off: 25 }), end)] });
    expect(mrrOf(s)).toBe('5000');
    expect(mrrOf(s, { includeLimitedCoupons: true, asOf: end - 86_400 })).toBe('3750');
    expect(mrrOf(s, { includeLimitedCoupons: true, asOf: end })).toBe('5000'); // it has ended
  });

  it('a once coupon is left out by default and counted when asked', () => {
    const s = sub([item(price())], { discounts: [discount(coupon({ duration: 'once', amount_off: 1000, currency: 'usd' }))] });
    expect(mrrOf(s)).toBe('5000');
    expect(mrrOf(s, { includeLimitedCoupons: true })).toBe('4000');
  });

  it('amount-off is per invoice in its currency: $10 off a $50 month → 4000; $120 off a $1,200 year → 9000', () => {
    const tenOff = coupon({ amount_off: 1000, currency: 'usd' });
    expect(mrrOf(sub([item(price())], { discounts: [discount(tenOff)] }))).toBe('4000');
    const yearly = price({ unit_amount: 120000, unit_amount_decimal: '120000', recurring: recurring('year') });
    expect(mrrOf(sub([item(yearly)], { discounts: [discount(coupon({ amount_off: 12000, currency: 'usd' }))] }))).toBe('9000');
  });

  it("amount-off in another currency applies only through the coupon's currency_options", () => {
    const eur = price({ currency: 'eur', unit_amount: 4500, unit_amount_decimal: '4500' });
    const usdCoupon = coupon({ amount_off: 1000, currency: 'usd' });
    expect(mrrOf(sub([item(eur)], { currency: 'eur', discounts: [discount(usdCoupon)] }))).toBe('4500');
    const withEur = { ...usdCoupon, currency_options: { eur: { amount_off: 900 } } };
    expect(mrrOf(sub([item(eur)], { currency: 'eur', discounts: [discount(withEur)] }))).toBe('3600');
  });

  it('never goes below zero', () => {
    expect(mrrOf(sub([item(price())], { discounts: [discount(coupon({ amount_off: 999999, currency: 'usd' }))] }))).toBe('0');
  });

  it('item discounts apply first, then subscription discounts on what remains', () => {
    const s = sub([item(price({ unit_amount_decimal: '10000' }), 1, [discount(coupon({ percent_off: 10 }))]), item(price({ unit_amount_decimal: '2000' }))], {
      discounts: [discount(coupon({ percent_off: 50 }))],
    });
    expect(mrrOf(s)).toBe(String((9000 + 2000) / 2));
  });

  it('applies_to limits a coupon to its products', () => {
    const s = sub([item(price({ product: 'prod_a', unit_amount_decimal: '4000' })), item(price({ product: 'prod_b', unit_amount_decimal: '6000' }))], {
      discounts: [discount(coupon({ percent_off: 50, applies_to: { products: ['prod_b'] } }))],
    });
    expect(mrrOf(s)).toBe('7000');
  });

  it('reads coupons and discounts given by id (stored JSON without expansion), and the legacy discount.coupon', () => {
    const forever = coupon({ id: 'FOREVER20', percent_off: 20 });
    const stored = sub([item(price())], { discounts: ['di_stored'] });
    const options = { discounts: new Map([['di_stored', { id: 'di_stored', end: null, source: { coupon: 'FOREVER20' } }]]), coupons: new Map([['FOREVER20', forever]]) };
    expect(mrrOf(stored, options)).toBe('4000');
    expect(mrrOf(sub([item(price())], { discounts: [{ id: 'di_old', coupon: forever }] }))).toBe('4000');
  });
});

describe('MRR: statuses and items', () => {
  it('counts active and past_due; excludes every other status with a reason', () => {
    expect(subscriptionMrr(sub([item(price())], { status: 'past_due' }))).toMatchObject({ counted: true, mrrMinor: '5000' });
    for (const status of ['trialing', 'unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'paused']) {
      expect(subscriptionMrr(sub([item(price())], { status }))).toMatchObject({ counted: false, mrrMinor: '0', reason: `status_${status}` });
    }
  });

  it('leaves metered items out, and a subscription with only metered items out altogether', () => {
    const metered = price({ unit_amount_decimal: '3', recurring: recurring('month', 1, 'metered') });
    expect(mrrOf(sub([item(price()), item(metered, 0)]))).toBe('5000');
    expect(subscriptionMrr(sub([item(metered)]))).toMatchObject({ counted: false, reason: 'no_licensed_items' });
  });

  it('rounds once per subscription, half to even', () => {
    const yearly = (amount: number) => price({ unit_amount_decimal: String(amount), recurring: recurring('year') });
    expect(mrrOf(sub([item(yearly(30))]))).toBe('2'); // 2.5 → 2
    expect(mrrOf(sub([item(yearly(42))]))).toBe('4'); // 3.5 → 4
    expect(mrrOf(sub([item(yearly(6)), item(yearly(6))]))).toBe('1'); // 0.5 + 0.5, not 0 + 0 or 1 + 1
  });
});

describe('MRR: currencies and totals', () => {
  it('keeps a multi-currency customer per currency and never adds currencies', () => {
    const report = computeMrr([
      sub([item(price())], { id: 'sub_usd', customer: 'cus_multi' }),
      sub([item(price({ currency: 'eur', unit_amount_decimal: '4500' }))], { id: 'sub_eur', customer: { id: 'cus_multi' } }),
      sub([item(price({ unit_amount_decimal: '1000' }))], { id: 'sub_other', customer: 'cus_other' }),
      sub([item(price())], { id: 'sub_trial', customer: 'cus_trial', status: 'trialing' }),
    ]);
    expect(report.customers).toEqual([
      { customerId: 'cus_multi', totals: [{ currency: 'eur', mrrMinor: '4500' }, { currency: 'usd', mrrMinor: '5000' }] },
      { customerId: 'cus_other', totals: [{ currency: 'usd', mrrMinor: '1000' }] },
      { customerId: 'cus_trial', totals: [] },
    ]);
    expect(report.totals).toEqual([
      { currency: 'eur', mrrMinor: '4500' },
      { currency: 'usd', mrrMinor: '6000' },
    ]);
    expect(report.subscriptions.map((s) => [s.subscriptionId, s.currency, s.counted])).toEqual([
      ['sub_usd', 'usd', true],
      ['sub_eur', 'eur', true],
      ['sub_other', 'usd', true],
      ['sub_trial', 'usd', false],
    ]);
  });

  it('JPY is zero-decimal: ¥9,800 a month is 9800; ¥98,000 a year is 8166.67 → 8167', () => {
    const jpy = (amount: string, interval = 'month') => price({ currency: 'jpy', unit_amount: Number(amount), unit_amount_decimal: amount, recurring: recurring(interval) });
    expect(mrrOf(sub([item(jpy('9800'))], { currency: 'jpy' }))).toBe('9800');
    expect(mrrOf(sub([item(jpy('98000', 'year'))], { currency: 'jpy' }))).toBe('8167');
    expect(formatMinor('9800', 'jpy')).toBe('¥9,800');
    expect(formatMinor('5000', 'usd')).toBe('$50.00');
    expect(minorToMajor('9800', 'jpy')).toBe('9800');
    expect(minorToMajor('5', 'usd')).toBe('0.05');
    expect(minorToMajor('-1234', 'kwd')).toBe('-1.234');
  });

  it('stays exact beyond 2^53', () => {
    const huge = price({ unit_amount_decimal: '90071992547409930', recurring: recurring('year') });
    expect(mrrOf(sub([item(huge)]))).toBe('7505999378950828'); // 90071992547409930 / 12 = …827.5 → even
  });
});

describe('MRR inputs', () => {
  it("takes stripe-node's own types without casts (checked by the compiler)", () => {
    const fromSdk = (subscriptions: Stripe.Subscription[], prices: Map<string, Stripe.Price>, coupons: Map<string, Stripe.Coupon>, discounts: Map<string, Stripe.Discount>) =>
      computeMrr(subscriptions, { prices, coupons, discounts });
    expect(fromSdk([], new Map(), new Map(), new Map())).toEqual({ subscriptions: [], customers: [], totals: [] });
  });
});

describe('rational helpers', () => {
  it('parses decimals exactly, exponents included', () => {
    expect(parseDecimal('0.0125')).toEqual(rational(1n, 80n));
    expect(parseDecimal(1e-7)).toEqual(rational(1n, 10_000_000n));
    expect(parseDecimal('-3.50')).toEqual(rational(-7n, 2n));
    expect(() => parseDecimal('abc')).toThrow(/not a decimal/);
  });

  it('rounds half to even, both signs', () => {
    expect([rational(5n, 2n), rational(7n, 2n), rational(-5n, 2n), rational(-7n, 2n), rational(-8n, 3n), rational(8n, 3n)].map(roundHalfEven)).toEqual([2n, 4n, -2n, -4n, -3n, 3n]);
  });
});
