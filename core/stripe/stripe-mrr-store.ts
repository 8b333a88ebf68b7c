import type { Db } from '../store/database.ts';
import { computeMrr, type MrrCouponInput, type MrrPriceInput, type MrrSubscriptionInput } from './mrr.ts';

/**
 * Recomputes every subscription's MRR from the mirrored Stripe objects (core/stripe/mrr.ts does
 * the arithmetic: SPEC §6, Stripe Billing analytics) and stores one row per subscription; customer
 * and currency totals are sums of those rows. Deleted subscriptions drop out.
 */
export function recomputeMrr(db: Db, options: { includeLimitedCoupons: boolean; asOfSeconds: number }): { subscriptions: number; counted: number } {
  const rows = (type: string) => db.prepare('select data from stripe_objects where type = ? and deleted = 0').pluck().all(type) as string[];
  const prices = new Map<string, MrrPriceInput>();
  for (const raw of rows('price')) {
    const price = JSON.parse(raw) as MrrPriceInput & { id: string };
    prices.set(price.id, price);
  }
  const coupons = new Map<string, MrrCouponInput>();
  for (const raw of db.prepare("select data from stripe_objects where type = 'coupon'").pluck().all() as string[]) {
    // Deleted coupons still discount the subscriptions that carry them.
    const coupon = JSON.parse(raw) as MrrCouponInput & { id: string };
    coupons.set(coupon.id, coupon);
  }
  const subscriptions = rows('subscription').map((raw) => JSON.parse(raw) as MrrSubscriptionInput);
  const report = computeMrr(subscriptions, { prices, coupons, includeLimitedCoupons: options.includeLimitedCoupons, asOf: options.asOfSeconds });
  const insert = db.prepare('insert into stripe_mrr (subscription_id, customer_id, currency, mrr_minor, counted, reason) values (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    db.exec('delete from stripe_mrr');
    for (const row of report.subscriptions) insert.run(row.subscriptionId, row.customerId, row.currency, BigInt(row.mrrMinor), row.counted ? 1 : 0, row.reason ?? null);
  })();
  return { subscriptions: report.subscriptions.length, counted: report.subscriptions.filter((s) => s.counted).length };
}
