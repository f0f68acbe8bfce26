// linkGatewayPayment, the ledger gateway's T9 (spec/pi.md §3.18 steps 9–11), on both stores: the memo must name an
// `approved` payment without a transaction whose addresses and amount are the submitted ones; every refusal names its
// §3.2 verification error and moves nothing; a link racing the transaction route transfers once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Keypair } from '@stellar/stellar-base';
import { manualClock } from '../../src/core/clock.js';
import {
  approvePayment,
  cancelPayment,
  linkGatewayPayment,
  payPayment,
  type Payment,
  type VerificationError,
} from '../../src/modules/payments/index.js';
import { STORES } from '../support/stores.js';
import { FIXTURE_START, startPiFixture, type PiFixture, type PiUser } from './fixture.js';
import { eventsOf, pi, refused, transfersOf, tx, u2a } from './helpers.js';

for (const kind of STORES) {
  describe(`linkGatewayPayment [${kind}]`, () => {
    const clock = manualClock(FIXTURE_START);
    let f: PiFixture;
    let n = 0;
    const user = async (funds = '10'): Promise<PiUser> => {
      const u = await f.createUser(`linker${++n}`, ['payments']);
      await f.fund(u, funds);
      return u;
    };
    const approve = (p: Payment) => tx(f, (trx) => approvePayment(trx, p.identifier, f.app.id, f.deps));
    const link = (input: { identifier: string; sourceAddress: string; destinationAddress: string; amount: bigint }) =>
      tx(f, (trx) => linkGatewayPayment(trx, input, f.deps));
    const submission = (p: Payment) => ({ identifier: p.identifier, sourceAddress: p.fromAddress, destinationAddress: p.toAddress, amount: p.amount });
    const failed = (work: Promise<unknown>, verification: VerificationError, payment: string | null) =>
      refused(work, 'verification_failed', { verification, payment });

    before(async () => {
      f = await startPiFixture(kind, { clock, dialects: [] });
    });
    after(() => f.close());

    test('a matching submission: one pi.payment transfer, the payment verified with its txid, one event', async () => {
      const u = await user();
      const p = await approve(await u2a(f, u));
      const { payment, txid } = await link(submission(p));
      assert.equal(payment.state, 'verified');
      assert.equal(payment.txid, txid);
      assert.match(txid, /^[0-9a-f]{64}$/);
      const transfers = await transfersOf(f, p.identifier);
      assert.equal(transfers.length, 1);
      assert.equal(transfers[0]!.txid, txid);
      assert.equal(await f.balance(u), pi('6.86'));
      assert.equal((await eventsOf(f, p.identifier)).filter((e) => e.type === 'payment.transaction_verified').length, 1);
    });

    test('the memo names no payment → payment_not_found', async () => {
      const u = await user();
      const p = await approve(await u2a(f, u));
      for (const identifier of ['', 'not-an-identifier', 'Q'.repeat(28), `${p.identifier} `]) {
        await failed(link({ ...submission(p), identifier }), 'payment_not_found', null);
      }
    });

    test('state refusals: created → payment_not_approved; paid → payment_already_linked_with_a_tx; cancelled or expired → cancelled_payment', async () => {
      const u = await user();
      const created = await u2a(f, u);
      await failed(link(submission(created)), 'payment_not_approved', created.identifier);
      const p = await approve(created);
      await link(submission(p));
      await failed(link(submission(p)), 'payment_already_linked_with_a_tx', p.identifier);
      const c = await approve(await u2a(f, await user(), '1'));
      await tx(f, (trx) => cancelPayment(trx, c.identifier, { kind: 'app', appId: f.app.id }, f.deps));
      await failed(link(submission(c)), 'cancelled_payment', c.identifier);
      const v = await user();
      const e = await approve(await u2a(f, v, '1'));
      clock.advance(600_000);
      await failed(link(submission(e)), 'cancelled_payment', e.identifier);
      assert.equal((await transfersOf(f, e.identifier)).length, 0);
    });

    test('mismatches: source, destination, amount (exact to one minor unit); nothing moves', async () => {
      const u = await user();
      const p = await approve(await u2a(f, u));
      const stranger = Keypair.random().publicKey();
      await failed(link({ ...submission(p), sourceAddress: f.bob.address }), 'tx_source_mismatch', p.identifier);
      await failed(link({ ...submission(p), sourceAddress: stranger }), 'tx_source_mismatch', p.identifier);
      await failed(link({ ...submission(p), destinationAddress: f.bob.address }), 'tx_destination_mismatch', p.identifier);
      await failed(link({ ...submission(p), amount: p.amount + 1n }), 'tx_amount_mismatch', p.identifier);
      await failed(link({ ...submission(p), amount: p.amount - 1n }), 'tx_amount_mismatch', p.identifier);
      assert.equal((await transfersOf(f, p.identifier)).length, 0);
      assert.equal(await f.balance(u), pi('10'));
      assert.equal((await link(submission(p))).payment.state, 'verified');
    });

    test('a short source balance → insufficient_funds with the payment', async () => {
      const u = await user('1');
      const p = await approve(await u2a(f, u));
      await refused(link(submission(p)), 'insufficient_funds', { payment: p.identifier });
      assert.equal(await f.balance(u), pi('1'));
    });

    test('a gateway link racing the transaction route: one transfer, the loser refused or unchanged', async () => {
      for (let round = 0; round < 4; round++) {
        const u = await user();
        const p = await approve(await u2a(f, u));
        const results = await Promise.allSettled([
          link(submission(p)),
          tx(f, (trx) => payPayment(trx, p.identifier, { kind: 'wallet', userId: u.userId }, f.deps)),
          link(submission(p)),
        ]);
        const linked = results.filter((r) => r.status === 'fulfilled').length;
        assert.ok(linked >= 1, results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')).join());
        assert.equal((await transfersOf(f, p.identifier)).length, 1);
        assert.equal(await f.balance(u), pi('6.86'));
        for (const r of results) {
          if (r.status === 'rejected') assert.equal((r.reason as { verificationError?: string }).verificationError, 'payment_already_linked_with_a_tx');
        }
      }
    });
  });
}
