// Example: an app backend's Pi payment handlers with the Server API Key.
//  - User-to-app: the Pi SDK in the browser calls your backend with the payment id when it is ready for approval,
//    and again with the txid once the user paid; approve and complete are idempotent by state, so the SDK's repeats
//    are harmless.
//  - App-to-user: create the payment (with an Idempotency-Key per payout), have Plaza pay it from the app wallet,
//    complete it with the linked txid.
import { PiApiError, PiServerClient, type PaymentDTO } from '../src/index.js';

export function piPaymentHandlers(pi: PiServerClient) {
  return {
    /** `onReadyForServerApproval(paymentId)`: check the order on your side, then approve. */
    async onReadyForServerApproval(paymentId: string): Promise<PaymentDTO> {
      const payment = await pi.getPayment(paymentId);
      if (payment.direction !== 'user_to_app') throw new Error('not a user-to-app payment');
      return pi.approvePayment(paymentId);
    },

    /** `onReadyForServerCompletion(paymentId, txid)`: deliver the goods, then complete. */
    async onReadyForServerCompletion(paymentId: string, txid: string): Promise<PaymentDTO> {
      return pi.completePayment(paymentId, txid);
    },

    /**
     * Pays `amount` to the user `uid`. `payoutId` (your own id of the payout) is the Idempotency-Key: calling again
     * after a crash replays the same payment instead of paying twice. A payment left open by an earlier crash is
     * finished first (Plaza allows one open A2U payment per app by default).
     */
    async payUser(uid: string, amount: string, memo: string, payoutId: string): Promise<PaymentDTO> {
      for (const open of await pi.incompleteServerPayments()) await finish(pi, open);
      let payment: PaymentDTO;
      try {
        payment = await pi.createA2UPayment({ amount, memo, metadata: { payoutId }, uid }, { idempotencyKey: `payout-${payoutId}` });
      } catch (err) {
        if (err instanceof PiApiError && err.error === 'ongoing_payment_found') throw new Error('another payout is still open; retry later');
        throw err;
      }
      return finish(pi, payment);
    },
  };
}

/** Pays (when no transaction is linked yet) and completes an A2U payment. */
async function finish(pi: PiServerClient, payment: PaymentDTO): Promise<PaymentDTO> {
  const paid = payment.transaction ? payment : await pi.submitA2UTransaction(payment.identifier);
  if (paid.status.developer_completed) return paid;
  return pi.completePayment(paid.identifier, paid.transaction!.txid);
}
