import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatAmount, parseAmount } from '../../src/admin/amounts.js';
import { AdminError } from '../../src/admin/errors.js';

describe('admin amounts', () => {
  it('parses decimal text exactly into minor units', () => {
    assert.equal(parseAmount('12.5', 8), 1250000000n);
    assert.equal(parseAmount('0.00000001', 8), 1n);
    assert.equal(parseAmount('92233720368.54775807', 8), 9223372036854775807n);
    assert.equal(parseAmount('7', 0), 7n);
  });

  it('refuses more decimals than the precision, signs, exponents and zero', () => {
    for (const [text, p] of [['0.123456789', 8], ['1.5', 0], ['-1', 8], ['+1', 8], ['1e3', 8], ['0', 8], ['abc', 8], ['1,5', 8]] as const) {
      assert.throws(() => parseAmount(text, p), (e: unknown) => e instanceof AdminError && e.code === 'invalid_amount', text);
    }
  });

  it('round-trips through formatAmount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 36n }), fc.integer({ min: 0, max: 18 }), (minor, p) => {
        assert.equal(parseAmount(formatAmount(minor, p), p), minor);
      }),
    );
    assert.equal(formatAmount(-5n, 2), '-0.05');
  });
});
