// The SDK's PiServerClient against a real Plaza with the Pi dialect and ledger gateway, on both stores: A2U create,
// pay (transaction route) and complete; U2A approve and complete through the example's handlers; get, cancel,
// incomplete server payments; Idempotency-Key replay; PiApiError carrying `error`, `payment` and
// `verification_error`; a wrong key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { piPaymentHandlers } from '../../sdk/examples/pi-payments.js';
import { PiApiError, PiServerClient } from '../../sdk/src/index.js';
import { startPayCtx, type PayCtx } from '../pi/paymentsSupport.js';
import { STORES } from '../support/stores.js';

async function piRefusal(work: Promise<unknown>): Promise<PiApiError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof PiApiError, `expected a PiApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a refusal');
}

for (const kind of STORES) {
  describe(`SDK PiServerClient against Plaza [${kind}]`, () => {
    let c: PayCtx;
    let pi: PiServerClient;
    before(async () => {
      c = await startPayCtx(kind);
      await c.fund(c.alice, '20');
      await c.fund('app', '20');
      pi = new PiServerClient({ baseUrl: c.server.baseUrl, apiKey: c.app.secret });
    });
    after(() => c.close());

    test('A2U: create (idempotent), pay from the app wallet, complete; ongoing_payment_found carries the payment', async () => {
      const before = await c.balance(c.bob);
      const input = { amount: '1.2500000', memo: 'Refund', metadata: { refund: 7 }, uid: c.bob.pairwiseUid };
      const p = await pi.createA2UPayment(input, { idempotencyKey: 'refund-7' });
      assert.deepEqual([p.direction, p.amount, p.status.developer_approved, p.transaction], ['app_to_user', 1.25, true, null]);
      const replay = await pi.createA2UPayment(input, { idempotencyKey: 'refund-7' });
      assert.deepEqual(replay, p);
      const second = await piRefusal(pi.createA2UPayment({ ...input, metadata: { refund: 8 } }));
      assert.deepEqual([second.status, second.error], [409, 'ongoing_payment_found']);
      assert.equal((second.payment as { identifier: string }).identifier, p.identifier);
      assert.deepEqual((await pi.incompleteServerPayments()).map((x) => x.identifier), [p.identifier]);

      const early = await piRefusal(pi.completePayment(p.identifier, 'a'.repeat(64)));
      assert.deepEqual([early.status, early.error, early.verificationError], [400, 'verification_failed', 'tx_not_found']);
      const paid = await pi.submitA2UTransaction(p.identifier);
      assert.equal(paid.status.transaction_verified, true);
      const done = await pi.completePayment(p.identifier, paid.transaction!.txid);
      assert.equal(done.status.developer_completed, true);
      assert.equal(await c.balance(c.bob), before + 12_500_000n);
      assert.deepEqual(await pi.incompleteServerPayments(), []);
      assert.deepEqual(await pi.getPayment(p.identifier), done);
    });

    test('example handlers: U2A approve and complete; A2U payout replayed by its payout id', async () => {
      const h = piPaymentHandlers(pi);
      const u2a = await c.createU2A(c.alice);
      const approved = await h.onReadyForServerApproval(u2a.identifier);
      assert.equal(approved.status.developer_approved, true);
      assert.deepEqual(await h.onReadyForServerApproval(u2a.identifier), approved, 'the Pi SDK repeats its callbacks: harmless');
      const paid = await c.payAs(c.alice, u2a.identifier);
      assert.equal(paid.status, 200, paid.text);
      const done = await h.onReadyForServerCompletion(u2a.identifier, paid.json.transaction.txid);
      assert.equal(done.status.developer_completed, true);

      const before = await c.balance(c.bob);
      const payout = await h.payUser(c.bob.pairwiseUid, '0.5', 'Prize', 'p-1');
      assert.equal(payout.status.developer_completed, true);
      const again = await h.payUser(c.bob.pairwiseUid, '0.5', 'Prize', 'p-1');
      assert.equal(again.identifier, payout.identifier);
      assert.equal(await c.balance(c.bob), before + 5_000_000n, 'paid once');
      await assert.rejects(h.onReadyForServerApproval(payout.identifier), /not a user-to-app payment/);
    });

    test('cancel, errors and a wrong key', async () => {
      const u2a = await c.createU2A(c.alice);
      const cancelled = await pi.cancelPayment(u2a.identifier);
      assert.equal(cancelled.status.cancelled, true);
      const again = await piRefusal(pi.approvePayment(u2a.identifier));
      assert.deepEqual([again.status, again.error], [409, 'cancelled_payment']);
      const missing = await piRefusal(pi.getPayment('x'.repeat(28)));
      assert.deepEqual([missing.status, missing.error], [404, 'payment_not_found']);
      const amount = await piRefusal(pi.createA2UPayment({ amount: '0', memo: 'm', metadata: {}, uid: c.bob.pairwiseUid }));
      assert.deepEqual([amount.status, amount.error], [400, 'invalid_amount']);
      const stranger = new PiServerClient({ baseUrl: c.server.baseUrl, apiKey: '0'.repeat(32) });
      const denied = await piRefusal(stranger.incompleteServerPayments());
      assert.deepEqual([denied.status, denied.error], [401, 'unauthorized']);
      const prefixed = new PiServerClient({ baseUrl: c.server.baseUrl, apiKey: c.app.secret, appkey: c.app.appkey });
      assert.deepEqual(await prefixed.incompleteServerPayments(), []);
    });
  });
}
