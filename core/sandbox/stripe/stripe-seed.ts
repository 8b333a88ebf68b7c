import { createCoupon, createPrice, createProduct, type PriceInput } from './stripe-catalog.ts';
import { createCustomer } from './stripe-customers.ts';
import type { StripeEnv } from './stripe-env.ts';
import type { PriceShape, SubscriptionShape } from './stripe-objects.ts';
import { cancelSubscription, createSubscription, renewSubscription, setSubscriptionStatus, type SubscriptionStatus } from './stripe-subscriptions.ts';

export interface SeedCompany {
  id: string;
  name: string;
  domain: string;
}

export interface SeedInput {
  companies: readonly SeedCompany[];
  random: () => number;
}

export interface SeedLink {
  companyId: string;
  customerId: string;
}

/** A seeding env whose clock the seeder moves (to place objects in the past) within the real `now`. */
export interface SeedEnv extends StripeEnv {
  setNow(seconds: number): void;
}

const DAY = 86_400;
/** Seeded history stays inside the Events API's 30 days, so a fresh mirror can read every event. */
const HISTORY_DAYS = 28;

interface CatalogPrice {
  lookupKey: string;
  product: string;
  input: Omit<PriceInput, 'product' | 'lookup_key'>;
}

const PRODUCTS = [
  { key: 'starter', name: 'Starter', unitLabel: 'seat' },
  { key: 'pro', name: 'Pro', unitLabel: 'seat' },
  { key: 'team', name: 'Team Pass', unitLabel: 'seat' },
  { key: 'enterprise', name: 'Enterprise (volume)', unitLabel: 'seat' },
  { key: 'seats', name: 'Seats (graduated)', unitLabel: 'seat' },
  { key: 'api', name: 'API calls', unitLabel: 'call' },
  { key: 'support', name: 'Priority support', unitLabel: null },
  { key: 'records', name: 'Record packs', unitLabel: 'record' },
] as const;

const monthly = { interval: 'month' } as const;
const CATALOG: CatalogPrice[] = [
  { lookupKey: 'seed_starter_monthly_usd', product: 'starter', input: { currency: 'usd', unit_amount: 2900, recurring: monthly } },
  { lookupKey: 'seed_starter_yearly_usd', product: 'starter', input: { currency: 'usd', unit_amount: 29000, recurring: { interval: 'year' } } },
  { lookupKey: 'seed_pro_monthly_usd', product: 'pro', input: { currency: 'usd', unit_amount: 9900, recurring: monthly } },
  { lookupKey: 'seed_pro_yearly_usd', product: 'pro', input: { currency: 'usd', unit_amount: 99000, recurring: { interval: 'year' } } },
  { lookupKey: 'seed_pro_monthly_eur', product: 'pro', input: { currency: 'eur', unit_amount: 8900, recurring: monthly } },
  { lookupKey: 'seed_pro_yearly_eur', product: 'pro', input: { currency: 'eur', unit_amount: 89000, recurring: { interval: 'year' } } },
  { lookupKey: 'seed_pro_monthly_jpy', product: 'pro', input: { currency: 'jpy', unit_amount: 12000, recurring: monthly } },
  { lookupKey: 'seed_team_weekly_usd', product: 'team', input: { currency: 'usd', unit_amount: 1500, recurring: { interval: 'week' } } },
  {
    lookupKey: 'seed_enterprise_volume_usd',
    product: 'enterprise',
    input: {
      currency: 'usd',
      billing_scheme: 'tiered',
      tiers_mode: 'volume',
      tiers: [
        { up_to: 10, unit_amount: 4000 },
        { up_to: 50, unit_amount: 3000 },
        { up_to: 'inf', unit_amount: 2000 },
      ],
      recurring: monthly,
    },
  },
  {
    lookupKey: 'seed_seats_graduated_usd',
    product: 'seats',
    input: {
      currency: 'usd',
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      tiers: [
        { up_to: 5, unit_amount: 5000, flat_amount: 10000 },
        { up_to: 20, unit_amount: 4000 },
        { up_to: 'inf', unit_amount: 3000 },
      ],
      recurring: monthly,
    },
  },
  { lookupKey: 'seed_api_metered_usd', product: 'api', input: { currency: 'usd', unit_amount_decimal: '0.5', recurring: { interval: 'month', usage_type: 'metered', meter: 'mtr_seed_api_calls' } } },
  { lookupKey: 'seed_support_quarterly_usd', product: 'support', input: { currency: 'usd', unit_amount: 30000, recurring: { interval: 'month', interval_count: 3 } } },
  { lookupKey: 'seed_records_packs_usd', product: 'records', input: { currency: 'usd', unit_amount: 1000, transform_quantity: { divide_by: 1000, round: 'up' }, recurring: monthly } },
];

const COUPONS = [
  { id: 'SEED-FOREVER-20', duration: 'forever', percent_off: '20', name: '20% off, forever' },
  { id: 'SEED-LAUNCH-25', duration: 'repeating', duration_in_months: 3, percent_off: '25', name: 'Launch: 25% off for 3 months' },
  { id: 'SEED-WELCOME-10', duration: 'once', amount_off: 1000, currency: 'usd', name: '$10 off the first invoice' },
] as const;

type Plan = 'starter_monthly' | 'starter_yearly' | 'pro_monthly' | 'pro_yearly' | 'team_weekly' | 'enterprise' | 'seats' | 'support' | 'records' | 'pro_monthly_eur' | 'pro_yearly_eur' | 'pro_monthly_jpy';

interface Scenario {
  plan: Plan;
  currency: 'usd' | 'eur' | 'jpy';
  status: 'active' | 'trialing' | 'past_due' | 'canceled' | 'unpaid' | 'paused';
  coupon?: (typeof COUPONS)[number]['id'];
  metered?: boolean;
}

/** Every case the app has to handle appears in the first customers, whatever the seed. */
const REQUIRED: Scenario[] = [
  { plan: 'pro_monthly', currency: 'usd', status: 'active', metered: true },
  { plan: 'starter_yearly', currency: 'usd', status: 'active', coupon: 'SEED-FOREVER-20' },
  { plan: 'team_weekly', currency: 'usd', status: 'past_due' },
  { plan: 'enterprise', currency: 'usd', status: 'active' },
  { plan: 'seats', currency: 'usd', status: 'active', coupon: 'SEED-LAUNCH-25' },
  { plan: 'starter_monthly', currency: 'usd', status: 'trialing' },
  { plan: 'pro_monthly', currency: 'usd', status: 'canceled' },
  { plan: 'pro_monthly_eur', currency: 'eur', status: 'active' },
  { plan: 'pro_monthly_jpy', currency: 'jpy', status: 'active' },
  { plan: 'support', currency: 'usd', status: 'active' },
  { plan: 'records', currency: 'usd', status: 'active', coupon: 'SEED-WELCOME-10' },
];

const weighted = <T>(random: () => number, choices: ReadonlyArray<readonly [T, number]>): T => {
  const total = choices.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return choices.at(-1)![0];
};

function randomScenario(random: () => number): Scenario {
  const currency = weighted(random, [
    ['usd', 82],
    ['eur', 12],
    ['jpy', 6],
  ] as const);
  const plan: Plan =
    currency === 'eur'
      ? weighted(random, [
          ['pro_monthly_eur', 3],
          ['pro_yearly_eur', 1],
        ] as const)
      : currency === 'jpy'
        ? 'pro_monthly_jpy'
        : weighted(random, [
            ['starter_monthly', 25],
            ['starter_yearly', 10],
            ['pro_monthly', 20],
            ['pro_yearly', 10],
            ['team_weekly', 8],
            ['enterprise', 7],
            ['seats', 7],
            ['support', 5],
            ['records', 5],
          ] as const);
  const status = weighted(random, [
    ['active', 78],
    ['trialing', 6],
    ['past_due', 5],
    ['canceled', 7],
    ['unpaid', 2],
    ['paused', 2],
  ] as const);
  const coupon = weighted(random, [
    [undefined, 77],
    ['SEED-FOREVER-20', 10],
    ['SEED-LAUNCH-25', 8],
    ['SEED-WELCOME-10', 5],
  ] as const);
  const metered = plan === 'pro_monthly' && random() < 0.3;
  // The $10 coupon is in dollars; it can't apply to euro or yen subscriptions.
  return { plan, currency, status, ...(coupon && (currency === 'usd' || coupon !== 'SEED-WELCOME-10') ? { coupon } : {}), ...(metered ? { metered } : {}) };
}

const PLAN_PRICES: Record<Plan, string> = {
  starter_monthly: 'seed_starter_monthly_usd',
  starter_yearly: 'seed_starter_yearly_usd',
  pro_monthly: 'seed_pro_monthly_usd',
  pro_yearly: 'seed_pro_yearly_usd',
  team_weekly: 'seed_team_weekly_usd',
  enterprise: 'seed_enterprise_volume_usd',
  seats: 'seed_seats_graduated_usd',
  support: 'seed_support_quarterly_usd',
  records: 'seed_records_packs_usd',
  pro_monthly_eur: 'seed_pro_monthly_eur',
  pro_yearly_eur: 'seed_pro_yearly_eur',
  pro_monthly_jpy: 'seed_pro_monthly_jpy',
};

function quantityFor(plan: Plan, random: () => number): number {
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  switch (plan) {
    case 'enterprise':
      return between(5, 80);
    case 'seats':
      return between(1, 30);
    case 'records':
      return between(500, 20_000);
    case 'support':
      return 1;
    default:
      return between(1, 12);
  }
}

const MAILBOXES = ['billing', 'finance', 'accounts', 'ap', 'payments', 'admin'];

/** Creates (or finds, from an earlier seeding) the catalog: products, prices by lookup key, coupons. */
function ensureCatalog(env: SeedEnv, start: number): Map<string, PriceShape> {
  const prices = new Map<string, PriceShape>();
  const missing = CATALOG.filter((c) => !env.store.findByLookup('price', c.lookupKey));
  const productIds = new Map<string, string>();
  if (missing.length > 0) {
    env.setNow(start);
    for (const product of PRODUCTS) {
      if (!missing.some((c) => c.product === product.key)) continue;
      productIds.set(product.key, createProduct(env, { name: product.name, unit_label: product.unitLabel, metadata: { catalog: 'syncdesk-seed' } }).id);
    }
    for (const entry of missing) createPrice(env, { ...entry.input, product: productIds.get(entry.product)!, lookup_key: entry.lookupKey, nickname: entry.lookupKey.replace(/^seed_/, '').replaceAll('_', ' ') });
    for (const coupon of COUPONS) if (!env.find('coupon', coupon.id)) createCoupon(env, { ...coupon });
  }
  for (const entry of CATALOG) prices.set(entry.lookupKey, env.store.findByLookup('price', entry.lookupKey) as PriceShape);
  return prices;
}

/**
 * Seeds customers and subscriptions for about 60% of the companies, deterministically from
 * `random` (same companies and random sequence on an empty sandbox → the same objects, ids and
 * timestamps relative to now). History spans the last 28 days of the simulated clock; weekly
 * subscriptions have renewed in that time, and the events are all within the 30-day window.
 */
export function seedStripe(env: SeedEnv, input: SeedInput, nowSeconds: number): SeedLink[] {
  const { random } = input;
  const start = nowSeconds - HISTORY_DAYS * DAY;
  const prices = ensureCatalog(env, start);
  const links: SeedLink[] = [];
  let required = 0;
  for (const company of input.companies) {
    if (random() >= 0.6) continue;
    const scenario = required < REQUIRED.length ? REQUIRED[required++]! : randomScenario(random);
    const createdAt = start + DAY + Math.floor(random() * (HISTORY_DAYS - 2) * DAY);
    env.setNow(createdAt);
    const mailbox = MAILBOXES[Math.floor(random() * MAILBOXES.length)]!;
    const customer = createCustomer(env, { email: `${mailbox}@${company.domain}`, name: company.name, description: `Seeded for ${company.domain}` });
    links.push({ companyId: company.id, customerId: customer.id });
    const price = prices.get(PLAN_PRICES[scenario.plan])!;
    const items: Array<{ price: string; quantity?: number }> = [{ price: price.id, quantity: quantityFor(scenario.plan, random) }];
    if (scenario.metered) items.push({ price: prices.get('seed_api_metered_usd')!.id });
    const subscribedAt = Math.min(createdAt + Math.floor(random() * 2 * DAY), nowSeconds - 3600);
    env.setNow(subscribedAt);
    let subscription = createSubscription(
      env,
      {
        customer: customer.id,
        items,
        ...(scenario.coupon ? { discounts: [{ coupon: scenario.coupon }] } : {}),
        ...(scenario.status === 'trialing' ? { trial_end: Math.max(subscribedAt + 14 * DAY, nowSeconds + 2 * DAY) } : {}),
      },
      { created: subscribedAt },
    );
    subscription = playOut(env, subscription, scenario.status, subscribedAt, nowSeconds, random);
  }
  env.setNow(nowSeconds);
  return links;
}

/** Moves a new subscription through the days up to now: its status changes and the renewals due. */
function playOut(env: SeedEnv, subscription: SubscriptionShape, status: Scenario['status'], subscribedAt: number, nowSeconds: number, random: () => number): SubscriptionShape {
  const changeAt = Math.min(subscribedAt + DAY + Math.floor(random() * 3 * DAY), nowSeconds - 60);
  let changed = status === 'active' || status === 'trialing';
  for (;;) {
    const periodEnd = Math.min(...subscription.items.data.map((i) => i.current_period_end));
    if (!changed && changeAt < periodEnd) {
      env.setNow(changeAt);
      if (status === 'canceled') return cancelSubscription(env, subscription, {});
      subscription = setSubscriptionStatus(env, subscription, status as SubscriptionStatus);
      changed = true;
    }
    if (periodEnd > nowSeconds || ['paused', 'canceled'].includes(subscription.status)) return subscription;
    env.setNow(periodEnd);
    subscription = renewSubscription(env, subscription);
  }
}
