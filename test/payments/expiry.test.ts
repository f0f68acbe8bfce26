// Timeouts (spec/pi.md §4.3) on both stores with a manual clock: T4 (approval window from created_at) and T8
// (transaction window from approval for U2A, from creation for A2U) applied lazily by every read and write, and by
// the sweeper in batches; exactly one `payment.cancelled` per applied timeout, whoever applies it; `verified` never
// times out; the windows come from config.pi.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { defaultPiSettings } from '../../src/config.js';
import {
  approvePayment,
  cancelPayment,
  completePayment,
  getPayment,
  incompleteServerPayments,
  incompleteUserPayment,
  payPayment,
  sweepOverdue,
  type Payment,
  type PaymentViewer,
} from '../../src/modules/payments/index.js';
import { STORES } from '../support/stores.js';
import { FIXTURE_START, startPiFixture, type PiFixture, type PiUser } from './fixture.js';
import { a2u, eventsOf, refused, tx, u2a } from './helpers.js';

const APPROVAL_MS = 60_000;
const TRANSACTION_MS = 600_000;

for (const kind of STORES) {
  describe(`payment timeouts [${kind}]`, () => {
    const clock = manualClock(FIXTURE_START);
    let f: PiFixture;
    let n = 0;
    const user = async (scopes = ['username', 'payments']) => {
      const u = await f.createUser(`user${++n}`, scopes);
      await f.fund(u, '100');
      return u;
    };
    const app: PaymentViewer = { kind: 'app', appId: 0 };
    const get = (p: Payment, viewer: PaymentViewer = { ...app, appId: f.app.id }) => tx(f, (trx) => getPayment(trx, p.identifier, viewer, f.deps));
    const approve = (p: Payment) => tx(f, (trx) => approvePayment(trx, p.identifier, f.app.id, f.deps));
    const pay = (p: Payment, u: PiUser) => tx(f, (trx) => payPayment(trx, p.identifier, { kind: 'wallet', userId: u.userId }, f.deps));
    const cancelled = async (identifier: string) => (await eventsOf(f, identifier)).filter((e) => e.type === 'payment.cancelled');
    /** Clears every open payment so each test starts from a known sweep backlog. */
    const sweepAll = async () => {
      clock.advance(10 * TRANSACTION_MS);
      await sweepOverdue(f.server.services.db, f.deps);
    };

    before(async () => {
      f = await startPiFixture(kind, { clock, dialects: [] });
      await f.fund('app', '1000');
    });
    after(() => f.close());

    test('T4 (example 7): a created payment not approved within 60 s is cancelled on the next read, with one event', async () => {
      const u = await user();
      const p = await u2a(f, u);
      clock.advance(APPROVAL_MS - 1);
      assert.equal((await get(p)).state, 'created');
      clock.advance(1);
      const seen = await get(p);
      assert.equal(seen.state, 'cancelled');
      assert.equal(seen.cancelReason, 'approval_timeout');
      assert.equal(seen.developerApproved, false);
      assert.equal(seen.cancelledAt, clock.now());
      await get(p);
      await get(p, { kind: 'wallet', userId: u.userId });
      const events = await cancelled(p.identifier);
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]!.payment.status, { developer_approved: false, transaction_verified: false, developer_completed: false, cancelled: true, user_cancelled: false });
      await refused(approve(p), 'cancelled_payment', { payment: p.identifier });
      assert.equal((await cancelled(p.identifier)).length, 1);
      assert.equal((await refused(approve(p), 'cancelled_payment')).payment!.cancelReason, 'approval_timeout');
    });

    test('T4 applies before approve, cancel and pay: they see the cancelled payment, never the overdue one', async () => {
      const u = await user();
      const p1 = await u2a(f, u);
      clock.advance(APPROVAL_MS);
      await refused(approve(p1), 'cancelled_payment');
      const p2 = await u2a(f, u);
      clock.advance(APPROVAL_MS + 5);
      await refused(tx(f, (trx) => cancelPayment(trx, p2.identifier, { kind: 'app_user', appId: f.app.id, userId: u.userId }, f.deps)), 'cancelled_payment');
      assert.equal((await get(p2)).cancelReason, 'approval_timeout', 'the timeout, not the user, cancelled it');
      const p3 = await u2a(f, u);
      clock.advance(APPROVAL_MS);
      await refused(pay(p3, u), 'cancelled_payment');
      const p4 = await u2a(f, u);
      clock.advance(APPROVAL_MS);
      await refused(tx(f, (trx) => completePayment(trx, p4.identifier, f.app.id, 'ab'.repeat(32), f.deps)), 'cancelled_payment');
      // A refusal rolls its whole transaction back, the timeout it applied included; the next read applies it again,
      // so each payment still gets exactly one event.
      for (const p of [p1, p2, p3, p4]) {
        assert.equal((await get(p)).cancelReason, 'approval_timeout');
        assert.equal((await cancelled(p.identifier)).length, 1, p.identifier);
      }
    });

    test('approval just before the deadline holds; T8 then runs 600 s from the approval', async () => {
      const u = await user();
      const p = await u2a(f, u);
      clock.advance(APPROVAL_MS - 1);
      const approved = await approve(p);
      assert.equal(approved.state, 'approved');
      clock.advance(TRANSACTION_MS - 1);
      assert.equal((await get(p)).state, 'approved');
      clock.advance(1);
      const expired = await get(p);
      assert.equal(expired.state, 'cancelled');
      assert.equal(expired.cancelReason, 'expired');
      assert.equal(expired.developerApproved, true, 'as before cancel');
      await refused(pay(p, u), 'cancelled_payment', { payment: p.identifier });
      assert.equal(await f.balance(u), 100_0000000n, 'nothing moved');
      assert.equal((await cancelled(p.identifier)).length, 1);
      const [event] = await cancelled(p.identifier);
      assert.deepEqual(event!.payment.status, { developer_approved: true, transaction_verified: false, developer_completed: false, cancelled: true, user_cancelled: false });
    });

    test('an expired U2A payment no longer blocks or counts: the user creates a new one without a superseded event for it', async () => {
      const u = await user();
      const p = await approve(await u2a(f, u));
      clock.advance(TRANSACTION_MS);
      const next = await u2a(f, u);
      assert.equal(next.state, 'created');
      const old = await get(p);
      assert.equal(old.cancelReason, 'expired', 'the lazy expiry ran before the supersede');
      assert.equal((await cancelled(p.identifier)).length, 1);
    });

    test('T8 for A2U runs from creation; incomplete_server_payments never lists an overdue payment', async () => {
      const b = await f.createUser(`bob${++n}`, ['wallet_address']);
      const p = await a2u(f, b.pairwiseUid);
      clock.advance(TRANSACTION_MS - 1);
      assert.deepEqual((await tx(f, (trx) => incompleteServerPayments(trx, f.app.id, f.deps))).map((x) => x.identifier), [p.identifier]);
      clock.advance(1);
      assert.deepEqual(await tx(f, (trx) => incompleteServerPayments(trx, f.app.id, f.deps)), []);
      const seen = await get(p);
      assert.equal(seen.cancelReason, 'expired');
      assert.equal((await cancelled(p.identifier)).length, 1);
      // The limit slot is free again.
      assert.equal((await a2u(f, b.pairwiseUid)).state, 'approved');
      await sweepAll();
    });

    test('verified never times out; it stays reported by incompleteUserPayment', async () => {
      const u = await user();
      const p = await pay(await approve(await u2a(f, u)), u);
      clock.advance(100 * TRANSACTION_MS);
      assert.equal(await sweepOverdue(f.server.services.db, f.deps), 0);
      assert.equal((await get(p)).state, 'verified');
      assert.equal((await tx(f, (trx) => incompleteUserPayment(trx, f.app.id, u.userId, f.deps)))!.identifier, p.identifier);
      assert.equal((await cancelled(p.identifier)).length, 0);
    });

    test('the sweeper cancels every overdue payment in batches, one event each, and nothing twice', async () => {
      await sweepAll();
      const db = f.server.services.db;
      const created: Payment[] = [];
      for (let i = 0; i < 5; i++) created.push(await u2a(f, await user()));
      const approved: Payment[] = [];
      for (let i = 0; i < 3; i++) approved.push(await approve(await u2a(f, await user())));
      const fresh = await u2a(f, await user());
      clock.advance(APPROVAL_MS);
      const lateFresh = await u2a(f, await user());
      assert.equal(await sweepOverdue(db, f.deps, 2), 5 + 1, 'the five created ones and the first fresh one (T4)');
      clock.advance(TRANSACTION_MS);
      assert.equal(await sweepOverdue(db, f.deps, 2), 3 + 1, 'the approved ones (T8) and the later fresh one (T4)');
      assert.equal(await sweepOverdue(db, f.deps, 2), 0);
      for (const p of created) assert.equal((await get(p)).cancelReason, 'approval_timeout');
      for (const p of approved) assert.equal((await get(p)).cancelReason, 'expired');
      for (const p of [...created, ...approved, fresh, lateFresh]) assert.equal((await cancelled(p.identifier)).length, 1, p.identifier);
      const rows = await db.selectFrom('payments').select(['state']).where('state', 'in', ['created', 'approved']).execute();
      assert.equal(rows.length, 0);
    });

    test('a sweep racing lazy reads of the same overdue payments applies each timeout once', async () => {
      await sweepAll();
      const ps: Payment[] = [];
      for (let i = 0; i < 6; i++) ps.push(await u2a(f, await user()));
      clock.advance(APPROVAL_MS);
      const results = await Promise.all([sweepOverdue(f.server.services.db, f.deps, 1), ...ps.map((p) => get(p)), sweepOverdue(f.server.services.db, f.deps, 3)]);
      for (const r of results.slice(1, -1)) assert.equal((r as Payment).state, 'cancelled');
      for (const p of ps) assert.equal((await cancelled(p.identifier)).length, 1, p.identifier);
    });

    test('sweepOverdue refuses an unbounded batch size', async () => {
      await assert.rejects(sweepOverdue(f.server.services.db, f.deps, 0), RangeError);
      await assert.rejects(sweepOverdue(f.server.services.db, f.deps, 1_000_000), RangeError);
    });
  });

  describe(`payment timeouts from config.pi [${kind}]`, () => {
    const clock = manualClock(FIXTURE_START);
    let f: PiFixture;
    before(async () => {
      f = await startPiFixture(kind, { clock, dialects: [], config: { pi: { ...defaultPiSettings(), approvalWindowSeconds: 5, transactionWindowSeconds: 20 } } });
    });
    after(() => f.close());

    test('approvalWindowSeconds and transactionWindowSeconds set T4 and T8', async () => {
      const p = await u2a(f, f.alice);
      clock.advance(4_999);
      const approved = await tx(f, (trx) => approvePayment(trx, p.identifier, f.app.id, f.deps));
      assert.equal(approved.state, 'approved');
      clock.advance(19_999);
      assert.equal(await sweepOverdue(f.server.services.db, f.deps), 0);
      clock.advance(1);
      assert.equal(await sweepOverdue(f.server.services.db, f.deps), 1);
      const q = await u2a(f, f.alice);
      clock.advance(5_000);
      assert.equal((await tx(f, (trx) => getPayment(trx, q.identifier, { kind: 'app', appId: f.app.id }, f.deps))).cancelReason, 'approval_timeout');
    });
  });
}
