const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const UPPER_ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Object ids in Stripe's shapes: `cus_QXg1o8vcGmoR32` (14 characters after the prefix) for
 * customers, products, subscription items and request ids; `sub_1Pgc6rB7WZ01zgkWNy0Cn5nw` (24,
 * starting with 1) for the rest; 8 upper-case characters for coupons without a chosen id.
 * Randomness is injected so seeding is reproducible.
 */
const SHORT_PREFIXES = new Set(['cus', 'prod', 'si', 'req']);

export type IdPrefix = 'cus' | 'prod' | 'price' | 'sub' | 'si' | 'in' | 'il' | 'di' | 'evt' | 'req';

export function createIdFactory(random: () => number) {
  const pick = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)]!;
    return out;
  };
  return {
    id: (prefix: IdPrefix): string => (SHORT_PREFIXES.has(prefix) ? `${prefix}_${pick(ALPHANUMERIC, 14)}` : `${prefix}_1${pick(ALPHANUMERIC, 23)}`),
    couponId: (): string => pick(UPPER_ALPHANUMERIC, 8),
    /** The customer's `invoice_prefix`: 8 upper-case characters, as Stripe assigns. */
    invoicePrefix: (): string => pick(UPPER_ALPHANUMERIC, 8),
  };
}
export type IdFactory = ReturnType<typeof createIdFactory>;
