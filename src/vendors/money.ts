// Exact money arithmetic for the vendors domain: integer minor units (BigInt where a product may pass 2^53),
// currencies' minor-unit exponents, decimal rates as exact fractions, and the one rounding rule used everywhere
// (half away from zero) with a largest-remainder split so parts always add up to their rounded whole.

/** ISO 4217 minor-unit exponent (EUR 2, JPY 0, BHD 3), from the runtime's CLDR data. */
export function currencyExponent(currency: string): number {
  let e = exponents.get(currency);
  if (e === undefined) {
    // Building a NumberFormat costs far more than the arithmetic it serves: once per currency.
    e = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
    exponents.set(currency, e);
  }
  return e;
}
const exponents = new Map<string, number>();

const currencyPattern = /^[A-Z]{3}$/;

/** A three-letter code the runtime knows (Intl throws on a malformed one; an unknown one still gets 2 digits). */
export function isCurrency(code: string): boolean {
  if (!currencyPattern.test(code)) return false;
  try {
    currencyExponent(code);
    return true;
  } catch {
    return false;
  }
}

/** An exact non-negative decimal: value = num / den, den a power of ten. */
export interface Decimal {
  num: bigint;
  den: bigint;
}

/** At most 9 decimals, no exponent, no sign: "1", "0.92", "1.084215". */
export const ratePattern = /^(?:\d{1,9})(?:\.\d{1,9})?$/;

export function parseDecimal(text: string): Decimal | null {
  if (!ratePattern.test(text)) return null;
  const [whole, frac = ''] = text.split('.');
  return { num: BigInt(`${whole}${frac}`), den: 10n ** BigInt(frac.length) };
}

/** num / den rounded half away from zero, den > 0. */
export function divRound(num: bigint, den: bigint): bigint {
  const negative = num < 0n;
  const a = negative ? -num : num;
  const q = a / den;
  const r = a % den;
  const rounded = r * 2n >= den ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/**
 * Split `total` into parts proportional to `weights` (largest remainder): the parts add up to `total` exactly,
 * each within one unit of its exact share. Ties in the remainders go to the earlier part. Zero weights: all to
 * the parts in proportion to nothing, so the first takes it.
 */
export function splitExactly(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (weights.length === 0) return [];
  if (sum === 0n) return weights.map((_, i) => (i === 0 ? total : 0n));
  // Floor division towards negative infinity keeps remainders non-negative for either sign.
  const floorDiv = (a: bigint, b: bigint) => {
    const q = a / b;
    return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
  };
  const parts = weights.map((w) => floorDiv(total * w, sum));
  const rems = weights.map((w, i) => total * w - (parts[i] as bigint) * sum);
  let left = total - parts.reduce((a, b) => a + b, 0n);
  const order = rems.map((r, i) => ({ r, i })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (left <= 0n) break;
    parts[i] = (parts[i] as bigint) + 1n;
    left -= 1n;
  }
  return parts;
}

/**
 * A decimal amount in a currency's major unit ("1234.5") as minor units, refusing more decimals than the
 * currency has (no silent rounding of what a supplier wrote).
 */
export function parseMajor(text: string, currency: string): number | null {
  const m = /^(-)?(\d{1,13})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const digits = currencyExponent(currency);
  const frac = m[3] ?? '';
  if (frac.length > digits) return null;
  const minor = Number(`${m[2]}${frac.padEnd(digits, '0')}`);
  if (!Number.isSafeInteger(minor)) return null;
  return m[1] ? -minor : minor;
}

/** Minor units as a plain decimal in the major unit ("1234.50"), for reasons people read. */
export function formatMinor(minor: number | bigint, currency: string): string {
  const digits = currencyExponent(currency);
  const v = BigInt(minor);
  const neg = v < 0n;
  const a = (neg ? -v : v).toString().padStart(digits + 1, '0');
  const whole = digits === 0 ? a : a.slice(0, -digits);
  const frac = digits === 0 ? '' : `.${a.slice(-digits)}`;
  return `${neg ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac} ${currency}`;
}
