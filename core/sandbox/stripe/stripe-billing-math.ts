import { formatMinor } from '../../stripe/mrr.ts';
import { add, mul, parseDecimal, type Rational, rational, roundHalfEven, ZERO } from '../../stripe/rational.ts';
import type { PriceShape, StoredTier } from './stripe-objects.ts';

/**
 * How the simulated account bills: an invoice line's amount for a price and quantity, and where
 * billing periods fall. Kept apart from core/stripe/mrr.ts on purpose, so tests comparing MRR
 * with the sandbox's invoices compare two independent computations.
 */

/** The amount of one line, in minor units (fractional unit prices round half to even). */
export function lineAmount(price: PriceShape, quantity: number): number {
  let units = BigInt(quantity);
  const transform = price.transform_quantity;
  if (transform && transform.divide_by > 1) {
    const divisor = BigInt(transform.divide_by);
    const whole = units / divisor;
    units = transform.round === 'up' && whole * divisor !== units ? whole + 1n : whole;
  }
  let amount: Rational;
  if (price.billing_scheme === 'tiered') amount = tieredAmount(price.tiers ?? [], price.tiers_mode, units);
  else amount = mul(parseDecimal(price.unit_amount_decimal ?? '0'), rational(units));
  return Number(roundHalfEven(amount));
}

function tieredAmount(tiers: StoredTier[], mode: PriceShape['tiers_mode'], units: bigint): Rational {
  const unit = (t: StoredTier) => parseDecimal(t.unit_amount_decimal ?? '0');
  const flat = (t: StoredTier) => parseDecimal(t.flat_amount_decimal ?? '0');
  if (mode === 'volume') {
    const tier = tiers.find((t) => t.up_to === null || units <= BigInt(t.up_to)) ?? tiers.at(-1)!;
    return add(flat(tier), mul(unit(tier), rational(units)));
  }
  let total = ZERO;
  let lower = 0n;
  for (const [index, tier] of tiers.entries()) {
    const limit = tier.up_to === null ? undefined : BigInt(tier.up_to);
    const upper = limit === undefined || units < limit ? units : limit;
    const inTier = upper > lower ? upper - lower : 0n;
    if (inTier > 0n || (index === 0 && units === 0n)) total = add(total, add(flat(tier), mul(unit(tier), rational(inTier))));
    if (limit === undefined || units <= limit) break;
    lower = limit;
  }
  return total;
}

const DAY = 86_400;

/** `anchor` moved forward by `count` intervals. Months clamp to the month's last day (Jan 31 → Feb 28 → Mar 31). */
export function addIntervals(anchor: number, interval: string, count: number): number {
  if (interval === 'day') return anchor + count * DAY;
  if (interval === 'week') return anchor + count * 7 * DAY;
  const months = interval === 'year' ? count * 12 : count;
  const date = new Date(anchor * 1000);
  const targetMonth = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(targetMonth / 12);
  const month = ((targetMonth % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return Math.floor(Date.UTC(year, month, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()) / 1000);
}

/** The end of the period after the one ending at `currentEnd`, measured from the billing cycle anchor. */
export function nextPeriodEnd(anchor: number, currentEnd: number, interval: string, intervalCount: number): number {
  for (let k = 1; ; k++) {
    const end = addIntervals(anchor, interval, k * intervalCount);
    if (end > currentEnd) return end;
  }
}

/** "1 × Pro (at $99.00 / month)", as Stripe describes a subscription line. */
export function lineDescription(productName: string, price: PriceShape, quantity: number): string {
  const recurring = price.recurring;
  const every = recurring ? (recurring.interval_count === 1 ? recurring.interval : `every ${recurring.interval_count} ${recurring.interval}s`) : '';
  if (price.billing_scheme === 'tiered' || !recurring) return `${quantity} × ${productName}`;
  const unit = price.unit_amount_decimal ?? '0';
  const amount = /^\d+$/.test(unit) ? formatMinor(unit, price.currency) : `${unit} ${price.currency.toUpperCase()} minor units`;
  return `${quantity} × ${productName} (at ${amount} / ${every})`;
}
