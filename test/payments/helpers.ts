// Shortcuts of the payments module tests: run a module function in a transaction of the fixture's server, expect a
// refusal, and read what a payment left behind (its outbox events, its ledger transfers).
import assert from 'node:assert/strict';
import type { Transaction } from 'kysely';
import { parseDecimal } from '../../src/core/money.js';
import type { DB } from '../../src/db/schema.js';
import {
  createAppToUser,
  createUserToApp,
  PaymentError,
  PI_PRECISION,
  type Payment,
  type PaymentErrorCode,
  type VerificationError,
} from '../../src/modules/payments/index.js';
import type { PiFixture, PiUser } from './fixture.js';

export const META = '{"orderId":1234,"itemIds":[11,42]}';

/** Decimal PI text → minor units. */
export function pi(text: string): bigint {
  const v = parseDecimal(text, PI_PRECISION);
  if (typeof v !== 'bigint') throw new Error(`bad amount ${text}`);
  return v;
}

export function tx<T>(f: PiFixture, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return f.server.services.db.transaction().execute(work);
}

export function u2a(f: PiFixture, user: PiUser, amount = '3.14', options: { appId?: number; memo?: string; metadataJson?: string } = {}): Promise<Payment> {
  return tx(f, (trx) =>
    createUserToApp(
      trx,
      { appId: options.appId ?? f.app.id, userId: user.userId, amount: pi(amount), memo: options.memo ?? 'Digital kitten #1234', metadataJson: options.metadataJson ?? META },
      f.deps,
    ),
  );
}

export function a2u(f: PiFixture, uid: string, amount = '1.5', options: { appId?: number } = {}): Promise<Payment> {
  return tx(f, (trx) => createAppToUser(trx, { appId: options.appId ?? f.app.id, uid, amount: pi(amount), memo: 'Refund', metadataJson: '{}' }, f.deps));
}

/** Awaits a refusal with `code`; checks the payment subject (by identifier, or its absence) and verification error. */
export async function refused(
  work: Promise<unknown>,
  code: PaymentErrorCode,
  expected: { payment?: string | null; verification?: VerificationError } = {},
): Promise<PaymentError> {
  let caught: unknown = null;
  try {
    await work;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof PaymentError, `expected PaymentError ${code}, got ${caught === null ? 'success' : String(caught)}`);
  assert.equal(caught.code, code);
  if (expected.payment !== undefined) assert.equal(caught.payment?.identifier ?? null, expected.payment);
  if (expected.verification !== undefined) assert.equal(caught.verificationError, expected.verification);
  return caught;
}

export interface StoredEvent {
  type: string;
  appId: number;
  payment: Record<string, unknown> & { identifier: string; status: Record<string, boolean> };
}

/** The outbox events about one payment (any order). */
export async function eventsOf(f: PiFixture, identifier: string): Promise<StoredEvent[]> {
  const rows = await f.server.services.db.selectFrom('events_outbox').select(['type', 'payload', 'app_id']).where('type', 'like', 'payment.%').execute();
  return rows
    .map((r) => ({ type: r.type, appId: Number(r.app_id), payment: (JSON.parse(r.payload) as { payment: StoredEvent['payment'] }).payment }))
    .filter((e) => e.payment.identifier === identifier);
}

export async function eventTypes(f: PiFixture, identifier: string): Promise<string[]> {
  return (await eventsOf(f, identifier)).map((e) => e.type).sort();
}

/** The ledger transfers of a payment (kind `pi.payment`, memo = identifier). */
export async function transfersOf(f: PiFixture, identifier: string) {
  return f.server.services.db.selectFrom('ledger_transfers').selectAll().where('kind', '=', 'pi.payment').where('memo', '=', identifier).execute();
}
