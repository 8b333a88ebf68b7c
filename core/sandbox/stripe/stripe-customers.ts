import type { StripeEnv } from './stripe-env.ts';
import { invalidRequest } from './stripe-errors.ts';
import { customerObject, type CustomerShape, deletedObject } from './stripe-objects.ts';
import { applyMetadata, type MetadataUpdate, p, PAGINATION, EXPAND, type RangeFilter } from './stripe-params.ts';
import { listPage, retrieve, route, type Route } from './stripe-routes.ts';

export interface CustomerInput {
  email?: string | null;
  name?: string | null;
  description?: string | null;
  phone?: string | null;
  metadata?: MetadataUpdate;
}

const EDITABLE = {
  email: p.string({ nullable: true }),
  name: p.string({ nullable: true }),
  description: p.string({ nullable: true }),
  phone: p.string({ nullable: true }),
  metadata: p.metadata(),
};
// Accepted so real clients aren't refused; the sandbox doesn't simulate them.
const NOT_SIMULATED = Object.fromEntries(
  ['address', 'balance', 'business_name', 'cash_balance', 'individual_name', 'invoice_prefix', 'invoice_settings', 'next_invoice_sequence', 'preferred_locales', 'shipping', 'source', 'tax', 'tax_exempt', 'validate'].map((k) => [
    k,
    p.ignored(),
  ]),
);

function checkEmail(email: string | null | undefined): void {
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalidRequest(`Invalid email address: ${email}`, { param: 'email', code: 'email_invalid' });
}

export function createCustomer(env: StripeEnv, input: CustomerInput, created = env.now()): CustomerShape {
  checkEmail(input.email);
  const customer = customerObject({
    id: env.ids.id('cus'),
    created,
    email: input.email ?? null,
    name: input.name ?? null,
    description: input.description ?? null,
    phone: input.phone ?? null,
    metadata: applyMetadata({}, input.metadata),
    invoicePrefix: env.ids.invoicePrefix(),
  });
  env.store.insert('customer', customer);
  env.emit('customer.created', 'customer', customer);
  return customer;
}

/** Applies `change` to a stored customer and records `customer.updated` if anything changed. */
export function updateCustomer(env: StripeEnv, customer: CustomerShape, change: (c: CustomerShape) => void): CustomerShape {
  const before = env.render('customer', customer);
  change(customer);
  if (JSON.stringify(before) === JSON.stringify(customer)) return customer;
  env.store.save('customer', customer);
  env.emit('customer.updated', 'customer', customer, before);
  return customer;
}

/** `beforeDelete` cancels the customer's live subscriptions (wired by the provider to keep modules one-way). */
export function customerRoutes(env: StripeEnv, beforeDelete: (customerId: string) => void): Route[] {
  return [
    route<CustomerInput>({
      method: 'POST',
      path: '/v1/customers',
      permission: 'rak_customer_write',
      params: { ...EXPAND, ...EDITABLE, ...NOT_SIMULATED, payment_method: p.ignored(), tax_id_data: p.ignored(), test_clock: p.ignored() },
      handle: (input) => createCustomer(env, input),
    }),
    route<object>({
      method: 'GET',
      path: '/v1/customers/:id',
      permission: 'rak_customer_read',
      params: EXPAND,
      // Stripe answers a deleted customer with its stub rather than a 404.
      handle: (_input, { id }) => {
        const found = env.find('customer', id!);
        if (found?.deleted) return deletedObject(id!, 'customer');
        return retrieve(env, 'customer', id!);
      },
    }),
    route<CustomerInput>({
      method: 'POST',
      path: '/v1/customers/:id',
      permission: 'rak_customer_write',
      params: { ...EXPAND, ...EDITABLE, ...NOT_SIMULATED, default_source: p.ignored() },
      handle: (input, { id }) => {
        checkEmail(input.email);
        const customer = retrieve<CustomerShape>(env, 'customer', id!);
        return updateCustomer(env, customer, (c) => {
          if (input.email !== undefined) c.email = input.email;
          if (input.name !== undefined) c.name = input.name;
          if (input.description !== undefined) c.description = input.description;
          if (input.phone !== undefined) c.phone = input.phone;
          c.metadata = applyMetadata(c.metadata, input.metadata);
        });
      },
    }),
    route<object>({
      method: 'DELETE',
      path: '/v1/customers/:id',
      permission: 'rak_customer_write',
      params: {},
      handle: (_input, { id }) => {
        const customer = retrieve<CustomerShape>(env, 'customer', id!);
        beforeDelete(customer.id);
        return deleteCustomer(env, customer);
      },
    }),
    route<{ email?: string; created?: RangeFilter; limit?: number; starting_after?: string; ending_before?: string }>({
      method: 'GET',
      path: '/v1/customers',
      permission: 'rak_customer_read',
      params: { ...PAGINATION, email: p.string(), created: p.range(), test_clock: p.ignored() },
      handle: (input) => listPage(env, 'customer', '/v1/customers', input, { conditions: input.email !== undefined ? [{ column: 'lookup', op: '=', value: input.email }] : [] }),
    }),
  ];
}

/** Marks a customer deleted; Stripe cancels its subscriptions first (the route does that). */
export function deleteCustomer(env: StripeEnv, customer: CustomerShape) {
  env.store.markDeleted(customer.id);
  env.emit('customer.deleted', 'customer', customer);
  return deletedObject(customer.id, 'customer');
}
