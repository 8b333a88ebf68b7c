import { invalidRequest } from './stripe-errors.ts';
import type { ObjectType } from './stripe-store.ts';

/**
 * `expand[]`: replaces ids with the objects they name, along dotted paths (`customer`,
 * `items.data.price.product`, `data.discounts.source.coupon` on lists), up to Stripe's four
 * levels. A path through an embedded object (an item's `price`) is walked without fetching.
 * Includable fields (`tiers` on a price, `applies_to` on a coupon) are kept where a path names
 * them; everywhere else they are dropped afterwards. Unknown or non-expandable paths get
 * Stripe's 400.
 */

/** Fields that hold an expandable id, and the type of object they name (undefined: never set in the sandbox, so always null). */
const EXPANDABLE: Record<string, ObjectType | undefined> = {
  customer: 'customer',
  product: 'product',
  price: 'price',
  default_price: 'price',
  latest_invoice: 'invoice',
  invoice: 'invoice',
  subscription: 'subscription',
  discounts: 'discount',
  discount: 'discount',
  coupon: 'coupon',
  default_payment_method: undefined,
  default_source: undefined,
  schedule: undefined,
  test_clock: undefined,
  on_behalf_of: undefined,
  application: undefined,
  pending_setup_intent: undefined,
  latest_revision: undefined,
  promotion_code: undefined,
  checkout_session: undefined,
  payment_intent: undefined,
  charge: undefined,
  customer_account: undefined,
};

const INCLUDABLE: Record<string, string> = { tiers: 'price', applies_to: 'coupon' };

const MAX_DEPTH = 4;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Expander {
  /** The object an id names, as the API shows it (a fresh copy), or undefined if there is none. Throws for missing permissions. */
  resolve(type: ObjectType, id: string): Json | undefined;
}

/** Applies `paths` to `root` in place; returns the set of objects whose includable fields were asked for. */
export function expandPaths(root: Json, paths: readonly string[], expander: Expander): Set<object> {
  const keep = new Set<object>();
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > MAX_DEPTH) throw invalidRequest(`You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`, { param: 'expand' });
    if (segments.some((s) => s === '')) throw invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
    walk(root, segments, path, expander, keep);
  }
  return keep;
}

function walk(node: unknown, segments: string[], path: string, expander: Expander, keep: Set<object>): void {
  if (Array.isArray(node)) {
    for (const element of node) walk(element, segments, path, expander, keep);
    return;
  }
  if (!isObject(node)) return;
  const cannot = () => invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
  const [field, ...rest] = segments as [string, ...string[]];
  if (rest.length === 0 && field in INCLUDABLE && INCLUDABLE[field] === node.object) {
    keep.add(node);
    return;
  }
  if (!(field in node)) throw cannot();
  const expandable = field in EXPANDABLE;
  const type = EXPANDABLE[field];
  const value = node[field];
  if (value === null) {
    if (!expandable) throw cannot();
    return;
  }
  if (typeof value === 'string') {
    if (!expandable) throw cannot();
    const expanded = type ? expander.resolve(type, value) : undefined;
    if (!expanded) return;
    node[field] = expanded;
    if (rest.length > 0) walk(expanded, rest, path, expander, keep);
    return;
  }
  if (Array.isArray(value)) {
    if (type) node[field] = value.map((v) => (typeof v === 'string' ? (expander.resolve(type, v) ?? v) : v));
    if (rest.length > 0) walk(node[field], rest, path, expander, keep);
    else if (!expandable) throw cannot();
    return;
  }
  if (!isObject(value)) throw cannot();
  // Already an object (embedded, like an item's price, or expanded by an earlier path).
  if (rest.length > 0) walk(value, rest, path, expander, keep);
  else if (!expandable) throw cannot();
}
