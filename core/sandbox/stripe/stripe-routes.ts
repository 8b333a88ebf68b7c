import type { StripeEnv } from './stripe-env.ts';
import { invalidRequest, noSuch } from './stripe-errors.ts';
import type { ParamSpec, RangeFilter } from './stripe-params.ts';
import { readLimit } from './stripe-params.ts';
import type { Condition, ObjectType, StripeObject } from './stripe-store.ts';

/** One endpoint of the simulated API. */
export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/v1/customers/:id`: also the endpoint's name for rate limits and idempotency. */
  path: string;
  /** The restricted-key permission it needs (`rak_customer_read`…). */
  permission: string;
  params: Readonly<Record<string, ParamSpec>>;
  /** Validated parameters in, the response body out (before `expand`). Throw StripeApiError to fail. */
  handle(params: never, path: Record<string, string>): StripeObject | ListBody;
}

export interface ListBody {
  object: 'list';
  data: StripeObject[];
  has_more: boolean;
  url: string;
}

/** Builds a route with its parameter type checked against the handler. */
export const route = <T>(r: Omit<Route, 'handle'> & { handle(params: T, path: Record<string, string>): StripeObject | ListBody }): Route => r as Route;

/** The Stripe object names used in "No such …" messages. */
export const OBJECT_NAMES: Record<ObjectType, string> = {
  customer: 'customer',
  product: 'product',
  price: 'price',
  coupon: 'coupon',
  subscription: 'subscription',
  invoice: 'invoice',
  discount: 'discount',
  event: 'event',
};

export interface PageParams {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
  created?: RangeFilter;
}

/** A list endpoint's page: newest first, cursors by object id, `has_more` in the direction read. */
export function listPage(
  env: StripeEnv,
  type: ObjectType,
  url: string,
  params: PageParams,
  filters: { conditions?: Condition[]; filter?: (o: StripeObject) => boolean } = {},
): ListBody {
  const limit = readLimit(params.limit);
  if (params.starting_after !== undefined && params.ending_before !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', { param: 'ending_before' });
  }
  const cursorParam = params.starting_after !== undefined ? 'starting_after' : 'ending_before';
  const cursorId = params.starting_after ?? params.ending_before;
  const cursor = cursorId === undefined ? undefined : env.store.position(cursorId, type);
  if (cursorId !== undefined && !cursor) throw noSuch(OBJECT_NAMES[type], cursorId, cursorParam, 400);
  const page = env.store.list(type, {
    ...filters,
    ...(params.created ? { created: params.created } : {}),
    limit,
    ...(params.starting_after !== undefined ? { startingAfter: cursor } : {}),
    ...(params.ending_before !== undefined ? { endingBefore: cursor } : {}),
  });
  return { object: 'list', data: page.data.map((o) => env.render(type, o)), has_more: page.hasMore, url };
}

/** The object named in the path, as the API shows it, or Stripe's 404. Deleted objects come back as their stub when `allowDeleted`. */
export function retrieve<T extends StripeObject>(env: StripeEnv, type: ObjectType, id: string, options: { allowDeleted?: boolean; param?: string; status?: 404 | 400 } = {}): T {
  const found = env.find<T>(type, id);
  if (!found || (found.deleted && !options.allowDeleted)) throw noSuch(OBJECT_NAMES[type], id, options.param ?? 'id', options.status ?? 404);
  return found.object;
}
