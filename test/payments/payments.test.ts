// The payments module on both stores (spec/pi.md §3.8–§3.16, §4): creation (U2A with supersede, A2U with the checks
// of §3.8 in order), every cell of the §4.4 table (approve / complete / cancel / transaction × each state), who may
// see and pay what, the ledger transfer of T9 and the one event per transition. Module functions are called directly
// in a transaction of the fixture's server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { revokeGrant, upsertGrant } from '../../src/core/identity/grants.js';
import { setUserDisabled } from '../../src/core/identity/users.js';
import { getAccount } from '../../src/core/ledger/accounts.js';
import { issue } from '../../src/core/ledger/transfers.js';
import {
  approvePayment,
  cancelPayment,
  completePayment,
  getPayment,
  incompleteServerPayments,
  incompleteUserPayment,
  listAppPayments,
  payPayment,
  paymentAssetId,
  paymentDtoJson,
  type Payment,
  type PaymentViewer,
} from '../../src/modules/payments/index.js';
import { STORES } from '../support/stores.js';
import { FIXTURE_START, startPiFixture, type PiFixture, type PiFixtureApp, type PiUser } from './fixture.js';
import { a2u, eventsOf, eventTypes, META, pi, refused, transfersOf, tx, u2a } from './helpers.js';

for (const kind of STORES) {
  describe(`payments module [${kind}]`, () => {
    const clock = manualClock(FIXTURE_START);
    let f: PiFixture;
    let n = 0;
    /** A fresh user of the fixture's app (or of `app`), funded with `funds` PI when given. */
    const user = async (scopes = ['username', 'payments'], funds?: string, app?: PiFixtureApp): Promise<PiUser> => {
      const u = await f.createUser(`user${++n}`, scopes, app);
      if (funds) await f.fund(u, funds);
      return u;
    };
    const app = (id = f.app.id): PaymentViewer => ({ kind: 'app', appId: id });
    const wallet = (u: PiUser): PaymentViewer => ({ kind: 'wallet', userId: u.userId });
    const appUser = (u: PiUser, appId = f.app.id): PaymentViewer => ({ kind: 'app_user', appId, userId: u.userId });
    const approve = (p: Payment, appId = f.app.id) => tx(f, (trx) => approvePayment(trx, p.identifier, appId, f.deps));
    const complete = (p: Payment, txid: string, appId = f.app.id) => tx(f, (trx) => completePayment(trx, p.identifier, appId, txid, f.deps));
    const cancel = (p: Payment, viewer: PaymentViewer) => tx(f, (trx) => cancelPayment(trx, p.identifier, viewer, f.deps));
    const pay = (p: Payment, payer: PaymentViewer) => tx(f, (trx) => payPayment(trx, p.identifier, payer, f.deps));
    const get = (identifier: string, viewer: PaymentViewer) => tx(f, (trx) => getPayment(trx, identifier, viewer, f.deps));
    const dto = (p: Payment) => JSON.parse(paymentDtoJson(p, 'http://127.0.0.1:3000')) as Record<string, any>;
    /** A U2A payment of a fresh funded user, advanced to `state`. */
    const u2aIn = async (state: 'created' | 'approved' | 'verified' | 'completed') => {
      const u = await user(undefined, '10');
      let p = await u2a(f, u);
      if (state !== 'created') p = await approve(p);
      if (state === 'verified' || state === 'completed') p = await pay(p, wallet(u));
      if (state === 'completed') p = await complete(p, p.txid!);
      assert.equal(p.state, state);
      return { u, p };
    };
    const cancelledU2a = async () => {
      const { u, p } = await u2aIn('approved');
      return { u, p: await cancel(p, app()) };
    };
    /** Issues PI into another app's wallet. */
    const fundApp = (a: PiFixtureApp, amount: string) =>
      tx(f, async (trx) => {
        const assetId = await paymentAssetId(trx, f.deps);
        const w = await trx.selectFrom('wallet_keys').select('account_id').where('address', '=', a.address).executeTakeFirstOrThrow();
        await issue(trx, { assetId, toAccountId: Number(w.account_id), amount: pi(amount) }, clock);
      });
    /** An app with its own A2U limit and a recipient who granted wallet_address. */
    const a2uApp = async (settings?: Record<string, unknown>) => {
      const a = await f.createApp(`A2U app ${++n}`);
      if (settings) await f.server.services.db.updateTable('apps').set({ settings: JSON.stringify({ pi: settings }) }).where('id', '=', a.id).execute();
      const r = await user(['username', 'payments', 'wallet_address'], undefined, a);
      return { a, r };
    };

    before(async () => {
      f = await startPiFixture(kind, { clock, dialects: [] });
      await f.fund('app', '1000');
    });
    after(() => f.close());

    test('U2A create (§3.14, example 3): `created`, wallets, network, flags false, no transaction, one payment.created', async () => {
      const u = await user();
      const p = await u2a(f, u);
      assert.match(p.identifier, /^[0-9A-Za-z]{28}$/);
      assert.equal(p.state, 'created');
      assert.equal(p.direction, 'user_to_app');
      assert.equal(p.amount, 31_400_000n);
      assert.equal(p.fromAddress, u.address);
      assert.equal(p.toAddress, f.app.address);
      assert.equal(p.network, 'Pi Testnet');
      assert.equal(p.userUid, u.pairwiseUid);
      assert.equal(p.userId, u.userId);
      assert.equal(p.createdAt, clock.now());
      assert.equal(p.developerApproved, false);
      assert.equal(p.txid, null);
      assert.equal(
        paymentDtoJson(p, 'http://127.0.0.1:3000'),
        `{"identifier":"${p.identifier}","user_uid":"${u.pairwiseUid}","amount":3.14,"memo":"Digital kitten #1234","metadata":${META},` +
          `"from_address":"${u.address}","to_address":"${f.app.address}","direction":"user_to_app","created_at":"${new Date(clock.now()).toISOString()}",` +
          `"network":"Pi Testnet","status":{"developer_approved":false,"transaction_verified":false,"developer_completed":false,"cancelled":false,"user_cancelled":false},"transaction":null}`,
      );
      const events = await eventsOf(f, p.identifier);
      assert.deepEqual(events.map((e) => e.type), ['payment.created']);
      assert.equal(events[0]!.appId, f.app.id);
      assert.deepEqual(events[0]!.payment, { ...dto(p), metadata: { itemIds: [11, 42], orderId: 1234 } });
      assert.equal(await f.balance(u), 0n, 'the balance is not checked (or touched) at creation');
    });

    test('the app network setting is copied onto the payment at creation', async () => {
      const a = await f.createApp(`Mainnet app ${++n}`);
      await f.server.services.db.updateTable('apps').set({ settings: JSON.stringify({ pi: { network: 'Pi Network' } }) }).where('id', '=', a.id).execute();
      const u = await user(undefined, undefined, a);
      const p = await u2a(f, u, '1', { appId: a.id });
      assert.equal(p.network, 'Pi Network');
      assert.equal(p.toAddress, a.address);
    });

    // --------------------------------------------------------------------------------------------------- approve
    test('approve: created → approved with one payment.approved; repeats answer unchanged', async () => {
      const { p } = await u2aIn('created');
      clock.advance(5);
      const approved = await approve(p);
      assert.equal(approved.state, 'approved');
      assert.equal(approved.developerApproved, true);
      assert.equal(approved.approvedAt, clock.now());
      assert.deepEqual(dto(approved).status, { developer_approved: true, transaction_verified: false, developer_completed: false, cancelled: false, user_cancelled: false });
      assert.deepEqual(await approve(p), approved);
      assert.deepEqual(await eventTypes(f, p.identifier), ['payment.approved', 'payment.created']);
    });

    test('approve on verified and completed → unchanged; on cancelled → cancelled_payment with the payment', async () => {
      for (const state of ['verified', 'completed'] as const) {
        const { p } = await u2aIn(state);
        const before = await eventTypes(f, p.identifier);
        assert.deepEqual(await approve(p), p);
        assert.deepEqual(await eventTypes(f, p.identifier), before);
      }
      const { p } = await cancelledU2a();
      await refused(approve(p), 'cancelled_payment', { payment: p.identifier });
    });

    test('approve: another app\'s payment, a malformed or unknown id → payment_not_found', async () => {
      const { p } = await u2aIn('created');
      const other = await f.createApp(`Other ${++n}`);
      await refused(approve(p, other.id), 'payment_not_found', { payment: null });
      await refused(tx(f, (trx) => approvePayment(trx, ':paymentId', f.app.id, f.deps)), 'payment_not_found');
      await refused(tx(f, (trx) => approvePayment(trx, 'A'.repeat(28), f.app.id, f.deps)), 'payment_not_found');
      await refused(tx(f, (trx) => approvePayment(trx, `${p.identifier}x`, f.app.id, f.deps)), 'payment_not_found');
      assert.equal((await get(p.identifier, app())).state, 'created');
    });

    test('approve on an A2U payment → 200 unchanged (approved at creation)', async () => {
      const { a, r } = await a2uApp();
      const p = await a2u(f, r.pairwiseUid, '1.5', { appId: a.id });
      assert.deepEqual(await approve(p, a.id), p);
      assert.deepEqual(await eventTypes(f, p.identifier), ['payment.created']);
    });

    // ---------------------------------------------------------------------------------------------- transaction
    test('pay (T9): one pi.payment transfer payer → payee, memo = identifier; verified with the txid; balances move', async () => {
      const { u, p } = await u2aIn('approved');
      const s = f.server.services;
      const appBefore = await f.balance('app');
      clock.advance(7);
      const paid = await pay(p, wallet(u));
      assert.equal(paid.state, 'verified');
      assert.match(paid.txid!, /^[0-9a-f]{64}$/);
      assert.equal(paid.verifiedAt, clock.now());
      assert.equal(await f.balance(u), pi('6.86'));
      assert.equal(await f.balance('app'), appBefore + pi('3.14'));
      const transfers = await transfersOf(f, p.identifier);
      assert.equal(transfers.length, 1);
      const t = transfers[0]!;
      assert.equal(t.txid, paid.txid);
      assert.equal(BigInt(t.amount), p.amount);
      assert.equal(t.status, 'posted');
      const assetId = await paymentAssetId(s.db, f.deps);
      assert.equal((await getAccount(s.db, Number(t.debit_account_id)))!.owner.id, String(u.uid));
      assert.equal((await getAccount(s.db, Number(t.credit_account_id)))!.owner.id, String(f.app.id));
      assert.equal(Number(t.asset_id), assetId);
      const d = dto(paid);
      assert.deepEqual(d.transaction, { txid: paid.txid, verified: true, _link: `http://127.0.0.1:3000/horizon/transactions/${paid.txid}` });
      assert.deepEqual(d.status, { developer_approved: true, transaction_verified: true, developer_completed: false, cancelled: false, user_cancelled: false });
      assert.deepEqual(await eventTypes(f, p.identifier), ['payment.approved', 'payment.created', 'payment.transaction_verified']);
      // Repeats are 200 unchanged and move nothing (§4.4: verified and completed).
      assert.deepEqual(await pay(p, wallet(u)), paid);
      const completed = await complete(p, paid.txid!);
      assert.deepEqual(await pay(p, wallet(u)), completed);
      assert.equal((await transfersOf(f, p.identifier)).length, 1);
      assert.equal(await f.balance(u), pi('6.86'));
    });

    test('pay on created → payment_not_approved; on cancelled → cancelled_payment; nothing moves', async () => {
      const { u, p } = await u2aIn('created');
      await refused(pay(p, wallet(u)), 'payment_not_approved', { payment: p.identifier });
      const c = await cancelledU2a();
      await refused(pay(c.p, wallet(c.u)), 'cancelled_payment', { payment: c.p.identifier });
      assert.equal((await transfersOf(f, p.identifier)).length + (await transfersOf(f, c.p.identifier)).length, 0);
      assert.equal(await f.balance(u), pi('10'));
    });

    test('pay with a short balance → insufficient_funds with the payment; nothing moves, the payment stays approved', async () => {
      const u = await user(undefined, '3.1399999');
      const p = await approve(await u2a(f, u));
      await refused(pay(p, wallet(u)), 'insufficient_funds', { payment: p.identifier });
      assert.equal((await get(p.identifier, app())).state, 'approved');
      assert.equal(await f.balance(u), pi('3.1399999'));
      await f.fund(u, '0.0000001');
      assert.equal((await pay(p, wallet(u))).state, 'verified', 'exactly the amount suffices');
      assert.equal(await f.balance(u), 0n);
    });

    test('pay by a credential that is not the payer\'s → forbidden; not visible → payment_not_found', async () => {
      const { u, p } = await u2aIn('approved');
      await refused(pay(p, app()), 'forbidden', { payment: p.identifier });
      await refused(pay(p, appUser(u)), 'forbidden', { payment: p.identifier });
      const stranger = await user(undefined, '10');
      await refused(pay(p, wallet(stranger)), 'payment_not_found', { payment: null });
      await refused(pay(p, appUser(stranger)), 'payment_not_found');
      await refused(pay(p, app((await f.createApp(`Other ${++n}`)).id)), 'payment_not_found');
      const { a, r } = await a2uApp();
      const q = await a2u(f, r.pairwiseUid, '1', { appId: a.id });
      await refused(pay(q, wallet(r)), 'forbidden', { payment: q.identifier });
      await refused(pay(q, appUser(r, a.id)), 'forbidden', { payment: q.identifier });
      assert.equal((await transfersOf(f, p.identifier)).length + (await transfersOf(f, q.identifier)).length, 0);
    });

    // ------------------------------------------------------------------------------------------------- complete
    test('complete: verified + linked txid (any case, surrounding spaces) → completed with one payment.completed; repeat unchanged', async () => {
      const { p } = await u2aIn('verified');
      clock.advance(3);
      const done = await complete(p, `  ${p.txid!.toUpperCase()}\n`);
      assert.equal(done.state, 'completed');
      assert.equal(done.completedAt, clock.now());
      assert.deepEqual(dto(done).status, { developer_approved: true, transaction_verified: true, developer_completed: true, cancelled: false, user_cancelled: false });
      assert.deepEqual(await complete(p, p.txid!), done);
      assert.equal((await eventsOf(f, p.identifier)).filter((e) => e.type === 'payment.completed').length, 1);
      assert.equal((await transfersOf(f, p.identifier)).length, 1, 'completion moves no money');
    });

    test('complete with another txid: verified → txid_mismatch; completed → already_completed', async () => {
      const { p } = await u2aIn('verified');
      const other = 'ab'.repeat(32);
      await refused(complete(p, other), 'txid_mismatch', { payment: p.identifier });
      assert.equal((await get(p.identifier, app())).state, 'verified');
      await complete(p, p.txid!);
      await refused(complete(p, other), 'already_completed', { payment: p.identifier });
    });

    test('complete before a transaction → verification_failed: tx_not_found, or tx_memo_payment_identifier_mismatch for another transfer', async () => {
      for (const state of ['created', 'approved'] as const) {
        const { p } = await u2aIn(state);
        await refused(complete(p, 'cd'.repeat(32)), 'verification_failed', { verification: 'tx_not_found', payment: null });
        await refused(complete(p, 'not hex'), 'verification_failed', { verification: 'tx_not_found' });
        const someone = await u2aIn('verified');
        await refused(complete(p, someone.p.txid!), 'verification_failed', { verification: 'tx_memo_payment_identifier_mismatch' });
        assert.equal((await get(p.identifier, app())).state, state);
      }
    });

    test('complete on cancelled → cancelled_payment', async () => {
      const { p } = await cancelledU2a();
      await refused(complete(p, 'ab'.repeat(32)), 'cancelled_payment', { payment: p.identifier });
    });

    // --------------------------------------------------------------------------------------------------- cancel
    test('developer cancel (T6) of created and approved: `cancelled`, developer_approved as before, one payment.cancelled', async () => {
      for (const state of ['created', 'approved'] as const) {
        const { p } = await u2aIn(state);
        clock.advance(1);
        const c = await cancel(p, app());
        assert.equal(c.state, 'cancelled');
        assert.equal(c.cancelReason, 'developer');
        assert.equal(c.cancelledAt, clock.now());
        assert.deepEqual(dto(c).status, { developer_approved: state === 'approved', transaction_verified: false, developer_completed: false, cancelled: true, user_cancelled: false });
        assert.equal(dto(c).transaction, null);
        assert.equal((await eventsOf(f, p.identifier)).filter((e) => e.type === 'payment.cancelled').length, 1);
      }
    });

    test('user cancel (T7) with the access token or the wallet token → user_cancelled', async () => {
      const a = await u2aIn('created');
      const c1 = await cancel(a.p, appUser(a.u));
      assert.equal(c1.cancelReason, 'user');
      assert.deepEqual(dto(c1).status, { developer_approved: false, transaction_verified: false, developer_completed: false, cancelled: false, user_cancelled: true });
      const b = await u2aIn('approved');
      const c2 = await cancel(b.p, wallet(b.u));
      assert.equal(c2.cancelReason, 'user');
      assert.equal(dto(c2).status.developer_approved, true);
      assert.equal(dto(c2).status.user_cancelled, true);
    });

    test('cancel: verified → payment_tx_present; completed → already_completed; cancelled (either flag) → cancelled_payment', async () => {
      const v = await u2aIn('verified');
      await refused(cancel(v.p, app()), 'payment_tx_present', { payment: v.p.identifier });
      await refused(cancel(v.p, wallet(v.u)), 'payment_tx_present');
      const c = await u2aIn('completed');
      await refused(cancel(c.p, app()), 'already_completed', { payment: c.p.identifier });
      await refused(cancel(c.p, appUser(c.u)), 'already_completed');
      const d = await cancelledU2a();
      await refused(cancel(d.p, app()), 'cancelled_payment', { payment: d.p.identifier });
      const e = await u2aIn('created');
      await cancel(e.p, wallet(e.u));
      await refused(cancel(e.p, app()), 'cancelled_payment');
      await refused(cancel(e.p, appUser(e.u)), 'cancelled_payment');
      assert.equal((await eventsOf(f, e.p.identifier)).filter((x) => x.type === 'payment.cancelled').length, 1);
    });

    test('cancel: a user credential on an A2U payment → forbidden; the app cancels it (T6)', async () => {
      const { a, r } = await a2uApp();
      const p = await a2u(f, r.pairwiseUid, '2', { appId: a.id });
      await refused(cancel(p, appUser(r, a.id)), 'forbidden', { payment: p.identifier });
      await refused(cancel(p, wallet(r)), 'forbidden', { payment: p.identifier });
      const c = await cancel(p, app(a.id));
      assert.equal(c.cancelReason, 'developer');
      assert.equal(dto(c).status.developer_approved, true);
    });

    test('cancel: another user\'s or app\'s payment → payment_not_found', async () => {
      const { p } = await u2aIn('created');
      const stranger = await user();
      await refused(cancel(p, wallet(stranger)), 'payment_not_found', { payment: null });
      await refused(cancel(p, appUser(stranger)), 'payment_not_found');
      await refused(cancel(p, app((await f.createApp(`Other ${++n}`)).id)), 'payment_not_found');
      assert.equal((await get(p.identifier, app())).state, 'created');
    });

    // --------------------------------------------------------------------------------------------------- get
    test('get: the app sees its payments, the access token its user\'s with that app, the wallet token its user\'s with any app', async () => {
      const u = await user();
      const p = await u2a(f, u);
      assert.deepEqual(await get(p.identifier, app()), p);
      assert.deepEqual(await get(p.identifier, appUser(u)), p);
      assert.deepEqual(await get(p.identifier, wallet(u)), p);
      const other = await f.createApp(`Other ${++n}`);
      await refused(get(p.identifier, app(other.id)), 'payment_not_found');
      await refused(get(p.identifier, appUser(u, other.id)), 'payment_not_found');
      await refused(get(p.identifier, wallet(await user())), 'payment_not_found');
      for (const bad of ['', ':paymentId', 'x'.repeat(27), 'x'.repeat(29), `${'x'.repeat(27)}-`, `${'x'.repeat(27)}é`]) await refused(get(bad, app()), 'payment_not_found');
      // The same user's payment with another app is visible to the wallet page.
      await tx(f, (trx) => upsertGrant(trx, { appId: other.id, userId: u.userId, kind: 'pi', scopes: ['payments'] }, clock));
      const q = await u2a(f, u, '1', { appId: other.id });
      assert.equal((await get(q.identifier, wallet(u))).appId, other.id);
      assert.equal((await get(p.identifier, app())).state, 'created', 'a payment with another app does not supersede');
    });

    // ------------------------------------------------------------------------------------------ U2A supersede
    test('supersede (T5): a new U2A payment cancels the user\'s created and approved ones with that app, one event each', async () => {
      const u = await user(undefined, '10');
      const p1 = await u2a(f, u);
      const p2 = await u2a(f, u, '2');
      const s1 = await get(p1.identifier, app());
      assert.equal(s1.state, 'cancelled');
      assert.equal(s1.cancelReason, 'superseded');
      assert.deepEqual(dto(s1).status, { developer_approved: false, transaction_verified: false, developer_completed: false, cancelled: true, user_cancelled: false });
      await approve(p2);
      const p3 = await u2a(f, u, '3');
      const s2 = await get(p2.identifier, app());
      assert.equal(s2.cancelReason, 'superseded');
      assert.equal(s2.developerApproved, true);
      assert.deepEqual(await eventTypes(f, p1.identifier), ['payment.cancelled', 'payment.created']);
      assert.deepEqual(await eventTypes(f, p2.identifier), ['payment.approved', 'payment.cancelled', 'payment.created']);
      assert.equal((await get(p3.identifier, app())).state, 'created');
      // Completed and cancelled payments are left alone.
      const paid = await pay(await approve(p3), wallet(u));
      await complete(paid, paid.txid!);
      const p4 = await u2a(f, u, '1');
      assert.equal((await get(p3.identifier, app())).state, 'completed');
      assert.equal((await get(p1.identifier, app())).cancelReason, 'superseded');
      assert.equal(p4.state, 'created');
    });

    test('a paid but uncompleted U2A payment blocks new ones (ongoing_payment_found with it) until completed', async () => {
      const { u, p } = await u2aIn('verified');
      const blocked = await refused(u2a(f, u, '1'), 'ongoing_payment_found', { payment: p.identifier });
      assert.equal(blocked.payment!.state, 'verified');
      assert.deepEqual(await tx(f, (trx) => incompleteUserPayment(trx, f.app.id, u.userId, f.deps)), p);
      const count = await f.server.services.db.selectFrom('payments').select('id').where('user_id', '=', u.userId).execute();
      assert.equal(count.length, 1, 'the refusal wrote nothing');
      await complete(p, p.txid!);
      assert.equal(await tx(f, (trx) => incompleteUserPayment(trx, f.app.id, u.userId, f.deps)), null);
      assert.equal((await u2a(f, u, '1')).state, 'created');
    });

    test('a refused U2A creation rolls back the supersede it would have made', async () => {
      const { u, p } = await u2aIn('verified');
      // A created payment of the same (app, user) beside the verified one cannot arise through the API; plant one.
      await f.server.services.db
        .insertInto('payments')
        .values({ identifier: 'Z'.repeat(28), app_id: f.app.id, user_id: u.userId, user_uid: u.pairwiseUid, direction: 'user_to_app', amount_minor: 1, memo: '', metadata_json: '{}', from_address: u.address, to_address: f.app.address, network: 'Pi Testnet', state: 'created', cancel_reason: null, developer_approved: 0, txid: null, created_at: clock.now(), approved_at: null, verified_at: null, completed_at: null, cancelled_at: null, approval_deadline: clock.now() + 60_000, transaction_deadline: null })
        .execute();
      await refused(u2a(f, u, '1'), 'ongoing_payment_found', { payment: p.identifier });
      assert.equal((await get('Z'.repeat(28), app())).state, 'created');
      assert.deepEqual(await eventTypes(f, 'Z'.repeat(28)), []);
      await f.server.services.db.deleteFrom('payments').where('identifier', '=', 'Z'.repeat(28)).execute();
    });

    // ------------------------------------------------------------------------------------------------------ A2U
    test('A2U create (T2, example 8): approved at creation, app wallet → user wallet, one payment.created; the app pays it', async () => {
      const { a, r } = await a2uApp();
      const p = await a2u(f, r.pairwiseUid, '1.5', { appId: a.id });
      assert.equal(p.state, 'approved');
      assert.equal(p.direction, 'app_to_user');
      assert.equal(p.developerApproved, true);
      assert.equal(p.approvedAt, p.createdAt);
      assert.equal(p.fromAddress, a.address);
      assert.equal(p.toAddress, r.address);
      assert.equal(p.userUid, r.pairwiseUid);
      assert.equal(p.userId, r.userId);
      assert.deepEqual(dto(p).status, { developer_approved: true, transaction_verified: false, developer_completed: false, cancelled: false, user_cancelled: false });
      assert.deepEqual(await eventTypes(f, p.identifier), ['payment.created']);
      assert.deepEqual(await tx(f, (trx) => incompleteServerPayments(trx, a.id, f.deps)), [p]);
      // The app wallet's balance is not checked at creation, only when the app pays.
      await refused(pay(p, app(a.id)), 'insufficient_funds', { payment: p.identifier });
    });

    test('A2U pay by the app (Key) moves app → user; incomplete_server_payments lists it until completed', async () => {
      const { a, r } = await a2uApp();
      await fundApp(a, '5');
      const p = await a2u(f, r.pairwiseUid, '1.5', { appId: a.id });
      const paid = await pay(p, app(a.id));
      assert.equal(paid.state, 'verified');
      assert.equal(await f.balance(r), pi('1.5'));
      assert.deepEqual(await tx(f, (trx) => incompleteServerPayments(trx, a.id, f.deps)), [paid]);
      await refused(a2u(f, r.pairwiseUid, '1', { appId: a.id }), 'ongoing_payment_found', { payment: p.identifier });
      const done = await complete(p, paid.txid!, a.id);
      assert.deepEqual(await tx(f, (trx) => incompleteServerPayments(trx, a.id, f.deps)), []);
      assert.equal(done.state, 'completed');
      assert.equal((await a2u(f, r.pairwiseUid, '1', { appId: a.id })).state, 'approved');
    });

    test('A2U create checks in order: feature_not_available → user_not_found → missing_scope → ongoing_payment_found', async () => {
      const { a, r } = await a2uApp({ a2uEnabled: false });
      await refused(a2u(f, 'no-such-uid', '1', { appId: a.id }), 'feature_not_available', { payment: null });
      await refused(a2u(f, r.pairwiseUid, '1', { appId: a.id }), 'feature_not_available');
      const b = await a2uApp();
      await refused(a2u(f, 'no-such-uid', '1', { appId: b.a.id }), 'user_not_found', { payment: null });
      await refused(a2u(f, r.pairwiseUid, '1', { appId: b.a.id }), 'user_not_found', { payment: null });
      const usernameOnly = await user(['username'], undefined, b.a);
      await refused(a2u(f, usernameOnly.pairwiseUid, '1', { appId: b.a.id }), 'missing_scope', { payment: null });
      const first = await a2u(f, b.r.pairwiseUid, '1', { appId: b.a.id });
      await refused(a2u(f, usernameOnly.pairwiseUid, '1', { appId: b.a.id }), 'missing_scope', { payment: null });
      await refused(a2u(f, 'no-such-uid', '1', { appId: b.a.id }), 'user_not_found');
      const other = await user(['wallet_address'], undefined, b.a);
      await refused(a2u(f, other.pairwiseUid, '1', { appId: b.a.id }), 'ongoing_payment_found', { payment: first.identifier });
    });

    test('A2U recipient: revoked grant, disabled user, a grant of another kind or another app → user_not_found', async () => {
      const { a, r } = await a2uApp();
      const s = f.server.services;
      const grant = (await s.db.selectFrom('app_grants').select('id').where('app_id', '=', a.id).where('user_id', '=', r.userId).executeTakeFirstOrThrow()).id;
      await tx(f, (trx) => revokeGrant(trx, Number(grant), r.userId, clock));
      await refused(a2u(f, r.pairwiseUid, '1', { appId: a.id }), 'user_not_found');
      const d = await user(['wallet_address'], undefined, a);
      await tx(f, (trx) => setUserDisabled(trx, d.userId, true, clock));
      await refused(a2u(f, d.pairwiseUid, '1', { appId: a.id }), 'user_not_found');
      const o = await user(['wallet_address'], undefined, a);
      await s.db.updateTable('app_grants').set({ kind: 'oidc' }).where('app_id', '=', a.id).where('user_id', '=', o.userId).execute();
      await refused(a2u(f, o.pairwiseUid, '1', { appId: a.id }), 'user_not_found');
      const elsewhere = await user(['wallet_address']);
      await refused(a2u(f, elsewhere.pairwiseUid, '1', { appId: a.id }), 'user_not_found', { payment: null });
    });

    test('A2U open limit: a2uMaxOpenPerApp counts approved and paid, not completed or cancelled; the oldest is reported', async () => {
      const { a, r } = await a2uApp({ a2uMaxOpenPerApp: 2 });
      const p1 = await a2u(f, r.pairwiseUid, '1', { appId: a.id });
      clock.advance(1);
      const p2 = await a2u(f, r.pairwiseUid, '1', { appId: a.id });
      await refused(a2u(f, r.pairwiseUid, '1', { appId: a.id }), 'ongoing_payment_found', { payment: p1.identifier });
      assert.deepEqual((await tx(f, (trx) => incompleteServerPayments(trx, a.id, f.deps))).map((p) => p.identifier), [p1.identifier, p2.identifier]);
      await cancel(p1, app(a.id));
      const p3 = await a2u(f, r.pairwiseUid, '1', { appId: a.id });
      await refused(a2u(f, r.pairwiseUid, '1', { appId: a.id }), 'ongoing_payment_found', { payment: p2.identifier });
      await fundApp(a, '1');
      const paid = await pay(p2, app(a.id));
      await refused(a2u(f, r.pairwiseUid, '1', { appId: a.id }), 'ongoing_payment_found', { payment: p2.identifier });
      await complete(paid, paid.txid!, a.id);
      assert.equal((await a2u(f, r.pairwiseUid, '1', { appId: a.id })).state, 'approved', 'completed frees its slot');
      await refused(a2u(f, r.pairwiseUid, '1', { appId: a.id }), 'ongoing_payment_found', { payment: p3.identifier });
    });

    test('listAppPayments: newest first, filters, cursor paging, timeouts applied first', async () => {
      const shop = await f.createApp(`Listed ${++n}`);
      const u = await user(undefined, '10', shop);
      const r = await user(['wallet_address'], undefined, shop);
      const list = (filter: Parameters<typeof listAppPayments>[2]) => tx(f, (trx) => listAppPayments(trx, shop.id, filter, f.deps));
      const p1 = await u2a(f, u, '1', { appId: shop.id });
      const p2 = await u2a(f, u, '2', { appId: shop.id });
      const p3 = await a2u(f, r.pairwiseUid, '3', { appId: shop.id });
      const ids = (ps: Payment[] | null) => ps!.map((p) => p.identifier);
      assert.deepEqual(ids(await list({ limit: 10 })), [p3.identifier, p2.identifier, p1.identifier]);
      assert.deepEqual(ids(await list({ limit: 10, direction: 'user_to_app' })), [p2.identifier, p1.identifier]);
      assert.deepEqual(ids(await list({ limit: 10, state: 'cancelled' })), [p1.identifier]);
      assert.deepEqual(ids(await list({ limit: 2 })), [p3.identifier, p2.identifier]);
      assert.deepEqual(ids(await list({ limit: 2, after: p2.identifier })), [p1.identifier]);
      assert.equal(await list({ limit: 2, after: 'Q'.repeat(28) }), null);
      assert.equal(await list({ limit: 2, after: 'nope' }), null);
      clock.advance(60_000);
      assert.deepEqual(ids(await list({ limit: 10, state: 'created' })), [], 'the overdue one is listed as cancelled');
      assert.equal((await list({ limit: 10 }))![1]!.cancelReason, 'approval_timeout');
      assert.equal((await eventsOf(f, p2.identifier)).filter((e) => e.type === 'payment.cancelled').length, 1);
    });

    test('identifiers: 28 characters of [0-9A-Za-z], distinct', async () => {
      const u = await user();
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) seen.add((await u2a(f, u, '1')).identifier);
      assert.equal(seen.size, 40);
      const chars = new Set([...seen].join(''));
      assert.ok(chars.size > 40, 'drawn from the whole alphabet');
      for (const id of seen) assert.match(id, /^[0-9A-Za-z]{28}$/);
    });

    test('the stored row keeps the metadata text verbatim and one state', async () => {
      const u = await user();
      const meta = '{"z":1,"a":1.50,"big":12345678901234567890123,"e":1E+2,"nested":{"b":[1,2.0],"a":null},"s":"é\\u00e9"}';
      const p = await u2a(f, u, '1', { metadataJson: meta });
      const row = await f.server.services.db.selectFrom('payments').selectAll().where('identifier', '=', p.identifier).executeTakeFirstOrThrow();
      assert.equal(row.metadata_json, meta);
      assert.equal(row.state, 'created');
      assert.equal(row.cancel_reason, null);
      assert.ok(paymentDtoJson(p, 'http://x').includes(`"metadata":${meta},`));
    });
  });
}
