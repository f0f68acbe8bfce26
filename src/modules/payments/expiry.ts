// The timeouts of spec/pi.md §4.3: T4 (`created` past its approval deadline → cancelled/approval_timeout) and T8
// (`approved` past its transaction deadline → cancelled/expired). They are applied lazily before any read or write
// of a payment, and by the sweeper in batches. Each is a conditional update that repeats the overdue condition, so
// of a lazy expiry and a sweep racing on one payment exactly one applies it and emits the one `payment.cancelled`.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { emitPaymentEvent } from './events.js';
import { findById, toPayment, toStored, type StoredPayment } from './repository.js';
import type { PaymentsDeps } from './settings.js';
import type { CancelReason, Direction } from './types.js';

interface Timeout {
  from: 'created' | 'approved';
  reason: Extract<CancelReason, 'approval_timeout' | 'expired'>;
  deadline: 'approval_deadline' | 'transaction_deadline';
}

const TIMEOUTS: readonly Timeout[] = [
  { from: 'created', reason: 'approval_timeout', deadline: 'approval_deadline' },
  { from: 'approved', reason: 'expired', deadline: 'transaction_deadline' },
];

function overdue(p: StoredPayment, now: number): Timeout | null {
  if (p.state === 'created' && p.approvalDeadline !== null && now >= p.approvalDeadline) return TIMEOUTS[0]!;
  if (p.state === 'approved' && p.transactionDeadline !== null && now >= p.transactionDeadline) return TIMEOUTS[1]!;
  return null;
}

/** Applies the payment's timeout when it is due; returns the payment as it now stands. */
export async function applyExpiry(trx: Transaction<DB>, payment: StoredPayment, deps: PaymentsDeps): Promise<StoredPayment> {
  let p = payment;
  // Bounded: each round either applies the timeout or sees a payment someone else just moved (to a later state).
  for (let round = 0; round < 3; round++) {
    const now = deps.clock.now();
    const t = overdue(p, now);
    if (t === null) return p;
    const r = await trx
      .updateTable('payments')
      .set({ state: 'cancelled', cancel_reason: t.reason, cancelled_at: now })
      .where('id', '=', p.id)
      .where('state', '=', t.from)
      .where(t.deadline, '<=', now)
      .returningAll()
      .executeTakeFirst();
    if (r) {
      const cancelled = toStored(r);
      await emitPaymentEvent(trx, 'payment.cancelled', toPayment(cancelled), deps);
      return cancelled;
    }
    p = await findById(trx, p.id);
  }
  return p;
}

/** Applies every due timeout among one app's payments (of one user, when given) in one direction. */
export async function expireOverdueOf(
  trx: Transaction<DB>,
  filter: { appId: number; userId?: number; direction: Direction },
  deps: PaymentsDeps,
): Promise<number> {
  const now = deps.clock.now();
  let n = 0;
  for (const t of TIMEOUTS) {
    let q = trx
      .updateTable('payments')
      .set({ state: 'cancelled', cancel_reason: t.reason, cancelled_at: now })
      .where('app_id', '=', filter.appId)
      .where('direction', '=', filter.direction)
      .where('state', '=', t.from)
      .where(t.deadline, '<=', now);
    if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
    const rows = await q.returningAll().execute();
    for (const r of rows) await emitPaymentEvent(trx, 'payment.cancelled', toPayment(toStored(r)), deps);
    n += rows.length;
  }
  return n;
}

/** One sweep batch: at most `limit` payments per timeout kind, in one transaction. */
async function sweepBatch(trx: Transaction<DB>, deps: PaymentsDeps, limit: number): Promise<{ applied: number; full: boolean }> {
  const now = deps.clock.now();
  let applied = 0;
  let full = false;
  for (const t of TIMEOUTS) {
    // The partial indexes payments_overdue_* hold exactly the rows of `from` ordered by their deadline.
    const due = await trx.selectFrom('payments').select('id').where('state', '=', t.from).where(t.deadline, '<=', now).orderBy(t.deadline).limit(limit).execute();
    if (due.length === 0) continue;
    if (due.length === limit) full = true;
    const rows = await trx
      .updateTable('payments')
      .set({ state: 'cancelled', cancel_reason: t.reason, cancelled_at: now })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .where('state', '=', t.from)
      .where(t.deadline, '<=', now)
      .returningAll()
      .execute();
    for (const r of rows) await emitPaymentEvent(trx, 'payment.cancelled', toPayment(toStored(r)), deps);
    applied += rows.length;
  }
  return { applied, full };
}

/** Bound on the batches one sweep runs, so a backlog is worked off over several runs rather than in one long one. */
const MAX_BATCHES = 20;

/**
 * Applies overdue T4 and T8 timeouts (§4.3) in batches of `limit` per kind, each batch its own transaction (short
 * write locks on SQLite). Returns how many payments it cancelled.
 */
export async function sweepOverdue(db: Kysely<DB>, deps: PaymentsDeps, limit = 100): Promise<number> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RangeError(`sweep limit must be 1..1000, got ${limit}`);
  let total = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const { applied, full } = await db.transaction().execute((trx) => sweepBatch(trx, deps, limit));
    total += applied;
    if (!full) break;
  }
  return total;
}
