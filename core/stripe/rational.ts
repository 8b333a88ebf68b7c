/**
 * Exact fractions of bigints, for money arithmetic that must not drift: MRR divides by 12, 52
 * and 365 and multiplies by decimal unit prices, and floats would lose cents on large books.
 * Values are always kept reduced with a positive denominator.
 */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

export function rational(n: bigint | number, d: bigint | number = 1n): Rational {
  let num = BigInt(n);
  let den = BigInt(d);
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { n: num / g, d: den / g } : { n: num, d: den };
}

export const ZERO: Rational = rational(0n);

export const add = (a: Rational, b: Rational): Rational => rational(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational => rational(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => rational(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational => rational(a.n * b.d, a.d * b.n);
export const compare = (a: Rational, b: Rational): number => {
  const diff = a.n * b.d - b.n * a.d;
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
};
export const min = (a: Rational, b: Rational): Rational => (compare(a, b) <= 0 ? a : b);
export const isZero = (a: Rational): boolean => a.n === 0n;

/**
 * Parses a decimal exactly: "2000", "0.0125", "-3.5", and the exponent forms JavaScript prints
 * for small or large numbers ("1e-7"). Stripe sends `*_decimal` fields as strings (the SDK turns
 * them into its Decimal class, whose toString gives the same text); percentages arrive as numbers.
 */
export function parseDecimal(value: string | number | { toString(): string }): Rational {
  const text = String(value).trim();
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new RangeError(`not a decimal number: "${text}"`);
  const [, sign, whole, fraction = '', exponentText] = match;
  const exponent = BigInt(exponentText ?? '0') - BigInt(fraction.length);
  let n = BigInt(`${whole}${fraction}` || '0');
  if (sign === '-') n = -n;
  return exponent >= 0n ? rational(n * 10n ** exponent) : rational(n, 10n ** -exponent);
}

/** Rounds to the nearest integer; exact halves go to the even neighbour (banker's rounding). */
export function roundHalfEven(a: Rational): bigint {
  const q = a.n / a.d; // truncates toward zero
  const r = a.n - q * a.d; // same sign as a.n
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < a.d) return q;
  const away = a.n < 0n ? q - 1n : q + 1n;
  if (twice > a.d) return away;
  return q % 2n === 0n ? q : away;
}
