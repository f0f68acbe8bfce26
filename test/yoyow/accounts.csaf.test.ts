// csaf accrual (spec/yoyow.md §5.3) and fees through consents (§5.4, §5.5), at the module level on both stores:
// a property test drives the real chain (issuance into balance, fee charges, reads, time) against a reference model
// of the §5.3 formula; consent limits bound prepaid-paid fees, also under concurrency.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { getApp } from '../../src/core/identity/apps.js';
import { accrue, activeConsent, chargeFee, ensureAccountOpen, resolveAccount, YoyowChainError } from '../../src/modules/yoyow/index.js';
import { STORES } from '../support/stores.js';
import { startChainFixture, UID, type ChainFixture } from './fixture.js';

const R = 1000n;
const CAP = 5_000_000n;
const W = 3600;
const WELCOME = 1_000_000n;

interface Model {
  balance: bigint;
  csaf: bigint;
  settledAt: number;
  carry: bigint;
}

/** The §5.3 formula, written out independently of src/modules/yoyow/csaf.ts. */
function settled(m: Model, t: number): Model {
  const delta = BigInt(Math.min(t - m.settledAt, W));
  const cs = m.carry + m.balance * delta;
  let earned = cs / R;
  let carry = cs % R;
  const room = CAP - m.csaf > 0n ? CAP - m.csaf : 0n;
  if (earned > room) {
    earned = room;
    carry = 0n;
  }
  return { balance: m.balance, csaf: m.csaf + earned, settledAt: t, carry };
}

type Step = { kind: 'wait'; seconds: number } | { kind: 'issue'; amount: bigint } | { kind: 'fee' } | { kind: 'read' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 0, max: 8000 }) }),
  fc.record({ kind: fc.constant('issue' as const), amount: fc.bigInt({ min: 1n, max: 5_000_000n }) }),
  fc.record({ kind: fc.constant('fee' as const) }),
  fc.record({ kind: fc.constant('read' as const) }),
);

for (const kind of STORES) {
  describe(`yoyow csaf and fees [${kind}]`, () => {
    let fx: ChainFixture;
    let users = 0;
    before(async () => {
      fx = await startChainFixture(kind, { yoyow: { csaf: { rate: Number(R), maxPerAccount: Number(CAP), window: W, welcomeGrant: Number(WELCOME) } }, fund: false });
    });
    after(async () => {
      await fx?.close();
    });

    const now = () => Math.floor(fx.now() / 1000);

    test('pure accrual: 10000 YOYO held one day earns 1 YOYO of csaf at the default rate; window and cap', () => {
      const s = { rate: 864_000_000n, maxPerAccount: 100_000_000n, window: 604_800, welcomeGrant: 0n };
      assert.deepEqual(accrue({ balance: 10_000n * 100_000n, csaf: 0n, settledAt: 0, carry: 0n }, 86_400, s), { earned: 100_000n, carry: 0n });
      assert.deepEqual(accrue({ balance: 10_000n * 100_000n, csaf: 0n, settledAt: 0, carry: 0n }, 30 * 86_400, s), { earned: 700_000n, carry: 0n }, '7-day window');
      assert.deepEqual(accrue({ balance: 10_000n * 100_000n, csaf: 99_950_000n, settledAt: 0, carry: 5n }, 86_400, s), { earned: 50_000n, carry: 0n }, 'cap drops the carry');
      assert.deepEqual(accrue({ balance: 3n, csaf: 0n, settledAt: 10, carry: 7n }, 5, s), { earned: 0n, carry: 7n }, 'time going backwards accrues nothing');
    });

    test('property: the chain follows the §5.3 model through issuance, fees, reads and time', async () => {
      const s = fx.ctx.server.services;
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
          const user = await fx.ctx.createUser(`prop${++users}`);
          await ensureAccountOpen(s.db, user.uid, fx.deps);
          let m: Model = { balance: 0n, csaf: WELCOME, settledAt: now(), carry: 0n };
          const ref = (await resolveAccount(s.db, user.uid))!;
          const app = (await getApp(s.db, UID.P))!;
          for (const st of steps) {
            if (st.kind === 'wait') fx.ctx.clock.advance(st.seconds * 1000);
            else if (st.kind === 'issue') {
              const r = await fx.issue(user.uid, (Number(st.amount) / 100000).toFixed(5), 'balance');
              assert.equal(r.status, 200, r.text);
              m = settled(m, now());
              m.balance += st.amount;
            } else if (st.kind === 'fee') {
              const after = settled(m, now());
              try {
                await s.db.transaction().execute((trx) => chargeFee(trx, ref, 'transfer', app, fx.deps));
                assert.ok(after.csaf >= 1000n, 'charged although the model says csaf is short');
                m = { ...after, csaf: after.csaf - 1000n };
              } catch (err) {
                assert.ok(err instanceof YoyowChainError && err.code === 2004, String(err));
                assert.ok(after.csaf < 1000n, 'refused although the model says csaf suffices');
              }
            }
            const shown = await fx.balances(user.uid);
            assert.equal(shown.balance, m.balance);
            assert.equal(shown.csaf, settled(m, now()).csaf, 'reads show csaf plus the pending accrual');
          }
        }),
        { numRuns: kind === 'sqlite' ? 25 : 12 },
      );
    });

    test('a read does not settle: the stored csaf changes only with operations', async () => {
      const user = await fx.ctx.createUser('reader');
      const s = fx.ctx.server.services;
      await ensureAccountOpen(s.db, user.uid, fx.deps);
      assert.equal((await fx.issue(user.uid, '1', 'balance')).status, 200);
      fx.ctx.clock.advance(100_000 * 1000);
      const shown1 = (await fx.balances(user.uid)).csaf;
      const row1 = await s.db.selectFrom('yoyow_accounts').select(['csaf_settled_at', 'csaf_carry']).where('uid', '=', user.uid).executeTakeFirstOrThrow();
      const shown2 = (await fx.get(`/api/v2/accounts/${user.uid}`)).json.data.statistics.csaf;
      const row2 = await s.db.selectFrom('yoyow_accounts').select(['csaf_settled_at', 'csaf_carry']).where('uid', '=', user.uid).executeTakeFirstOrThrow();
      assert.deepEqual(row2, row1);
      assert.equal(BigInt(shown2), shown1);
      // 1 YOYO = 100000 units × 3600 s (the window, not 100000 s) / R 1000 = 360000
      assert.equal(shown1, WELCOME + 360_000n);
    });

    test('prepaid fees through a consent count towards cur_used and must fit the limit (use_csaf false)', async () => {
      await fx.setYoyow(UID.P, { use_csaf: false });
      const user = await fx.ctx.createUser('limited');
      assert.equal((await fx.consent(user.uid, UID.P, { max_limit: '2500' })).status, 200);
      assert.equal((await fx.issue(user.uid, '1', 'prepaid')).status, 200);
      const s = fx.ctx.server.services;
      const ref = (await resolveAccount(s.db, user.uid))!;
      const app = (await getApp(s.db, UID.P))!;
      const charge = () =>
        s.db.transaction().execute(async (trx) => {
          const consent = (await activeConsent(trx, user.uid, UID.P))!;
          return chargeFee(trx, ref, 'transfer', app, fx.deps, consent);
        });
      const results = await Promise.allSettled([charge(), charge(), charge(), charge()]);
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      assert.equal(ok, 2);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof YoyowChainError && r.reason.code === 2004);
      const c = (await fx.get(`/api/v2/authPermissions?account=${user.uid}`)).json.data[0];
      assert.equal(c.cur_used, 2000);
      assert.equal((await fx.balances(user.uid)).prepaid, 100_000n - 2000n);
      await fx.setYoyow(UID.P, { use_csaf: true });
    });
  });
}
