import type { StripeEnv } from './stripe-env.ts';
import { invalidRequest, noSuch, StripeApiError } from './stripe-errors.ts';
import { couponObject, type CouponShape, deletedObject, priceObject, type PriceShape, productObject, type StoredTier } from './stripe-objects.ts';
import { applyMetadata, EXPAND, type MetadataUpdate, p, PAGINATION, type RangeFilter } from './stripe-params.ts';
import { listPage, type PageParams, retrieve, route, type Route } from './stripe-routes.ts';
import type { Condition, StripeObject } from './stripe-store.ts';

// ── products ──────────────────────────────────────────────────────────────

export interface ProductInput {
  id?: string;
  name?: string;
  active?: boolean;
  description?: string | null;
  metadata?: MetadataUpdate;
  unit_label?: string | null;
  default_price?: string | null;
  default_price_data?: { currency: string; unit_amount?: number; unit_amount_decimal?: string; recurring?: { interval: string; interval_count?: number } };
}

export function createProduct(env: StripeEnv, input: ProductInput & { name: string }, created = env.now()): StripeObject {
  const id = input.id ?? env.ids.id('prod');
  if (env.store.get(id)) throw invalidRequest(`Product already exists.`, { param: 'id', code: 'resource_already_exists' });
  const product = productObject({
    id,
    created,
    name: input.name,
    active: input.active ?? true,
    description: input.description ?? null,
    metadata: applyMetadata({}, input.metadata),
    unitLabel: input.unit_label ?? null,
  });
  env.store.insert('product', product);
  env.emit('product.created', 'product', product);
  if (input.default_price_data) {
    const { currency, unit_amount, unit_amount_decimal, recurring } = input.default_price_data;
    const price = createPrice(env, {
      currency,
      product: id,
      ...(unit_amount !== undefined ? { unit_amount } : {}),
      ...(unit_amount_decimal !== undefined ? { unit_amount_decimal } : {}),
      ...(recurring ? { recurring } : {}),
    });
    updateProduct(env, product, (p) => {
      p.default_price = price.id;
    });
  }
  return product;
}

function updateProduct(env: StripeEnv, product: StripeObject, change: (p: StripeObject) => void): StripeObject {
  const before = env.render('product', product);
  change(product);
  if (JSON.stringify(before) === JSON.stringify(product)) return product;
  product.updated = env.now();
  env.store.save('product', product);
  env.emit('product.updated', 'product', product, before);
  return product;
}

const PRODUCT_IGNORED = Object.fromEntries(['images', 'marketing_features', 'package_dimensions', 'shippable', 'statement_descriptor', 'tax_code', 'tax_details', 'url'].map((k) => [k, p.ignored()]));

function productRoutes(env: StripeEnv): Route[] {
  const editable = {
    name: p.string(),
    active: p.boolean(),
    description: p.string({ nullable: true }),
    metadata: p.metadata(),
    unit_label: p.string({ nullable: true }),
    ...PRODUCT_IGNORED,
  };
  return [
    route<ProductInput & { name: string }>({
      method: 'POST',
      path: '/v1/products',
      permission: 'rak_product_write',
      params: {
        ...EXPAND,
        ...editable,
        name: p.string({ required: true }),
        id: p.string(),
        type: p.string({ oneOf: ['good', 'service'] }),
        default_price_data: p.object({
          currency: p.string({ required: true }),
          unit_amount: p.integer({ min: 0 }),
          unit_amount_decimal: p.decimal({ min: 0 }),
          recurring: p.object({ interval: p.string({ required: true, oneOf: INTERVALS }), interval_count: p.integer({ min: 1 }) }),
          tax_behavior: p.ignored(),
          currency_options: p.ignored(),
          custom_unit_amount: p.ignored(),
        }),
      },
      handle: (input) => createProduct(env, input),
    }),
    route<object>({ method: 'GET', path: '/v1/products/:id', permission: 'rak_product_read', params: EXPAND, handle: (_i, { id }) => retrieve(env, 'product', id!) }),
    route<ProductInput>({
      method: 'POST',
      path: '/v1/products/:id',
      permission: 'rak_product_write',
      params: { ...EXPAND, ...editable, default_price: p.string({ nullable: true }) },
      handle: (input, { id }) => {
        const product = retrieve(env, 'product', id!);
        if (input.default_price) {
          const price = env.find<PriceShape>('price', input.default_price);
          if (!price || price.object.product !== product.id) throw noSuch('price', input.default_price, 'default_price', 400);
        }
        return updateProduct(env, product, (pr) => {
          if (input.name !== undefined) pr.name = input.name;
          if (input.active !== undefined) pr.active = input.active;
          if (input.description !== undefined) pr.description = input.description;
          if (input.unit_label !== undefined) pr.unit_label = input.unit_label;
          if (input.default_price !== undefined) pr.default_price = input.default_price;
          pr.metadata = applyMetadata(pr.metadata as Record<string, string>, input.metadata);
        });
      },
    }),
    route<object>({
      method: 'DELETE',
      path: '/v1/products/:id',
      permission: 'rak_product_write',
      params: {},
      handle: (_i, { id }) => {
        const product = retrieve(env, 'product', id!);
        if (env.store.list('price', { conditions: [{ column: 'parent', op: '=', value: product.id }], limit: 1 }).data.length > 0) {
          throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.', { param: 'id' });
        }
        env.store.markDeleted(product.id);
        env.emit('product.deleted', 'product', product);
        return deletedObject(product.id, 'product');
      },
    }),
    route<PageParams & { active?: boolean; ids?: string[]; created?: RangeFilter }>({
      method: 'GET',
      path: '/v1/products',
      permission: 'rak_product_read',
      params: { ...PAGINATION, active: p.boolean(), ids: p.array(p.string()), created: p.range(), shippable: p.ignored(), type: p.ignored(), url: p.ignored() },
      handle: (input) => {
        const conditions: Condition[] = [];
        if (input.active !== undefined) conditions.push({ column: 'status', op: '=', value: input.active ? 'active' : 'inactive' });
        const ids = input.ids ? new Set(input.ids) : undefined;
        return listPage(env, 'product', '/v1/products', input, { conditions, ...(ids ? { filter: (o) => ids.has(o.id) } : {}) });
      },
    }),
  ];
}

// ── prices ────────────────────────────────────────────────────────────────

export const INTERVALS = ['day', 'month', 'week', 'year'] as const;

export interface TierInput {
  up_to: number | 'inf';
  unit_amount?: number;
  unit_amount_decimal?: string;
  flat_amount?: number;
  flat_amount_decimal?: string;
}

export interface PriceInput {
  currency: string;
  product?: string;
  product_data?: { name: string; active?: boolean; metadata?: MetadataUpdate; unit_label?: string };
  active?: boolean;
  billing_scheme?: 'per_unit' | 'tiered';
  unit_amount?: number;
  unit_amount_decimal?: string;
  tiers?: TierInput[];
  tiers_mode?: 'graduated' | 'volume';
  transform_quantity?: { divide_by: number; round: 'up' | 'down' };
  recurring?: { interval: string; interval_count?: number; usage_type?: 'licensed' | 'metered'; meter?: string; trial_period_days?: number };
  lookup_key?: string | null;
  transfer_lookup_key?: boolean;
  nickname?: string | null;
  metadata?: MetadataUpdate;
  tax_behavior?: string;
}

/**
 * A whole number of minor units gives both of Stripe's fields; a fractional `*_decimal` leaves the
 * integer field null. `at` names the parameter's parent (`tiers[0]`), empty at the top level.
 */
function amountFields(integer: number | undefined, decimal: string | undefined, name: 'unit_amount' | 'flat_amount', at = ''): [number | null, string | null] {
  const path = (field: string) => (at ? `${at}[${field}]` : field);
  if (integer !== undefined && decimal !== undefined) {
    throw invalidRequest(`You may only specify one of these parameters: ${path(name)}, ${path(`${name}_decimal`)}.`, { param: path(name), code: 'parameters_exclusive' });
  }
  if (integer !== undefined) return [integer, String(integer)];
  if (decimal !== undefined) {
    const [, fraction = ''] = decimal.split('.');
    if (fraction.length > 12) throw invalidRequest(`Invalid decimal: ${decimal}. At most 12 decimal places are allowed.`, { param: path(`${name}_decimal`) });
    const normalized = decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal;
    return [/^\d+$/.test(normalized) ? Number(normalized) : null, normalized];
  }
  return [null, null];
}

export function createPrice(env: StripeEnv, input: PriceInput, created = env.now(), options: { inline?: boolean } = {}): PriceShape {
  const currency = input.currency.toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${input.currency}. Stripe currently supports these currencies: usd, eur, gbp, jpy, …`, { param: 'currency' });
  if (input.product !== undefined && input.product_data !== undefined) throw invalidRequest('You may only specify one of these parameters: product, product_data.', { param: 'product', code: 'parameters_exclusive' });
  let productId = input.product;
  if (productId === undefined && input.product_data === undefined) throw invalidRequest('Missing required param: product.', { param: 'product', code: 'parameter_missing' });
  if (productId !== undefined) {
    const found = env.find('product', productId);
    if (!found || found.deleted) throw noSuch('product', productId, 'product', 400);
  }
  const billingScheme = input.billing_scheme ?? 'per_unit';
  let tiers: StoredTier[] | undefined;
  const [unitAmount, unitAmountDecimal] = amountFields(input.unit_amount, input.unit_amount_decimal, 'unit_amount');
  if (billingScheme === 'tiered') {
    if (!input.tiers || input.tiers.length === 0) throw invalidRequest('Missing required param: tiers.', { param: 'tiers', code: 'parameter_missing' });
    if (!input.tiers_mode) throw invalidRequest('Missing required param: tiers_mode.', { param: 'tiers_mode', code: 'parameter_missing' });
    if (unitAmountDecimal !== null) throw invalidRequest('You may not specify `unit_amount` with `billing_scheme=tiered`; set amounts on each tier.', { param: 'unit_amount' });
    if (input.transform_quantity) throw invalidRequest('You may not use `transform_quantity` with `billing_scheme=tiered`.', { param: 'transform_quantity' });
    tiers = readTiers(input.tiers);
  } else {
    if (input.tiers || input.tiers_mode) throw invalidRequest('Tiers can only be set when `billing_scheme` is `tiered`.', { param: input.tiers ? 'tiers' : 'tiers_mode' });
    if (unitAmountDecimal === null) throw invalidRequest('Missing required param: unit_amount.', { param: 'unit_amount', code: 'parameter_missing' });
  }
  const recurring = input.recurring;
  if (recurring?.usage_type === 'metered' && !recurring.meter) {
    throw invalidRequest('Prices with `usage_type=metered` must be backed by a meter: pass `recurring[meter]`.', { param: 'recurring[meter]', code: 'parameter_missing' });
  }
  if (recurring) {
    const maxCount = { day: 1095, week: 156, month: 36, year: 3 }[recurring.interval as 'day'] ?? 1;
    if ((recurring.interval_count ?? 1) > maxCount) throw invalidRequest(`Invalid recurring[interval_count]: the maximum for a ${recurring.interval} interval is ${maxCount}.`, { param: 'recurring[interval_count]' });
  }
  if (input.lookup_key) {
    const holder = env.store.findByLookup('price', input.lookup_key);
    if (holder && !input.transfer_lookup_key) throw invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key.`, { param: 'lookup_key' });
    if (holder) releaseLookupKey(env, holder as PriceShape);
  }
  if (productId === undefined) productId = createProduct(env, { ...input.product_data!, name: input.product_data!.name }, created).id;
  const price = priceObject({
    id: env.ids.id('price'),
    created,
    active: options.inline ? false : (input.active ?? true),
    billing_scheme: billingScheme,
    currency,
    lookup_key: input.lookup_key ?? null,
    metadata: applyMetadata({}, input.metadata),
    nickname: input.nickname ?? null,
    product: productId,
    recurring: recurring
      ? { interval: recurring.interval, interval_count: recurring.interval_count ?? 1, meter: recurring.meter ?? null, trial_period_days: recurring.trial_period_days ?? null, usage_type: recurring.usage_type ?? 'licensed' }
      : null,
    ...(tiers ? { tiers } : {}),
    tiers_mode: billingScheme === 'tiered' ? input.tiers_mode! : null,
    transform_quantity: input.transform_quantity ?? null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: unitAmountDecimal,
    ...(input.tax_behavior ? { tax_behavior: input.tax_behavior } : {}),
  });
  env.store.insert('price', price);
  env.emit('price.created', 'price', price);
  return price;
}

function readTiers(input: TierInput[]): StoredTier[] {
  let previous = 0;
  return input.map((tier, index) => {
    const param = `tiers[${index}]`;
    const last = index === input.length - 1;
    if (last !== (tier.up_to === 'inf')) {
      throw invalidRequest(last ? 'The last tier must have `up_to` set to `inf`.' : 'Only the last tier may have `up_to` set to `inf`.', { param: `${param}[up_to]` });
    }
    if (tier.up_to !== 'inf') {
      if (tier.up_to <= previous) throw invalidRequest('Tiers must be sorted by `up_to`, ascending, without duplicates.', { param: `${param}[up_to]` });
      previous = tier.up_to;
    }
    const [unit, unitDecimal] = amountFields(tier.unit_amount, tier.unit_amount_decimal, 'unit_amount', param);
    const [flat, flatDecimal] = amountFields(tier.flat_amount, tier.flat_amount_decimal, 'flat_amount', param);
    if (unitDecimal === null && flatDecimal === null) throw invalidRequest('Each tier needs `unit_amount` or `flat_amount`.', { param: `${param}[unit_amount]` });
    return { flat_amount: flat, flat_amount_decimal: flatDecimal, unit_amount: unit, unit_amount_decimal: unitDecimal, up_to: tier.up_to === 'inf' ? null : tier.up_to };
  });
}

function updatePrice(env: StripeEnv, price: PriceShape, change: (p: PriceShape) => void): PriceShape {
  const before = env.render('price', price);
  change(price);
  if (JSON.stringify(before) === JSON.stringify(price)) return price;
  env.store.save('price', price);
  env.emit('price.updated', 'price', price, before);
  return price;
}

function releaseLookupKey(env: StripeEnv, holder: PriceShape): void {
  updatePrice(env, holder, (p) => {
    p.lookup_key = null;
  });
}

/** `up_to` arrives as an integer or the word "inf". */
const tierUpTo = p.string({ required: true });

function priceRoutes(env: StripeEnv): Route[] {
  const tier = p.object({
    up_to: tierUpTo,
    unit_amount: p.integer({ min: 0 }),
    unit_amount_decimal: p.decimal({ min: 0 }),
    flat_amount: p.integer({ min: 0 }),
    flat_amount_decimal: p.decimal({ min: 0 }),
  });
  return [
    route<Omit<PriceInput, 'tiers'> & { tiers?: Array<Omit<TierInput, 'up_to'> & { up_to: string }> }>({
      method: 'POST',
      path: '/v1/prices',
      permission: 'rak_plan_write',
      params: {
        ...EXPAND,
        currency: p.string({ required: true }),
        product: p.string(),
        product_data: p.object({ name: p.string({ required: true }), active: p.boolean(), metadata: p.metadata(), unit_label: p.string(), id: p.ignored(), statement_descriptor: p.ignored(), tax_code: p.ignored(), tax_details: p.ignored() }),
        active: p.boolean(),
        billing_scheme: p.string({ oneOf: ['per_unit', 'tiered'] }),
        unit_amount: p.integer({ min: 0 }),
        unit_amount_decimal: p.decimal({ min: 0 }),
        tiers: p.array(tier, { max: 250 }),
        tiers_mode: p.string({ oneOf: ['graduated', 'volume'] }),
        transform_quantity: p.object({ divide_by: p.integer({ required: true, min: 1 }), round: p.string({ required: true, oneOf: ['down', 'up'] }) }),
        recurring: p.object({
          interval: p.string({ required: true, oneOf: INTERVALS }),
          interval_count: p.integer({ min: 1 }),
          usage_type: p.string({ oneOf: ['licensed', 'metered'] }),
          meter: p.string(),
          trial_period_days: p.integer({ min: 1 }),
        }),
        lookup_key: p.string(),
        transfer_lookup_key: p.boolean(),
        nickname: p.string(),
        metadata: p.metadata(),
        tax_behavior: p.string({ oneOf: ['exclusive', 'inclusive', 'unspecified'] }),
        currency_options: p.ignored(),
        custom_unit_amount: p.ignored(),
      },
      handle: (input) => {
        const tiers = input.tiers?.map((t, i): TierInput => {
          if (t.up_to === 'inf') return { ...t, up_to: 'inf' };
          if (!/^\d+$/.test(t.up_to)) throw invalidRequest(`Invalid integer: ${t.up_to}`, { param: `tiers[${i}][up_to]`, code: 'parameter_invalid_integer' });
          return { ...t, up_to: Number(t.up_to) };
        });
        const { tiers: _raw, ...rest } = input;
        return createPrice(env, { ...rest, ...(tiers ? { tiers } : {}) });
      },
    }),
    route<object>({ method: 'GET', path: '/v1/prices/:id', permission: 'rak_plan_read', params: EXPAND, handle: (_i, { id }) => retrieve(env, 'price', id!) }),
    route<Pick<PriceInput, 'active' | 'lookup_key' | 'transfer_lookup_key' | 'nickname' | 'metadata' | 'tax_behavior'>>({
      method: 'POST',
      path: '/v1/prices/:id',
      permission: 'rak_plan_write',
      params: {
        ...EXPAND,
        active: p.boolean(),
        lookup_key: p.string({ nullable: true }),
        transfer_lookup_key: p.boolean(),
        nickname: p.string({ nullable: true }),
        metadata: p.metadata(),
        tax_behavior: p.string({ oneOf: ['exclusive', 'inclusive', 'unspecified'] }),
        currency_options: p.ignored(),
      },
      handle: (input, { id }) => {
        const price = retrieve<PriceShape>(env, 'price', id!);
        if (input.lookup_key) {
          const holder = env.store.findByLookup('price', input.lookup_key);
          if (holder && holder.id !== price.id) {
            if (!input.transfer_lookup_key) throw invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key.`, { param: 'lookup_key' });
            releaseLookupKey(env, holder as PriceShape);
          }
        }
        return updatePrice(env, price, (pr) => {
          if (input.active !== undefined) pr.active = input.active;
          if (input.lookup_key !== undefined) pr.lookup_key = input.lookup_key;
          if (input.nickname !== undefined) pr.nickname = input.nickname;
          if (input.tax_behavior !== undefined) pr.tax_behavior = input.tax_behavior;
          pr.metadata = applyMetadata(pr.metadata, input.metadata);
        });
      },
    }),
    route<PageParams & { active?: boolean; currency?: string; product?: string; type?: string; lookup_keys?: string[]; recurring?: { interval?: string; usage_type?: string; meter?: string }; created?: RangeFilter }>({
      method: 'GET',
      path: '/v1/prices',
      permission: 'rak_plan_read',
      params: {
        ...PAGINATION,
        active: p.boolean(),
        currency: p.string(),
        product: p.string(),
        type: p.string({ oneOf: ['one_time', 'recurring'] }),
        lookup_keys: p.array(p.string(), { max: 10 }),
        recurring: p.object({ interval: p.string({ oneOf: INTERVALS }), usage_type: p.string({ oneOf: ['licensed', 'metered'] }), meter: p.string() }),
        created: p.range(),
      },
      handle: (input) => {
        // Stripe lists active prices unless asked for inactive ones (inline prices are inactive).
        const conditions: Condition[] = [{ column: 'status', op: '=', value: input.active === false ? 'inactive' : 'active' }];
        if (input.product !== undefined) conditions.push({ column: 'parent', op: '=', value: input.product });
        if (input.lookup_keys !== undefined) conditions.push({ column: 'lookup', op: 'in', value: input.lookup_keys });
        const wanted = input.recurring;
        const filter = (o: StripeObject) => {
          const price = o as PriceShape;
          if (input.currency !== undefined && price.currency !== input.currency.toLowerCase()) return false;
          if (input.type !== undefined && price.type !== input.type) return false;
          if (wanted?.interval !== undefined && price.recurring?.interval !== wanted.interval) return false;
          if (wanted?.usage_type !== undefined && price.recurring?.usage_type !== wanted.usage_type) return false;
          if (wanted?.meter !== undefined && price.recurring?.meter !== wanted.meter) return false;
          return true;
        };
        const needsFilter = input.currency !== undefined || input.type !== undefined || wanted !== undefined;
        return listPage(env, 'price', '/v1/prices', input, { conditions, ...(needsFilter ? { filter } : {}) });
      },
    }),
  ];
}

// ── coupons ───────────────────────────────────────────────────────────────

export interface CouponInput {
  id?: string;
  duration?: 'forever' | 'once' | 'repeating';
  duration_in_months?: number;
  percent_off?: string;
  amount_off?: number;
  currency?: string;
  currency_options?: Record<string, { amount_off: number }>;
  applies_to?: { products: string[] };
  max_redemptions?: number;
  redeem_by?: number;
  name?: string;
  metadata?: MetadataUpdate;
}

export function createCoupon(env: StripeEnv, input: CouponInput, created = env.now()): CouponShape {
  const id = input.id ?? env.ids.couponId();
  if (env.store.get(id)) throw invalidRequest('Coupon already exists.', { param: 'id', code: 'resource_already_exists' });
  const percentOff = input.percent_off !== undefined ? Number(input.percent_off) : null;
  if (percentOff === null && input.amount_off === undefined) throw invalidRequest('Missing required param: amount_off or percent_off.', { param: 'percent_off', code: 'parameter_missing' });
  if (percentOff !== null && input.amount_off !== undefined) throw invalidRequest('You may only specify one of these parameters: amount_off, percent_off.', { param: 'amount_off', code: 'parameters_exclusive' });
  if (percentOff !== null && (percentOff <= 0 || percentOff > 100)) throw invalidRequest('Invalid percent_off: must be greater than 0 and at most 100.', { param: 'percent_off' });
  if (input.amount_off !== undefined && !input.currency) throw invalidRequest('Missing required param: currency.', { param: 'currency', code: 'parameter_missing' });
  const duration = input.duration ?? 'once';
  if (duration === 'repeating' && input.duration_in_months === undefined) throw invalidRequest('Missing required param: duration_in_months.', { param: 'duration_in_months', code: 'parameter_missing' });
  if (duration !== 'repeating' && input.duration_in_months !== undefined) throw invalidRequest('`duration_in_months` can only be set when `duration` is `repeating`.', { param: 'duration_in_months' });
  const coupon = couponObject({
    id,
    amount_off: input.amount_off ?? null,
    created,
    currency: input.amount_off !== undefined ? input.currency!.toLowerCase() : null,
    duration,
    duration_in_months: input.duration_in_months ?? null,
    max_redemptions: input.max_redemptions ?? null,
    metadata: applyMetadata({}, input.metadata),
    name: input.name ?? null,
    percent_off: percentOff,
    redeem_by: input.redeem_by ?? null,
  });
  if (input.currency_options) coupon.currency_options = input.currency_options;
  if (input.applies_to) coupon.applies_to = { products: input.applies_to.products };
  env.store.insert('coupon', coupon);
  env.emit('coupon.created', 'coupon', coupon);
  return coupon;
}

function couponRoutes(env: StripeEnv): Route[] {
  return [
    route<Omit<CouponInput, 'currency_options'> & { currency_options?: Record<string, { amount_off: string }> }>({
      method: 'POST',
      path: '/v1/coupons',
      permission: 'rak_coupon_write',
      params: {
        ...EXPAND,
        id: p.string(),
        duration: p.string({ oneOf: ['forever', 'once', 'repeating'] }),
        duration_in_months: p.integer({ min: 1 }),
        percent_off: p.decimal({ min: 0, max: 100 }),
        amount_off: p.integer({ min: 1 }),
        currency: p.string(),
        currency_options: p.ignored(),
        applies_to: p.object({ products: p.array(p.string(), { required: true }) }),
        max_redemptions: p.integer({ min: 1 }),
        redeem_by: p.integer(),
        name: p.string(),
        metadata: p.metadata(),
      },
      handle: (input) => {
        const options = readCurrencyOptions(input.currency_options);
        const { currency_options: _raw, ...rest } = input;
        return createCoupon(env, { ...rest, ...(options ? { currency_options: options } : {}) });
      },
    }),
    route<object>({ method: 'GET', path: '/v1/coupons/:id', permission: 'rak_coupon_read', params: EXPAND, handle: (_i, { id }) => retrieve(env, 'coupon', id!) }),
    route<{ name?: string | null; metadata?: MetadataUpdate }>({
      method: 'POST',
      path: '/v1/coupons/:id',
      permission: 'rak_coupon_write',
      params: { ...EXPAND, name: p.string({ nullable: true }), metadata: p.metadata(), currency_options: p.ignored() },
      handle: (input, { id }) => {
        const coupon = retrieve<CouponShape>(env, 'coupon', id!);
        const before = env.render('coupon', coupon);
        if (input.name !== undefined) coupon.name = input.name;
        coupon.metadata = applyMetadata(coupon.metadata as Record<string, string>, input.metadata);
        if (JSON.stringify(before) !== JSON.stringify(coupon)) {
          env.store.save('coupon', coupon);
          env.emit('coupon.updated', 'coupon', coupon, before);
        }
        return coupon;
      },
    }),
    route<object>({
      method: 'DELETE',
      path: '/v1/coupons/:id',
      permission: 'rak_coupon_write',
      params: {},
      handle: (_i, { id }) => {
        const coupon = retrieve<CouponShape>(env, 'coupon', id!);
        env.store.markDeleted(coupon.id);
        env.emit('coupon.deleted', 'coupon', coupon);
        return deletedObject(coupon.id, 'coupon');
      },
    }),
    route<PageParams & { created?: RangeFilter }>({
      method: 'GET',
      path: '/v1/coupons',
      permission: 'rak_coupon_read',
      params: { ...PAGINATION, created: p.range() },
      handle: (input) => listPage(env, 'coupon', '/v1/coupons', input),
    }),
  ];
}

function readCurrencyOptions(raw: unknown): Record<string, { amount_off: number }> | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidRequest('Invalid hash: currency_options must be a hash.', { param: 'currency_options' });
  const out: Record<string, { amount_off: number }> = {};
  for (const [currency, option] of Object.entries(raw as Record<string, unknown>)) {
    const amount = (option as { amount_off?: unknown } | null)?.amount_off;
    if (typeof amount !== 'string' || !/^\d+$/.test(amount)) {
      throw new StripeApiError({ status: 400, type: 'invalid_request_error', message: `Invalid integer: ${String(amount)}`, param: `currency_options[${currency}][amount_off]`, code: 'parameter_invalid_integer' });
    }
    out[currency.toLowerCase()] = { amount_off: Number(amount) };
  }
  return out;
}

export function catalogRoutes(env: StripeEnv): Route[] {
  return [...productRoutes(env), ...priceRoutes(env), ...couponRoutes(env)];
}
