// The payment events (spec/pi.md §7), written to the outbox in the transaction that makes the transition: exactly one
// event per transition, payload `{payment: PaymentDTO}`.
import type { Transaction } from 'kysely';
import { emitEvent } from '../../core/events/outbox.js';
import type { DB } from '../../db/schema.js';
import { paymentDtoObject } from './dto.js';
import type { PaymentsDeps } from './settings.js';
import type { Payment } from './types.js';

export type PaymentEventType = 'payment.created' | 'payment.approved' | 'payment.transaction_verified' | 'payment.completed' | 'payment.cancelled';

export async function emitPaymentEvent(trx: Transaction<DB>, type: PaymentEventType, p: Payment, deps: PaymentsDeps): Promise<void> {
  await emitEvent(trx, { appId: p.appId, type, payload: { payment: paymentDtoObject(p, deps.publicUrl) } }, deps.clock);
}
