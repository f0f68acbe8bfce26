// The admin API's amount rule on top of core/money.ts: a positive decimal in asset units, written plainly
// (no sign, no exponent, no leading zeros), with at most the asset's precision in decimals.
import { formatFixed, parseDecimal } from '../core/money.js';
import { adminError } from './errors.js';

const PLAIN_POSITIVE = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

export function parseAmount(text: string, precision: number): bigint {
  const m = PLAIN_POSITIVE.exec(text);
  const minor = m ? parseDecimal(text, precision) : 'malformed';
  if (minor === 'malformed') throw adminError('invalid_amount', `amount must be a positive decimal such as "12.5", got ${JSON.stringify(text.slice(0, 40))}`);
  if (minor === 'too_precise' || (m?.[2] ?? '').length > precision) {
    throw adminError('invalid_amount', `amount has ${(m?.[2] ?? '').length} decimals but the asset's precision is ${precision}`);
  }
  if (minor <= 0n) throw adminError('invalid_amount', 'amount must be greater than zero');
  return minor;
}

export { formatFixed as formatAmount };
