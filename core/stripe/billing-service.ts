import type { BillingCustomer, BillingSubscription, BillingSummary } from '../contract/mirror.ts';
import { sumByCurrency } from '../mirror/records-service.ts';
import type { Db } from '../store/database.ts';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The Billing page's data: customers, subscriptions and MRR totals per currency (never added across currencies). */
export function createBillingService(deps: { database(workspaceId: string): Db; stripeConnected(workspaceId: string): Promise<boolean> }) {
  return {
    async summary(workspaceId: string): Promise<BillingSummary> {
      const db = deps.database(workspaceId);
      const count = (sql: string) => db.prepare(sql).pluck().get() as number;
      const totals = sumByCurrency(db.prepare('select currency, mrr_minor as mrrMinor from stripe_mrr where counted = 1').all() as Array<{ currency: string; mrrMinor: number }>);
      const lastSyncAt = db.prepare("select max(coalesce(last_incremental_at, last_full_at)) from mirror_streams where name like 'stripe_%'").pluck().get() as string | null;
      return {
        connected: await deps.stripeConnected(workspaceId),
        totals,
        customers: count("select count(*) from stripe_objects where type = 'customer' and deleted = 0"),
        linkedCustomers: count('select count(*) from mirror_links'),
        subscriptions: count("select count(*) from stripe_objects where type = 'subscription' and deleted = 0"),
        countedSubscriptions: count('select count(*) from stripe_mrr where counted = 1'),
        lastSyncAt,
      };
    },

    customers(workspaceId: string, input: { search?: string | undefined; limit: number; after?: string | undefined }): { items: BillingCustomer[]; next?: string } {
      const db = deps.database(workspaceId);
      const where = ["c.type = 'customer'"];
      const params: unknown[] = [];
      const search = input.search?.trim().toLowerCase();
      if (search) {
        where.push("c.search like ? escape '\\'");
        params.push(`%${escapeLike(search)}%`);
      }
      if (input.after) {
        where.push('c.id > ?');
        params.push(input.after);
      }
      const rows = db
        .prepare(
          `select c.id, c.label, json_extract(c.data, '$.email') as email, c.deleted, l.company_id, l.method, r.label as company_label,
             (select count(*) from stripe_objects s where s.type = 'subscription' and s.customer_id = c.id and s.deleted = 0) as subscriptions
           from stripe_objects c
           left join mirror_links l on l.customer_id = c.id
           left join mirror_records r on r.object_type = 'companies' and r.id = l.company_id
           where ${where.join(' and ')} order by c.id limit ?`,
        )
        .all(...params, input.limit + 1) as Array<{
        id: string;
        label: string;
        email: string | null;
        deleted: number;
        company_id: string | null;
        method: 'property' | 'domain' | null;
        company_label: string | null;
        subscriptions: number;
      }>;
      const mrrOf = db.prepare('select currency, mrr_minor as mrrMinor from stripe_mrr where customer_id = ? and counted = 1');
      const items = rows.slice(0, input.limit).map((r) => ({
        id: r.id,
        name: r.label,
        email: r.email,
        deleted: r.deleted === 1,
        subscriptions: r.subscriptions,
        mrr: sumByCurrency(mrrOf.all(r.id) as Array<{ currency: string; mrrMinor: number }>),
        company: r.company_id && r.method ? { id: r.company_id, label: r.company_label ?? `Company ${r.company_id}`, method: r.method } : null,
      }));
      return rows.length > input.limit ? { items, next: items[items.length - 1]!.id } : { items };
    },

    subscriptions(workspaceId: string, input: { customerId?: string | undefined; limit: number; after?: string | undefined }): { items: BillingSubscription[]; next?: string } {
      const db = deps.database(workspaceId);
      const where = ["s.type = 'subscription'", 's.deleted = 0'];
      const params: unknown[] = [];
      if (input.customerId) {
        where.push('s.customer_id = ?');
        params.push(input.customerId);
      }
      if (input.after) {
        where.push('s.id > ?');
        params.push(input.after);
      }
      const rows = db
        .prepare(
          `select s.id, s.customer_id, s.status, s.data, c.label as customer_name, m.currency, m.mrr_minor, m.counted, m.reason
           from stripe_objects s
           left join stripe_objects c on c.type = 'customer' and c.id = s.customer_id
           left join stripe_mrr m on m.subscription_id = s.id
           where ${where.join(' and ')} order by s.id limit ?`,
        )
        .all(...params, input.limit + 1) as Array<{
        id: string;
        customer_id: string | null;
        status: string | null;
        data: string;
        customer_name: string | null;
        currency: string | null;
        mrr_minor: number | null;
        counted: number | null;
        reason: string | null;
      }>;
      const items = rows.slice(0, input.limit).map((r) => {
        const data = JSON.parse(r.data) as {
          currency?: string;
          items?: { data?: Array<{ price?: { id?: string; product?: string | { id: string }; recurring?: { interval?: string } | null }; quantity?: number }> };
        };
        return {
          id: r.id,
          customerId: r.customer_id ?? '',
          customerName: r.customer_name ?? r.customer_id ?? '',
          status: r.status ?? 'unknown',
          currency: r.currency ?? data.currency ?? '',
          mrrMinor: String(r.mrr_minor ?? 0),
          counted: r.counted === 1,
          reason: r.mrr_minor === null ? 'MRR not computed yet' : r.reason,
          items: (data.items?.data ?? []).map((item) => ({
            priceId: item.price?.id ?? '',
            product: typeof item.price?.product === 'string' ? item.price.product : (item.price?.product?.id ?? null),
            quantity: item.quantity ?? 1,
            interval: item.price?.recurring?.interval ?? null,
          })),
        };
      });
      return rows.length > input.limit ? { items, next: items[items.length - 1]!.id } : { items };
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
