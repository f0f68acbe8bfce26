// Exact conversion between decimal text in asset units and bigint minor units. No float is ever involved:
// "12.5" at precision 8 is 12 × 10^8 + 50000000 = 1250000000n. Every dialect and the admin API convert through here.

/** Bound on the text: longer input cannot be a real amount and would only cost time. */
const MAX_TEXT = 80;
const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

export type DecimalRefusal = 'malformed' | 'too_precise';

/**
 * Parses `-?digits(.digits)?` into minor units. Trailing fractional zeros beyond the precision are fine (the value
 * is still exact); a non-zero digit beyond it is `too_precise`. Exponents, `+`, spaces and commas are `malformed`.
 */
export function parseDecimal(text: string, precision: number): bigint | DecimalRefusal {
  if (text.length > MAX_TEXT) return 'malformed';
  const m = DECIMAL.exec(text);
  if (!m) return 'malformed';
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > precision) return 'too_precise';
  const minor = BigInt(m[2]!) * 10n ** BigInt(precision) + BigInt(fraction.padEnd(precision, '0') || '0');
  return m[1] === '-' ? -minor : minor;
}

/** Minor units as decimal text with exactly `precision` decimals: 1250000000n at 8 → "12.50000000". */
export function formatFixed(minor: bigint, precision: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(precision + 1, '0');
  const whole = digits.slice(0, digits.length - precision);
  const fraction = digits.slice(digits.length - precision);
  return `${negative ? '-' : ''}${whole}${precision > 0 ? `.${fraction}` : ''}`;
}

/** The shortest exact decimal: trailing fractional zeros and a trailing "." removed: "12.5", "1", "-0.02". */
export function formatCanonical(minor: bigint, precision: number): string {
  const fixed = formatFixed(minor, precision);
  return precision > 0 ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** A JSON number literal: `-?(0|[1-9]digits)(.digits)?([eE][+-]?digits)?`. */
const JSON_NUMBER = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;
/** Beyond this exponent a non-zero value cannot be an amount of any asset (and would only cost time). */
const MAX_EXPONENT = 400;

/**
 * Like `parseDecimal`, for the literal text of a JSON number, exponent form allowed (`1e-8`, `2.5E3`): the digits
 * are shifted exactly, never through a binary float. A value whose magnitude is absurd for any asset is `malformed`.
 */
export function parseJsonNumberDecimal(text: string, precision: number): bigint | DecimalRefusal {
  if (text.length > MAX_TEXT) return 'malformed';
  const m = JSON_NUMBER.exec(text);
  if (!m) return 'malformed';
  const digits = `${m[2]!}${m[3] ?? ''}`.replace(/^0+/, '');
  if (digits === '') return 0n;
  const exponent = Number(m[4] ?? '0');
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT) return exponent > 0 ? 'malformed' : 'too_precise';
  // value = digits × 10^(exponent − fraction length); in minor units shift by `precision` more.
  const shift = exponent - (m[3] ?? '').length + precision;
  let minor: bigint;
  if (shift >= 0) {
    minor = BigInt(digits) * 10n ** BigInt(shift);
  } else {
    // Dropping k digits must drop only zeros; a non-zero value with no more than k digits is below one minor unit.
    const k = -shift;
    if (digits.length <= k || /[1-9]/.test(digits.slice(-k))) return 'too_precise';
    minor = BigInt(digits.slice(0, -k));
  }
  return m[1] === '-' ? -minor : minor;
}
