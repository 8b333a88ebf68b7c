/** Digits after the decimal point of a currency (JPY 0, KWD 3, most 2), from the platform's own data. */
function exponent(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** An integer amount in minor units (as core sends it, a string) for display: ("2500", "usd") → "$25.00". Exact. */
export function formatMoney(minor: string, currency: string): string {
  const digits = exponent(currency);
  let amount = BigInt(minor);
  const negative = amount < 0n;
  if (negative) amount = -amount;
  const text = amount.toString().padStart(digits + 1, '0');
  const major = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  try {
    const format = new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: digits, maximumFractionDigits: digits });
    return format.format(`${negative ? '-' : ''}${major}` as unknown as number);
  } catch {
    return `${negative ? '-' : ''}${major} ${currency.toUpperCase()}`;
  }
}
