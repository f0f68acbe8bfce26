// Concurrency of the payments module (spec/pi.md §4.4) on both stores: parallel requests on one payment have exactly
// one winner and the losers see the committed state. Invariants checked after each race: ledger transfers of the
// payment, balances, the events of each transition, open payments per user / app.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { upsertGrant } from '../../src/core/identity/grants.js';
import {
  approvePayment,
  cancelPayment,
  completePayment,
  getPayment,
  PaymentError,
  payPayment,
  type Payment,
  type PaymentViewer,
} from '../../src/modules/payments/index.js';
import { STORES } from '../support/stores.js';
import { FIXTURE_START, startPiFixture, type PiFixture, type PiFixtureApp, type PiUser } from './fixture.js';
import { a2u, eventsOf, pi, transfersOf, tx, u2a } from './helpers.js';

function fulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  return results.filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled').map((r) => r.value);
}

function refusals(results: PromiseSettledResult<unknown>[]): string[] {
  return results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => {
      if (r.reason instanceof PaymentError) return r.reason.code;
      throw r.reason;
    });
}

for (const kind of STORES) {
  describe(`payments under concurrency [${kind}]`, () => {
    const clock = manualClock(FIXTURE_START);
    let f: PiFixture;
    let n = 0;
    const user = async (funds = '10', app?: PiFixtureApp): Promise<PiUser> => {
      const u = await f.createUser(`racer${++n}`, ['username', 'payments', 'wallet_address'], app);
      if (funds !== '0') await f.fund(u, funds);
      return u;
    };
    const wallet = (u: PiUser): PaymentViewer => ({ kind: 'wallet', userId: u.userId });
    const appViewer = (id = f.app.id): PaymentViewer => ({ kind: 'app', appId: id });
    const approve = (p: Payment) => tx(f, (trx) => approvePayment(trx, p.identifier, f.app.id, f.deps));
    const pay = (p: Payment, payer: PaymentViewer) => tx(f, (trx) => payPayment(trx, p.identifier, payer, f.deps));
    const complete = (p: Payment, txid: string) => tx(f, (trx) => completePayment(trx, p.identifier, f.app.id, txid, f.deps));
    const cancel = (p: Payment, viewer: PaymentViewer) => tx(f, (trx) => cancelPayment(trx, p.identifier, viewer, f.deps));
    const get = (identifier: string) => tx(f, (trx) => getPayment(trx, identifier, appViewer(), f.deps));
    const count = async (identifier: string, type: string) => (await eventsOf(f, identifier)).filter((e) => e.type === type).length;

    before(async () => {
      f = await startPiFixture(kind, { clock, dialects: [] });
    });
    after(() => f.close());

    test('20 parallel pays of one U2A payment: one transfer, balances right, every caller sees the same verified payment', async () => {
      const u = await user('10');
      const p = await approve(await u2a(f, u));
      const appBefore = await f.balance('app');
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => pay(p, wallet(u))));
      const paid = fulfilled(results);
      assert.equal(paid.length, 20, JSON.stringify(refusals(results)));
      assert.equal(new Set(paid.map((x) => x.txid)).size, 1);
      for (const x of paid) assert.deepEqual(x, paid[0]);
      assert.equal(paid[0]!.state, 'verified');
      const transfers = await transfersOf(f, p.identifier);
      assert.equal(transfers.length, 1);
      assert.equal(transfers[0]!.txid, paid[0]!.txid);
      assert.equal(await f.balance(u), pi('6.86'));
      assert.equal(await f.balance('app'), appBefore + pi('3.14'));
      assert.equal(await count(p.identifier, 'payment.transaction_verified'), 1);
    });

    test('10 parallel pays of one A2U payment by the app: one transfer', async () => {
      const r = await user('0');
      await f.fund('app', '5');
      const p = await a2u(f, r.pairwiseUid, '1.5');
      const paid = fulfilled(await Promise.allSettled(Array.from({ length: 10 }, () => pay(p, appViewer()))));
      assert.equal(paid.length, 10);
      assert.equal((await transfersOf(f, p.identifier)).length, 1);
      assert.equal(await f.balance(r), pi('1.5'));
      await complete(p, paid[0]!.txid!);
    });

    test('parallel completes (example 12): all answer the same completed payment; one payment.completed', async () => {
      const u = await user('10');
      const p = await pay(await approve(await u2a(f, u)), wallet(u));
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => complete(p, p.txid!)));
      const done = fulfilled(results);
      assert.equal(done.length, 10, JSON.stringify(refusals(results)));
      for (const x of done) assert.deepEqual(x, done[0]);
      assert.equal(done[0]!.state, 'completed');
      assert.equal(await count(p.identifier, 'payment.completed'), 1);
      assert.equal((await transfersOf(f, p.identifier)).length, 1);
    });

    test('parallel approves: one payment.approved', async () => {
      const u = await user('10');
      const p = await u2a(f, u);
      const done = fulfilled(await Promise.allSettled(Array.from({ length: 10 }, () => approve(p))));
      assert.equal(done.length, 10);
      for (const x of done) assert.deepEqual(x, done[0]);
      assert.equal(await count(p.identifier, 'payment.approved'), 1);
    });

    test('a cancel racing a pay: exactly one wins; the loser gets payment_tx_present or cancelled_payment', async () => {
      const outcomes = new Set<string>();
      for (let round = 0; round < 8; round++) {
        const u = await user('10');
        const p = await approve(await u2a(f, u));
        const canceller = round % 2 === 0 ? appViewer() : wallet(u);
        const racers = round % 4 < 2 ? [cancel(p, canceller), pay(p, wallet(u))] : [pay(p, wallet(u)), cancel(p, canceller)];
        const results = await Promise.allSettled(racers);
        const wins = fulfilled(results);
        assert.equal(wins.length, 1, `round ${round}: ${JSON.stringify(refusals(results))}`);
        const [loser] = refusals(results);
        const final = await get(p.identifier);
        const transfers = await transfersOf(f, p.identifier);
        if (final.state === 'verified') {
          assert.equal(loser, 'payment_tx_present');
          assert.equal(transfers.length, 1);
          assert.equal(await f.balance(u), pi('6.86'));
          assert.equal(await count(p.identifier, 'payment.cancelled'), 0);
        } else {
          assert.equal(final.state, 'cancelled');
          assert.equal(loser, 'cancelled_payment');
          assert.equal(transfers.length, 0);
          assert.equal(await f.balance(u), pi('10'));
          assert.equal(await count(p.identifier, 'payment.cancelled'), 1);
          assert.equal(await count(p.identifier, 'payment.transaction_verified'), 0);
        }
        outcomes.add(final.state);
      }
      assert.ok(outcomes.size >= 1);
    });

    test('10 parallel U2A creations by one user: all succeed in turn, exactly one stays open, every other one superseded once', async () => {
      const u = await user('10');
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => u2a(f, u, String(i + 1))));
      const created = fulfilled(results);
      assert.equal(created.length, 10, JSON.stringify(refusals(results)));
      const rows = await f.server.services.db.selectFrom('payments').select(['identifier', 'state', 'cancel_reason']).where('user_id', '=', u.userId).execute();
      assert.equal(rows.length, 10);
      const open = rows.filter((r) => r.state === 'created' || r.state === 'approved');
      assert.equal(open.length, 1);
      for (const r of rows.filter((x) => x.state === 'cancelled')) {
        assert.equal(r.cancel_reason, 'superseded');
        assert.equal(await count(r.identifier, 'payment.cancelled'), 1);
      }
      for (const p of created) assert.equal(await count(p.identifier, 'payment.created'), 1);
    });

    test('a U2A creation racing a pay of the user\'s approved payment: never a new payment beside a paid one', async () => {
      for (let round = 0; round < 6; round++) {
        const u = await user('10');
        const p = await approve(await u2a(f, u));
        const racers = round % 2 === 0 ? [u2a(f, u, '1'), pay(p, wallet(u))] : [pay(p, wallet(u)), u2a(f, u, '1')];
        const results = await Promise.allSettled(racers);
        const final = await get(p.identifier);
        const rows = await f.server.services.db.selectFrom('payments').select(['state']).where('user_id', '=', u.userId).execute();
        if (final.state === 'verified') {
          assert.deepEqual(refusals(results), ['ongoing_payment_found'], `round ${round}`);
          assert.equal(rows.length, 1);
        } else {
          assert.equal(final.cancelReason, 'superseded');
          assert.deepEqual(refusals(results), ['cancelled_payment'], `round ${round}`);
          assert.equal(rows.length, 2);
          assert.equal((await transfersOf(f, p.identifier)).length, 0);
        }
      }
    });

    test('parallel A2U creations under the limit of 1: exactly one, the others see it as the ongoing payment', async () => {
      const a = await f.createApp(`Limit app ${++n}`);
      const recipients = await Promise.all(Array.from({ length: 8 }, () => user('0', a)));
      const results = await Promise.allSettled(recipients.map((r) => a2u(f, r.pairwiseUid, '1', { appId: a.id })));
      const created = fulfilled(results);
      assert.equal(created.length, 1, JSON.stringify(refusals(results)));
      assert.deepEqual(refusals(results), Array(7).fill('ongoing_payment_found'));
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as PaymentError).payment!.identifier, created[0]!.identifier);
      }
    });

    test('parallel pays of two payments the balance covers only one of: one verified, one insufficient_funds', async () => {
      const u = await user('5');
      const a2 = await f.createApp(`Second shop ${++n}`);
      await tx(f, (trx) => upsertGrant(trx, { appId: a2.id, userId: u.userId, kind: 'pi', scopes: ['payments'] }, clock));
      const p = await approve(await u2a(f, u, '3'));
      // A payment with another app: supersede is per (app, user), so both stay approved.
      const q = await u2a(f, u, '3', { appId: a2.id });
      await tx(f, (trx) => approvePayment(trx, q.identifier, a2.id, f.deps));
      const results = await Promise.allSettled([pay(p, wallet(u)), pay(q, wallet(u))]);
      assert.equal(fulfilled(results).length, 1);
      assert.deepEqual(refusals(results), ['insufficient_funds']);
      assert.equal(await f.balance(u), pi('2'));
      assert.equal((await transfersOf(f, p.identifier)).length + (await transfersOf(f, q.identifier)).length, 1);
    });
  });
}
