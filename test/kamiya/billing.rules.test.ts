// The pure billing rules (modules/billing/rules.ts): the §4.2 table, the fee split and the check-in day.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canAuthorise, decideCharge, localDay, splitFee } from '../../src/modules/billing/rules.js';

describe('billing rules', () => {
  test('§4.2 table row by row', () => {
    // charge, allowNC false: refused when c < x.
    assert.deepEqual(decideCharge({ credit: 1000n, nc: 500n }, 1000n, false, false), { ok: true, nc: 0n, cr: 1000n });
    assert.deepEqual(decideCharge({ credit: 999n, nc: 500n }, 1000n, false, false), { ok: false });
    assert.deepEqual(decideCharge({ credit: -1n, nc: 0n }, 1n, false, false), { ok: false });
    // charge, allowNC true: nc = min(n, x), refused when x − nc > max(c, 0).
    assert.deepEqual(decideCharge({ credit: 300n, nc: 500n }, 800n, true, false), { ok: true, nc: 500n, cr: 300n });
    assert.deepEqual(decideCharge({ credit: 300n, nc: 500n }, 801n, true, false), { ok: false });
    assert.deepEqual(decideCharge({ credit: -200n, nc: 500n }, 500n, true, false), { ok: true, nc: 500n, cr: 0n });
    assert.deepEqual(decideCharge({ credit: -200n, nc: 500n }, 501n, true, false), { ok: false });
    assert.deepEqual(decideCharge({ credit: 0n, nc: 500n }, 100n, true, false), { ok: true, nc: 100n, cr: 0n });
    // forceCharge: never refused; NC never below 0.
    assert.deepEqual(decideCharge({ credit: 100n, nc: 500n }, 300n, false, true), { ok: true, nc: 0n, cr: 300n });
    assert.deepEqual(decideCharge({ credit: 100n, nc: 500n }, 1000n, true, true), { ok: true, nc: 500n, cr: 500n });
    assert.deepEqual(decideCharge({ credit: -700n, nc: 0n }, 1n, true, true), { ok: true, nc: 0n, cr: 1n });
    // auth: c + n > 0.
    assert.equal(canAuthorise({ credit: -500n, nc: 500n }), false);
    assert.equal(canAuthorise({ credit: -500n, nc: 501n }), true);
    assert.equal(canAuthorise({ credit: 0n, nc: 0n }), false);
    assert.throws(() => decideCharge({ credit: 0n, nc: 0n }, 0n, false, false), RangeError);
  });

  test('fee split: floor(part × bps / 10000), the rest to the app', () => {
    assert.deepEqual(splitFee(333n, 250n), { fee: 8n, net: 325n });
    assert.deepEqual(splitFee(668n, 250n), { fee: 16n, net: 652n });
    assert.deepEqual(splitFee(3n, 250n), { fee: 0n, net: 3n });
    assert.deepEqual(splitFee(1000n, 0n), { fee: 0n, net: 1000n });
    assert.deepEqual(splitFee(1000n, 10_000n), { fee: 1000n, net: 0n });
    assert.throws(() => splitFee(1n, 10_001n), RangeError);
  });

  test('check-in day is the calendar date in the configured zone', () => {
    assert.equal(localDay(Date.UTC(2026, 2, 1, 15, 59, 59), 'Asia/Shanghai'), '2026-03-01');
    assert.equal(localDay(Date.UTC(2026, 2, 1, 16, 0, 0), 'Asia/Shanghai'), '2026-03-02');
    assert.equal(localDay(Date.UTC(2026, 2, 1, 16, 0, 0), 'UTC'), '2026-03-01');
    assert.equal(localDay(Date.UTC(2026, 11, 31, 23, 0, 0), 'America/New_York'), '2026-12-31');
  });
});
