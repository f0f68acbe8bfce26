// Pi amounts on input (spec/pi.md §5.6): a JSON number token, or a string with the same syntax (Plaza extension),
// read exactly from its text (`parseJsonNumberDecimal`: exponents applied by shifting digits, never a float) into
// minor units of precision 7. Refused: booleans, null, anything else non-numeric, ≤ 0, a non-zero digit beyond the
// 7th decimal, more than 99 999 999.9999999 (every accepted amount has ≤ 15 significant digits, so it survives an
// IEEE-754 double round trip in any client). Nothing is ever rounded.
import { parseJsonNumberDecimal } from '../../core/money.js';
import { JsonNumber } from '../../http/body.js';
import { MAX_AMOUNT_MINOR, PI_PRECISION } from '../../modules/payments/index.js';

/** The amount in minor units, or null when `value` is not an acceptable amount (→ `invalid_amount`). */
export function parsePiAmount(value: unknown): bigint | null {
  const text = value instanceof JsonNumber ? value.text : typeof value === 'string' ? value : null;
  if (text === null) return null;
  const minor = parseJsonNumberDecimal(text, PI_PRECISION);
  if (typeof minor !== 'bigint' || minor <= 0n || minor > MAX_AMOUNT_MINOR) return null;
  return minor;
}
