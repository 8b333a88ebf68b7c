import { cloneJson, type StripeEnv } from './stripe-env.ts';
import { invalidRequest, noSuch } from './stripe-errors.ts';
import { applyMetadata, EXPAND, type MetadataUpdate, p, PAGINATION, readLimit, type RangeFilter } from './stripe-params.ts';
import { type ListBody, listPage, type PageParams, retrieve, route, type Route } from './stripe-routes.ts';
import type { Condition, StripeObject } from './stripe-store.ts';
import { payInvoice } from './stripe-subscriptions.ts';

const STATUSES = ['draft', 'open', 'paid', 'uncollectible', 'void'];

/** Invoices are issued by subscriptions; the API reads them, edits their metadata, pays and voids open ones. */
export function invoiceRoutes(env: StripeEnv): Route[] {
  return [
    route<PageParams & { customer?: string; subscription?: string; status?: string; collection_method?: string; created?: RangeFilter }>({
      method: 'GET',
      path: '/v1/invoices',
      permission: 'rak_invoice_read',
      params: {
        ...PAGINATION,
        customer: p.string(),
        subscription: p.string(),
        status: p.string({ oneOf: STATUSES }),
        collection_method: p.string({ oneOf: ['charge_automatically', 'send_invoice'] }),
        created: p.range(),
        due_date: p.ignored(),
        customer_account: p.ignored(),
      },
      handle: (input) => {
        const conditions: Condition[] = [];
        if (input.customer !== undefined) conditions.push({ column: 'customer', op: '=', value: input.customer });
        if (input.subscription !== undefined) conditions.push({ column: 'parent', op: '=', value: input.subscription });
        if (input.status !== undefined) conditions.push({ column: 'status', op: '=', value: input.status });
        const method = input.collection_method;
        return listPage(env, 'invoice', '/v1/invoices', input, { conditions, ...(method ? { filter: (o: StripeObject) => o.collection_method === method } : {}) });
      },
    }),
    route<object>({ method: 'GET', path: '/v1/invoices/:id', permission: 'rak_invoice_read', params: EXPAND, handle: (_i, { id }) => retrieve(env, 'invoice', id!) }),
    route<PageParams>({
      method: 'GET',
      path: '/v1/invoices/:id/lines',
      permission: 'rak_invoice_read',
      params: PAGINATION,
      handle: (input, { id }) => {
        const invoice = retrieve(env, 'invoice', id!);
        return linesPage((invoice.lines as { data: StripeObject[] }).data, `/v1/invoices/${invoice.id}/lines`, input);
      },
    }),
    route<{ metadata?: MetadataUpdate; description?: string | null }>({
      method: 'POST',
      path: '/v1/invoices/:id',
      permission: 'rak_invoice_write',
      params: { ...EXPAND, metadata: p.metadata(), description: p.string({ nullable: true }), footer: p.ignored(), custom_fields: p.ignored(), auto_advance: p.ignored() },
      handle: (input, { id }) => {
        const invoice = retrieve(env, 'invoice', id!);
        const before = cloneJson(invoice);
        invoice.metadata = applyMetadata((invoice.metadata as Record<string, string> | null) ?? {}, input.metadata);
        if (input.description !== undefined) invoice.description = input.description;
        if (JSON.stringify(before) !== JSON.stringify(invoice)) {
          env.store.save('invoice', invoice);
          env.emit('invoice.updated', 'invoice', invoice, before);
        }
        return invoice;
      },
    }),
    route<object>({
      method: 'POST',
      path: '/v1/invoices/:id/pay',
      permission: 'rak_invoice_write',
      params: { ...EXPAND, paid_out_of_band: p.ignored(), payment_method: p.ignored(), source: p.ignored(), forgive: p.ignored(), off_session: p.ignored(), mandate: p.ignored() },
      handle: (_i, { id }) => payInvoice(env, retrieve(env, 'invoice', id!)),
    }),
    route<object>({
      method: 'POST',
      path: '/v1/invoices/:id/void',
      permission: 'rak_invoice_write',
      params: EXPAND,
      handle: (_i, { id }) => {
        const invoice = retrieve(env, 'invoice', id!);
        if (invoice.status !== 'open') throw invalidRequest(`You can only void an open invoice. This invoice is ${String(invoice.status)}.`, { param: 'id' });
        const before = cloneJson(invoice);
        invoice.status = 'void';
        invoice.amount_remaining = 0;
        invoice.status_transitions = { ...(invoice.status_transitions as object), voided_at: env.now() };
        env.store.save('invoice', invoice);
        env.emit('invoice.updated', 'invoice', invoice, before);
        env.emit('invoice.voided', 'invoice', invoice);
        return invoice;
      },
    }),
  ];
}

/** An invoice's lines are few and stored with it: paged in memory, in the invoice's order. */
function linesPage(lines: StripeObject[], url: string, params: PageParams): ListBody {
  const limit = readLimit(params.limit);
  let start = 0;
  let end = lines.length;
  if (params.starting_after !== undefined) {
    const index = lines.findIndex((l) => l.id === params.starting_after);
    if (index < 0) throw noSuch('line item', params.starting_after, 'starting_after', 400);
    start = index + 1;
  }
  if (params.ending_before !== undefined) {
    const index = lines.findIndex((l) => l.id === params.ending_before);
    if (index < 0) throw noSuch('line item', params.ending_before, 'ending_before', 400);
    end = index;
    start = Math.max(0, end - limit);
    return { object: 'list', data: lines.slice(start, end), has_more: start > 0, url };
  }
  return { object: 'list', data: lines.slice(start, start + limit), has_more: start + limit < end, url };
}

/** The Events API: `GET /v1/events` (created range, `type` with `*` wildcards, `types[]`) and `GET /v1/events/:id`, 30 days back. */
export function eventRoutes(env: StripeEnv, expireOldEvents: () => void): Route[] {
  return [
    route<PageParams & { type?: string; types?: string[]; created?: RangeFilter }>({
      method: 'GET',
      path: '/v1/events',
      permission: 'rak_event_read',
      params: { ...PAGINATION, type: p.string(), types: p.array(p.string(), { max: 20 }), created: p.range(), delivery_success: p.ignored() },
      handle: (input) => {
        expireOldEvents();
        if (input.type !== undefined && input.types !== undefined) throw invalidRequest('You may only specify one of these parameters: type, types.', { param: 'types' });
        const conditions: Condition[] = [];
        if (input.types !== undefined) conditions.push({ column: 'lookup', op: 'in', value: input.types });
        if (input.type !== undefined) {
          // `customer.*` and `*.created` style wildcards; `_` and `%` stay literal.
          if (input.type.includes('*')) conditions.push({ column: 'lookup', op: 'like', value: input.type.replace(/[\\%_]/g, '\\$&').replaceAll('*', '%') });
          else conditions.push({ column: 'lookup', op: '=', value: input.type });
        }
        return listPage(env, 'event', '/v1/events', input, { conditions });
      },
    }),
    route<object>({
      method: 'GET',
      path: '/v1/events/:id',
      permission: 'rak_event_read',
      params: EXPAND,
      handle: (_i, { id }) => {
        expireOldEvents();
        return retrieve(env, 'event', id!);
      },
    }),
  ];
}
