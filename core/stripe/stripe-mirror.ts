import type Stripe from 'stripe';
import type { ResyncResult } from '../contract/mirror.ts';
import { AppError, isAppError } from '../errors.ts';
import { isoAt } from '../ports/clock.ts';
import type { MirrorStore } from '../mirror/mirror-store.ts';
import type { StreamContext, StreamDefinition } from '../mirror/stream.ts';
import { throwIfCancelled } from '../mirror/retry.ts';
import { classifyStripeError } from './stripe-gateway.ts';

/** Stripe keeps events 30 days: a cursor older than this can't be caught up from events. */
export const EVENT_RETENTION_SECONDS = 30 * 86_400;
/** Margin against clock skew and the time a run takes. */
const RETENTION_MARGIN_SECONDS = 3_600;

type StripeObject = { id: string; object: string; deleted?: boolean; created?: number; [key: string]: unknown };
type ListParams = { limit: number; starting_after?: string; expand?: string[]; status?: string; active?: boolean };
interface ListResult {
  data: StripeObject[];
  has_more: boolean;
}

export interface StripeObjectKind {
  type: 'customer' | 'product' | 'price' | 'coupon' | 'subscription' | 'invoice';
  stream: string;
  label: string;
  list(stripe: Stripe, params: ListParams): Promise<ListResult>;
  retrieve(stripe: Stripe, id: string): Promise<StripeObject>;
  /** Lists that together hold every object (prices: active ones, then archived ones still billed). */
  variants?: Array<Partial<ListParams>>;
}

const asList = (p: Promise<unknown>) => p as Promise<ListResult>;
const asObject = (p: Promise<unknown>) => p as Promise<StripeObject>;

/** The Stripe objects the mirror keeps; prices with their tiers and subscriptions with their discounts (MRR needs both). */
export const STRIPE_KINDS: StripeObjectKind[] = [
  { type: 'customer', stream: 'stripe_customers', label: 'Stripe customers', list: (s, p) => asList(s.customers.list(p)), retrieve: (s, id) => asObject(s.customers.retrieve(id)) },
  { type: 'product', stream: 'stripe_products', label: 'Stripe products', list: (s, p) => asList(s.products.list(p)), retrieve: (s, id) => asObject(s.products.retrieve(id)) },
  {
    type: 'price',
    stream: 'stripe_prices',
    label: 'Stripe prices',
    list: (s, p) => asList(s.prices.list({ ...p, expand: ['data.tiers'] })),
    retrieve: (s, id) => asObject(s.prices.retrieve(id, { expand: ['tiers'] })),
    // The price list shows active prices unless asked: archived prices can still bill subscriptions.
    variants: [{ active: true }, { active: false }],
  },
  { type: 'coupon', stream: 'stripe_coupons', label: 'Stripe coupons', list: (s, p) => asList(s.coupons.list(p)), retrieve: (s, id) => asObject(s.coupons.retrieve(id)) },
  {
    type: 'subscription',
    stream: 'stripe_subscriptions',
    label: 'Stripe subscriptions',
    // `status: all`: the default list leaves canceled subscriptions out.
    list: (s, p) => asList(s.subscriptions.list({ ...p, status: 'all', expand: ['data.discounts', 'data.items.data.discounts'] })),
    retrieve: (s, id) => asObject(s.subscriptions.retrieve(id, { expand: ['discounts', 'items.data.discounts'] })),
  },
  { type: 'invoice', stream: 'stripe_invoices', label: 'Stripe invoices', list: (s, p) => asList(s.invoices.list(p)), retrieve: (s, id) => asObject(s.invoices.retrieve(id)) },
];

/** A Stripe call whose failure arrives as an AppError (for the retry policy and the run log). */
async function stripeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classifyStripeError(error);
  }
}

function describe(type: string, o: StripeObject): { label: string; search: string; customerId: string | null; status: string | null } {
  const s = (key: string) => (typeof o[key] === 'string' ? (o[key] as string) : '');
  const customer = o.customer;
  const customerId = type === 'customer' ? o.id : typeof customer === 'string' ? customer : customer && typeof customer === 'object' ? String((customer as { id?: string }).id ?? '') || null : null;
  let label: string;
  switch (type) {
    case 'customer':
      label = s('name') || s('email') || o.id;
      break;
    case 'product':
    case 'coupon':
      label = s('name') || o.id;
      break;
    case 'price': {
      const recurring = o.recurring as { interval?: string } | null | undefined;
      label = s('nickname') || `${o.unit_amount ?? '—'} ${s('currency').toUpperCase()}${recurring?.interval ? ` / ${recurring.interval}` : ''}`;
      break;
    }
    case 'invoice':
      label = s('number') || o.id;
      break;
    default:
      label = o.id;
  }
  return { label, search: `${label} ${s('email')} ${o.id}`.toLowerCase(), customerId, status: s('status') || null };
}

/** Writes Stripe objects; returns new and changed counts. */
export function storeStripeObjects(store: MirrorStore, type: string, objects: readonly StripeObject[], now: number): { created: number; updated: number; deleted: number } {
  const select = store.db.prepare('select data, deleted from stripe_objects where type = ? and id = ?');
  const upsert = store.db.prepare(`insert into stripe_objects (type, id, data, customer_id, status, label, search, created, deleted, synced_at) values (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
    on conflict(type, id) do update set data = excluded.data, customer_id = excluded.customer_id, status = excluded.status, label = excluded.label, search = excluded.search,
      created = excluded.created, deleted = 0, synced_at = excluded.synced_at`);
  const markDeleted = store.db.prepare('update stripe_objects set deleted = 1, synced_at = ? where type = ? and id = ? and deleted = 0');
  let created = 0;
  let updated = 0;
  let deleted = 0;
  for (const o of objects) {
    if (o.deleted) {
      deleted += markDeleted.run(now, type, o.id).changes;
      continue;
    }
    const data = JSON.stringify(o);
    const existing = select.get(type, o.id) as { data: string; deleted: number } | undefined;
    if (existing && existing.data === data && existing.deleted === 0) continue;
    const d = describe(type, o);
    upsert.run(type, o.id, data, d.customerId, d.status, d.label, d.search, o.created ?? null, now);
    if (existing) updated++;
    else created++;
  }
  return { created, updated, deleted };
}

interface FullCheckpoint {
  mode: 'full';
  startingAfter?: string;
  /** Which of the kind's list variants is being paged. */
  variant?: number;
  eventsCursor: number;
}

/** The newest event's time: where events pick up after a full list (Stripe's clock, not ours). */
async function newestEventTime(ctx: StreamContext, stripe: Stripe): Promise<number> {
  const page = await ctx.retry(() => stripeCall(() => stripe.events.list({ limit: 1 })));
  return page.data[0]?.created ?? Math.floor(ctx.clock.now() / 1000);
}

interface EventsPass {
  /** Events by object type (`customer`, …) as `[objectId, created, deleted]`. */
  byType: Map<string, Array<{ id: string; created: number; deleted: boolean }>>;
  newest: number | null;
}

/**
 * One walk over the Events API for every incremental Stripe stream of the run, from the oldest
 * cursor among them (gte: a second's events are never skipped; re-fetching is idempotent).
 */
async function eventsPass(ctx: StreamContext, stripe: Stripe, from: number): Promise<EventsPass> {
  const cached = ctx.shared.get('stripe:events') as { from: number; pass: EventsPass } | undefined;
  if (cached && cached.from <= from) return cached.pass;
  const byType = new Map<string, Array<{ id: string; created: number; deleted: boolean }>>();
  let newest: number | null = null;
  let startingAfter: string | undefined;
  for (;;) {
    const page = await ctx.retry(() => stripeCall(() => stripe.events.list({ limit: 100, created: { gte: from }, ...(startingAfter ? { starting_after: startingAfter } : {}) })));
    for (const event of page.data) {
      newest = Math.max(newest ?? 0, event.created);
      const object = event.data.object as unknown as StripeObject & { subscription?: string | null };
      let type = object.object;
      let id = object.id;
      // A discount's changes show on its subscription (or customer).
      if (type === 'discount') {
        if (typeof object.subscription === 'string') [type, id] = ['subscription', object.subscription];
        else continue;
      }
      const list = byType.get(type) ?? [];
      list.push({ id, created: event.created, deleted: event.type === `${type}.deleted` && type !== 'subscription' });
      byType.set(type, list);
    }
    throwIfCancelled(ctx.signal);
    if (!page.has_more || page.data.length === 0) break;
    startingAfter = page.data[page.data.length - 1]!.id;
  }
  const pass = { byType, newest };
  ctx.shared.set('stripe:events', { from, pass });
  return pass;
}

/** A Stripe object type: full list (paged, checkpointed) or catch-up through events. */
export function stripeStream(kind: StripeObjectKind, siblings: () => StripeObjectKind[]): StreamDefinition {
  return {
    name: kind.stream,
    provider: 'stripe',
    label: kind.label,
    objectType: null,
    scopes: [`rak_${kind.type === 'price' ? 'plan' : kind.type}_read`],
    async run(ctx) {
      const stripe = await ctx.stripe();
      if (!stripe) throw new AppError('not_connected', 'No Stripe account is connected to this workspace.', { retryable: false });
      const state = ctx.store.stream(kind.stream);
      const checkpoint = ctx.checkpoint.get<FullCheckpoint>();
      const nowSeconds = Math.floor(ctx.clock.now() / 1000);
      const expired = state.cursor !== null && nowSeconds - state.cursor > EVENT_RETENTION_SECONDS - RETENTION_MARGIN_SECONDS;

      if (checkpoint?.mode === 'full' || state.cursor === null || ctx.requested === 'full' || expired) {
        const resumed = checkpoint?.mode === 'full';
        const cp: FullCheckpoint = resumed ? checkpoint : { mode: 'full', eventsCursor: await newestEventTime(ctx, stripe) };
        const seen = new Set<string>();
        const variants = kind.variants ?? [{}];
        for (let variant = cp.variant ?? 0; variant < variants.length; variant++) {
          for (;;) {
            const params = { limit: 100, ...variants[variant], ...(cp.startingAfter ? { starting_after: cp.startingAfter } : {}) };
            const page = await ctx.retry(() => stripeCall(() => kind.list(stripe, params)));
            throwIfCancelled(ctx.signal);
            const last = page.data[page.data.length - 1]?.id;
            ctx.store.db.transaction(() => {
              const counts = storeStripeObjects(ctx.store, kind.type, page.data, ctx.clock.now());
              ctx.counter.add({ fetched: page.data.length, ...counts });
              if (last) ctx.checkpoint.save({ ...cp, variant, startingAfter: last });
            })();
            for (const o of page.data) seen.add(o.id);
            if (!page.has_more || !last) break;
            cp.startingAfter = last;
          }
          cp.startingAfter = undefined;
          ctx.checkpoint.save({ ...cp, variant: variant + 1, startingAfter: undefined });
        }
        if (!resumed) {
          // Objects Stripe no longer lists (deleted customers, products, coupons…) are deleted here too.
          const local = ctx.store.db.prepare('select id from stripe_objects where type = ? and deleted = 0').pluck().all(kind.type) as string[];
          const gone = local.filter((id) => !seen.has(id));
          const mark = ctx.store.db.prepare('update stripe_objects set deleted = 1, synced_at = ? where type = ? and id = ?');
          ctx.store.db.transaction(() => gone.forEach((id) => mark.run(ctx.clock.now(), kind.type, id)))();
          ctx.counter.add({ deleted: gone.length });
        }
        ctx.store.updateStream(kind.stream, { cursor: cp.eventsCursor, last_full_at: isoAt(ctx.clock.now()), checkpoint: null });
        const warning = expired && !resumed ? 'The last update was more than 30 days ago, beyond what Stripe keeps in events: listed everything again.' : undefined;
        return { mode: 'full', cursor: cp.eventsCursor * 1000, resumed, ...(warning ? { warning } : {}) };
      }

      // Incremental: the oldest cursor of the incremental Stripe streams of this run drives one events pass.
      const from = Math.min(
        state.cursor!,
        ...siblings()
          .map((k) => ctx.store.stream(k.stream).cursor)
          .filter((c): c is number => c !== null && nowSeconds - c <= EVENT_RETENTION_SECONDS - RETENTION_MARGIN_SECONDS),
      );
      const pass = await eventsPass(ctx, stripe, from);
      const mine = (pass.byType.get(kind.type) ?? []).filter((e) => e.created >= state.cursor!);
      const deletedIds = new Set(mine.filter((e) => e.deleted).map((e) => e.id));
      const toFetch = [...new Set(mine.map((e) => e.id))].filter((id) => !deletedIds.has(id));
      ctx.counter.add({ deleted: deleteStripe(ctx, kind.type, [...deletedIds]) });
      let index = 0;
      const worker = async () => {
        while (index < toFetch.length) {
          const id = toFetch[index++]!;
          throwIfCancelled(ctx.signal);
          try {
            const object = await ctx.retry(() => stripeCall(() => kind.retrieve(stripe, id)));
            const counts = storeStripeObjects(ctx.store, kind.type, [object], ctx.clock.now());
            ctx.counter.add({ fetched: 1, ...counts });
          } catch (error) {
            if (isAppError(error) && error.code === 'not_found') {
              ctx.counter.add({ deleted: deleteStripe(ctx, kind.type, [id]) });
              continue;
            }
            if (isAppError(error) && error.code === 'cancelled') throw error;
            if (isAppError(error) && (error.code === 'missing_scopes' || error.code === 'auth_expired')) throw error;
            const data = isAppError(error) ? error : classifyStripeError(error);
            ctx.recordError({ objectType: kind.type, recordId: id, code: data.code, message: data.message, response: JSON.stringify(data.details ?? {}) });
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      const cursor = pass.newest !== null ? Math.max(state.cursor!, pass.newest) : state.cursor!;
      ctx.store.updateStream(kind.stream, { cursor, last_incremental_at: isoAt(ctx.clock.now()), checkpoint: null });
      return { mode: 'incremental', cursor: cursor * 1000 };
    },
  };
}

function deleteStripe(ctx: StreamContext, type: string, ids: readonly string[]): number {
  const mark = ctx.store.db.prepare('update stripe_objects set deleted = 1, synced_at = ? where type = ? and id = ? and deleted = 0');
  let n = 0;
  for (const id of ids) n += mark.run(ctx.clock.now(), type, id).changes;
  return n;
}

export const stripeStreams: StreamDefinition[] = STRIPE_KINDS.map((kind) => stripeStream(kind, () => STRIPE_KINDS));

/** Resync from Stripe: one object, fresh. */
export async function resyncStripeObject(stripe: Stripe, store: MirrorStore, objectType: string, id: string, now: number): Promise<ResyncResult> {
  const kind = STRIPE_KINDS.find((k) => k.type === objectType);
  if (!kind) throw new AppError('validation', `Resync from Stripe works on ${STRIPE_KINDS.map((k) => k.type).join(', ')}; got "${objectType}".`);
  const base = { provider: 'stripe' as const, objectType, id };
  try {
    const object = await stripeCall(() => kind.retrieve(stripe, id));
    const counts = storeStripeObjects(store, objectType, [object], now);
    return { ...base, outcome: counts.deleted ? 'deleted' : counts.created ? 'created' : counts.updated ? 'updated' : 'unchanged' };
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found') {
      const changed = store.db.prepare('update stripe_objects set deleted = 1, synced_at = ? where type = ? and id = ? and deleted = 0').run(now, objectType, id).changes;
      return { ...base, outcome: changed ? 'deleted' : 'unchanged' };
    }
    throw error;
  }
}
