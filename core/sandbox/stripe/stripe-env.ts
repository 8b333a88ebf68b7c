import type { IdFactory } from './stripe-ids.ts';
import { API_VERSION, type ItemShape, planFromPrice, type PriceShape, type SubscriptionShape } from './stripe-objects.ts';
import type { ObjectType, StripeObject, StripeStore } from './stripe-store.ts';

/** Who caused an event: the API request (id and Idempotency-Key) or, for renewals, nobody. */
export interface EventRequest {
  id: string | null;
  idempotency_key: string | null;
}

/**
 * What every operation of the simulated account works with: storage, ids, the simulated clock in
 * unix seconds, and the event log. Operations run inside one SQLite transaction per request.
 */
export interface StripeEnv {
  store: StripeStore;
  ids: IdFactory;
  now(): number;
  /** The request being served, stamped on the events it causes. */
  request: EventRequest;
  /** An object as the API shows it: subscription items carry their current price and plan. */
  render(type: ObjectType, stored: StripeObject): StripeObject;
  /**
   * Records an event (or several, about the same state of one object). `before` is the object as
   * the API showed it before an update; the difference becomes `data.previous_attributes`.
   */
  emit(type: string | readonly string[], objectType: ObjectType, stored: StripeObject, before?: StripeObject): void;
  /** Stored objects by id, typed (undefined if absent or of another type). */
  find<T extends StripeObject = StripeObject>(type: ObjectType, id: string): { object: T; deleted: boolean } | undefined;
}

/** A deep copy of JSON data; far cheaper than structuredClone for these plain objects. */
export const cloneJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function createStripeEnv(store: StripeStore, ids: IdFactory, nowMs: () => number): StripeEnv {
  const env: StripeEnv = {
    store,
    ids,
    now: () => Math.floor(nowMs() / 1000),
    request: { id: null, idempotency_key: null },
    render(type, stored) {
      const copy = cloneJson(stored);
      if (type === 'subscription') hydrateItems(copy as SubscriptionShape);
      return copy;
    },
    emit(eventTypes, objectType, stored, before) {
      // Events are the bulk of what seeding writes: render the object straight to JSON once
      // (hydrating items and dropping includables on the way) rather than copying it per event.
      const objectJson = JSON.stringify(stored, eventReplacer);
      const previous = before ? previousAttributes(withoutIncludables(cloneJson(before)), JSON.parse(objectJson) as StripeObject) : undefined;
      const previousJson = previous ? `,"previous_attributes":${JSON.stringify(previous)}` : '';
      const created = env.now();
      const request = JSON.stringify(env.request);
      for (const type of typeof eventTypes === 'string' ? [eventTypes] : eventTypes) {
        const id = ids.id('evt');
        // The event's keys in Stripe's order: id, object, then alphabetical.
        const body = `{"id":${JSON.stringify(id)},"object":"event","api_version":"${API_VERSION}","created":${created},"data":{"object":${objectJson}${previousJson}},"livemode":false,"pending_webhooks":0,"request":${request},"type":${JSON.stringify(type)}}`;
        store.insertEvent(id, created, type, body);
      }
    },
    find<T extends StripeObject>(type: ObjectType, id: string) {
      const record = store.get(id);
      if (!record || record.type !== type) return undefined;
      return { object: record.object as T, deleted: record.deleted };
    },
  };

  const priceOf = (id: string): PriceShape | undefined => store.get(id)?.object as PriceShape | undefined;

  function hydrateItems(subscription: SubscriptionShape): void {
    subscription.items.data = subscription.items.data.map((item) => hydrateItem(item) as ItemShape);
  }

  /** An item with its current price and the legacy `plan`, keys re-sorted as Stripe writes them. */
  function hydrateItem(item: Record<string, unknown>): Record<string, unknown> {
    if (typeof item.price !== 'string') return item;
    const price = priceOf(item.price);
    return price ? sortKeys({ ...item, price, plan: planFromPrice(price) }) : item;
  }

  function eventReplacer(_key: string, value: unknown): unknown {
    if (!isPlainObject(value)) return value;
    if (value.object === 'subscription_item') return hydrateItem(value);
    if (value.object === 'price' && 'tiers' in value) {
      const { tiers: _tiers, ...rest } = value;
      return rest;
    }
    if (value.object === 'coupon' && 'applies_to' in value) {
      const { applies_to: _appliesTo, ...rest } = value;
      return rest;
    }
    return value;
  }

  return env;
}

function sortKeys(object: Record<string, unknown>): Record<string, unknown> {
  const { id, object: kind, ...rest } = object;
  const out: Record<string, unknown> = { id, object: kind };
  for (const key of Object.keys(rest).sort()) out[key] = rest[key];
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Fields Stripe leaves out unless asked for with `expand[]` (price.tiers, coupon.applies_to).
 * Events never include them. Mutates and returns `root`; `keep` holds objects whose field was expanded.
 */
export function withoutIncludables<T>(root: T, keep: ReadonlySet<object> = new Set()): T {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const element of node) visit(element);
      return;
    }
    if (!isPlainObject(node)) return;
    if (!keep.has(node)) {
      if (node.object === 'price') delete node.tiers;
      if (node.object === 'coupon') delete node.applies_to;
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(root);
  return root;
}

/**
 * Stripe's `previous_attributes`: the old values of what changed. Nested hashes (metadata,
 * pause_collection…) list only their changed keys, with null for keys that didn't exist; lists
 * and arrays are given whole.
 */
export function previousAttributes(before: StripeObject, after: StripeObject): Record<string, unknown> | undefined {
  const diff = (old: Record<string, unknown>, now: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
      const was = old[key];
      const is = now[key];
      if (JSON.stringify(was) === JSON.stringify(is)) continue;
      if (isPlainObject(was) && isPlainObject(is) && was.object !== 'list' && typeof was.object !== 'string') out[key] = diff(was, is);
      else out[key] = was === undefined ? null : was;
    }
    return out;
  };
  const out = diff(before, after);
  return Object.keys(out).length > 0 ? out : undefined;
}
