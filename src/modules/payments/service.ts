// The payment operations of spec/pi.md §3.8–§3.16 and §3.18 (steps 8–11), each in the caller's transaction. Every
// function applies a due timeout to the payment(s) it touches first (§4.3), then checks in the order its section
// lists, then makes at most one transition: a conditional update on the current state, with the ledger transfer
// (T9) and the outbox event in the same transaction. Functions that decide and then write lock the payment row
// first (PostgreSQL `FOR UPDATE`; SQLite transactions are immediate), so a racing request waits and then decides on
// the committed state: of concurrent pays one transfers and the others answer "unchanged"; a cancel racing a pay
// either wins or sees the transaction. A thrown PaymentError means: roll back.
import type { Transaction } from 'kysely';
import { getApp, type App } from '../../core/identity/apps.js';
import type { Db } from '../../core/identity/deps.js';
import { pairwiseUidFor } from '../../core/identity/grants.js';
import { ensureWalletKey, getWalletByAddress } from '../../core/identity/walletKeys.js';
import { getAccount } from '../../core/ledger/accounts.js';
import { getTransfer, transfer } from '../../core/ledger/transfers.js';
import { LedgerError } from '../../core/ledger/types.js';
import type { DB } from '../../db/schema.js';
import { emitPaymentEvent } from './events.js';
import { applyExpiry, expireOverdueOf } from './expiry.js';
import {
  findByIdentifier,
  insertPayment,
  lockCreation,
  openOfApp,
  openOfUser,
  openOfUserAnyApp,
  pageOfApp,
  recipientByUid,
  supersedeOpen,
  toPayment,
  transition,
  type StoredPayment,
} from './repository.js';
import { appPiSettings, paymentAssetId, type PaymentsDeps } from './settings.js';
import { PaymentError, type Direction, type Payment, type PaymentState, type PaymentViewer, type VerificationError } from './types.js';

/** The ledger transfer kind of a payment's transaction (§1). */
export const KIND_PAYMENT = 'pi.payment';
/** §5.6: 99 999 999.9999999 in minor units. */
export const MAX_AMOUNT_MINOR = 999_999_999_999_999n;
/** Bound on incomplete_server_payments (the open limit is at most 1000). */
const MAX_INCOMPLETE = 1000;

type Trx = Transaction<DB>;

interface CreateInput {
  amount: bigint;
  memo: string;
  metadataJson: string;
}

/** The dialect validates amount, memo and metadata (§3.8); these are the module's own assertions. */
function assertCreateInput(input: CreateInput): void {
  if (typeof input.amount !== 'bigint' || input.amount <= 0n || input.amount > MAX_AMOUNT_MINOR) throw new RangeError(`payment amount out of range: ${String(input.amount)}`);
  if (typeof input.memo !== 'string') throw new TypeError('payment memo must be a string');
  if (typeof input.metadataJson !== 'string' || !input.metadataJson.trimStart().startsWith('{')) throw new TypeError('payment metadata must be a JSON object text');
}

async function requireApp(trx: Trx, appId: number): Promise<App> {
  const app = await getApp(trx, appId);
  if (!app) throw new Error(`payments: no app ${appId}`);
  return app;
}

function walletDeps(deps: PaymentsDeps, assetId: number) {
  return { box: deps.box, clock: deps.clock, assetId };
}

// ---------------------------------------------------------------------------------------------------------- creation

/** §3.15's payment: this user's U2A payment with this app that is paid but not completed (at most one exists). */
async function paidUncompleted(trx: Trx, appId: number, userId: number): Promise<StoredPayment | null> {
  const [p] = await openOfUser(trx, appId, userId, 'user_to_app', ['verified']);
  return p ?? null;
}

/**
 * T1 (§3.14): a U2A payment in `created`. Refused with `ongoing_payment_found` while the user has a paid but
 * uncompleted U2A payment with the app; otherwise the user's `created` / `approved` U2A payments with the app are
 * cancelled first (T5, superseded). The scope check is the dialect's.
 */
export async function createUserToApp(trx: Trx, input: CreateInput & { appId: number; userId: number }, deps: PaymentsDeps): Promise<Payment> {
  assertCreateInput(input);
  const { appId, userId } = input;
  const app = await requireApp(trx, appId);
  const assetId = await paymentAssetId(trx, deps);
  // One creation per (app, user) at a time, so a concurrent one's new payment is seen (and superseded) here.
  await lockCreation(trx, `u2a:${appId}:${userId}`);
  await expireOverdueOf(trx, { appId, userId, direction: 'user_to_app' }, deps);
  const now = deps.clock.now();
  const superseded = await supersedeOpen(trx, appId, userId, now);
  // The paid-but-uncompleted check comes after the supersede, in a fresh statement: a pay that committed while the
  // update waited for that payment's row lock left it `verified` (not superseded), and this look sees it. The
  // refusal rolls the supersede back, so the outcome is the same as checking first.
  const paid = await paidUncompleted(trx, appId, userId);
  if (paid) throw new PaymentError('ongoing_payment_found', toPayment(paid));
  for (const c of superseded) await emitPaymentEvent(trx, 'payment.cancelled', toPayment(c), deps);

  const userUid = await pairwiseUidFor(trx, appId, userId, deps.clock);
  const from = await ensureWalletKey(trx, { kind: 'user', userId }, walletDeps(deps, assetId));
  const to = await ensureWalletKey(trx, { kind: 'app', appId }, walletDeps(deps, assetId));
  const p = await insertPayment(trx, {
    appId,
    userId,
    userUid,
    direction: 'user_to_app',
    amount: input.amount,
    memo: input.memo,
    metadataJson: input.metadataJson,
    fromAddress: from.address,
    toAddress: to.address,
    network: appPiSettings(app).network,
    state: 'created',
    now,
    approvalDeadline: now + deps.settings.approvalWindowMs,
    transactionDeadline: null,
  });
  await emitPaymentEvent(trx, 'payment.created', toPayment(p), deps);
  return toPayment(p);
}

/**
 * T2 (§3.8): an A2U payment, approved at creation. Checks in order: A2U disabled → `feature_not_available`; uid not
 * a user of this app → `user_not_found`; no `wallet_address` grant → `missing_scope`; the app's open A2U payments at
 * the limit → `ongoing_payment_found` with the oldest. The app wallet's balance is not checked here.
 */
export async function createAppToUser(trx: Trx, input: CreateInput & { appId: number; uid: string }, deps: PaymentsDeps): Promise<Payment> {
  assertCreateInput(input);
  const { appId } = input;
  const app = await requireApp(trx, appId);
  const settings = appPiSettings(app);
  if (!settings.a2uEnabled) throw new PaymentError('feature_not_available');
  const recipient = await recipientByUid(trx, appId, input.uid);
  if (!recipient) throw new PaymentError('user_not_found');
  if (!recipient.scopes.includes('wallet_address')) throw new PaymentError('missing_scope');
  const assetId = await paymentAssetId(trx, deps);
  // One A2U creation per app at a time: the open count below must include a concurrent creation's payment.
  await lockCreation(trx, `a2u:${appId}`);
  await expireOverdueOf(trx, { appId, direction: 'app_to_user' }, deps);
  const open = await openOfApp(trx, appId, ['approved', 'verified'], settings.a2uMaxOpenPerApp);
  if (open.length >= settings.a2uMaxOpenPerApp) throw new PaymentError('ongoing_payment_found', toPayment(open[0]!));

  const now = deps.clock.now();
  const from = await ensureWalletKey(trx, { kind: 'app', appId }, walletDeps(deps, assetId));
  const to = await ensureWalletKey(trx, { kind: 'user', userId: recipient.userId }, walletDeps(deps, assetId));
  const p = await insertPayment(trx, {
    appId,
    userId: recipient.userId,
    userUid: input.uid,
    direction: 'app_to_user',
    amount: input.amount,
    memo: input.memo,
    metadataJson: input.metadataJson,
    fromAddress: from.address,
    toAddress: to.address,
    network: settings.network,
    state: 'approved',
    now,
    approvalDeadline: null,
    transactionDeadline: now + deps.settings.transactionWindowMs,
  });
  await emitPaymentEvent(trx, 'payment.created', toPayment(p), deps);
  return toPayment(p);
}

// ------------------------------------------------------------------------------------------------------------ lookup

function visibleTo(p: StoredPayment, viewer: PaymentViewer): boolean {
  switch (viewer.kind) {
    case 'app':
      return p.appId === viewer.appId;
    case 'app_user':
      return p.appId === viewer.appId && p.userId === viewer.userId;
    case 'wallet':
      return p.userId === viewer.userId;
  }
}

/**
 * The payment as `viewer` may see it, its due timeout applied; `payment_not_found` for a malformed identifier or a
 * payment of another app / user. `lock` for the functions that go on to decide and write.
 */
async function load(trx: Trx, identifier: string, viewer: PaymentViewer, lock: boolean, deps: PaymentsDeps): Promise<StoredPayment> {
  const p = await findByIdentifier(trx, identifier, lock);
  if (!p || !visibleTo(p, viewer)) throw new PaymentError('payment_not_found');
  return applyExpiry(trx, p, deps);
}

/** §3.10. */
export async function getPayment(trx: Trx, identifier: string, viewer: PaymentViewer, deps: PaymentsDeps): Promise<Payment> {
  return toPayment(await load(trx, identifier, viewer, false, deps));
}

/** §3.9: this app's A2U payments approved without a transaction or paid but not completed, oldest first. */
export async function incompleteServerPayments(trx: Trx, appId: number, deps: PaymentsDeps): Promise<Payment[]> {
  await expireOverdueOf(trx, { appId, direction: 'app_to_user' }, deps);
  return (await openOfApp(trx, appId, ['approved', 'verified'], MAX_INCOMPLETE)).map(toPayment);
}

/** §3.15: this user's U2A payment with this app that is paid but not completed (`verified` never times out). */
export async function incompleteUserPayment(trx: Trx, appId: number, userId: number, deps: PaymentsDeps): Promise<Payment | null> {
  await expireOverdueOf(trx, { appId, userId, direction: 'user_to_app' }, deps);
  const p = await paidUncompleted(trx, appId, userId);
  return p ? toPayment(p) : null;
}

export interface PaymentListFilter {
  state?: PaymentState;
  direction?: Direction;
  /** Identifier of the last payment of the previous page (exclusive cursor). */
  after?: string;
  /** 1..200. */
  limit: number;
}

/**
 * An app's payments for the console, newest first, filtered by state and direction, paged by identifier; null when
 * `after` names no payment of this app. Due timeouts of the app's payments are applied first.
 */
export async function listAppPayments(trx: Trx, appId: number, filter: PaymentListFilter, deps: PaymentsDeps): Promise<Payment[] | null> {
  await expireOverdueOf(trx, { appId, direction: 'user_to_app' }, deps);
  await expireOverdueOf(trx, { appId, direction: 'app_to_user' }, deps);
  const page = await pageOfApp(trx, appId, { ...filter, limit: Math.min(Math.max(Math.trunc(filter.limit), 1), 200) });
  return page === null ? null : page.map(toPayment);
}

/** Bound on the open payments one user's wallet lists (a user has at most one open U2A payment per app). */
const MAX_USER_OPEN = 100;

/**
 * The user's U2A payments across apps that still await the user or the app (`created`: waiting for the app's
 * approval; `approved`: ready to pay), oldest first. A due timeout is applied to each first (§4.3), so an overdue
 * payment is never listed as open.
 */
export async function openUserPayments(trx: Trx, userId: number, deps: PaymentsDeps): Promise<Payment[]> {
  const open: Payment[] = [];
  for (const p of await openOfUserAnyApp(trx, userId, 'user_to_app', ['created', 'approved'], MAX_USER_OPEN)) {
    const now = await applyExpiry(trx, p, deps);
    if (now.state === 'created' || now.state === 'approved') open.push(toPayment(now));
  }
  return open;
}

// ------------------------------------------------------------------------------------------------------- transitions

/** A transition under the row lock cannot lose; if it does, the lock discipline is broken: fail loudly (rollback). */
function moved(p: StoredPayment | null, what: string): StoredPayment {
  if (!p) throw new Error(`payments: ${what} lost its conditional update under the row lock`);
  return p;
}

/** §3.11: `created` → `approved` (T3); later states answer unchanged; cancelled → `cancelled_payment`. */
export async function approvePayment(trx: Trx, identifier: string, appId: number, deps: PaymentsDeps): Promise<Payment> {
  const p = await load(trx, identifier, { kind: 'app', appId }, true, deps);
  if (p.state === 'cancelled') throw new PaymentError('cancelled_payment', toPayment(p));
  if (p.state !== 'created') return toPayment(p);
  const now = deps.clock.now();
  const approved = moved(
    await transition(trx, p.id, 'created', { state: 'approved', developer_approved: 1, approved_at: now, transaction_deadline: now + deps.settings.transactionWindowMs }),
    'approve',
  );
  await emitPaymentEvent(trx, 'payment.approved', toPayment(approved), deps);
  return toPayment(approved);
}

/**
 * §3.12: `verified` with the linked txid → `completed` (T10). `txid` is trimmed and compared case-insensitively.
 * No money moves: it moved when the transaction was linked.
 */
export async function completePayment(trx: Trx, identifier: string, appId: number, txid: string, deps: PaymentsDeps): Promise<Payment> {
  const given = txid.trim().toLowerCase();
  const p = await load(trx, identifier, { kind: 'app', appId }, true, deps);
  switch (p.state) {
    case 'completed':
      if (p.txid === given) return toPayment(p);
      throw new PaymentError('already_completed', toPayment(p));
    case 'cancelled':
      throw new PaymentError('cancelled_payment', toPayment(p));
    case 'created':
    case 'approved': {
      const existing = await getTransfer(trx, given);
      throw new PaymentError('verification_failed', undefined, existing ? 'tx_memo_payment_identifier_mismatch' : 'tx_not_found');
    }
    case 'verified':
      break;
  }
  if (p.txid !== given) throw new PaymentError('txid_mismatch', toPayment(p));
  const completed = moved(await transition(trx, p.id, 'verified', { state: 'completed', completed_at: deps.clock.now() }), 'complete');
  await emitPaymentEvent(trx, 'payment.completed', toPayment(completed), deps);
  return toPayment(completed);
}

/**
 * §3.13: `created` / `approved` → `cancelled` (T6 with the app's Key, T7 with the user's token). A user credential
 * on an A2U payment → `forbidden`; completed → `already_completed`; paid → `payment_tx_present`; cancelled →
 * `cancelled_payment`.
 */
export async function cancelPayment(trx: Trx, identifier: string, viewer: PaymentViewer, deps: PaymentsDeps): Promise<Payment> {
  const p = await load(trx, identifier, viewer, true, deps);
  const byUser = viewer.kind !== 'app';
  if (byUser && p.direction === 'app_to_user') throw new PaymentError('forbidden', toPayment(p));
  switch (p.state) {
    case 'completed':
      throw new PaymentError('already_completed', toPayment(p));
    case 'verified':
      throw new PaymentError('payment_tx_present', toPayment(p));
    case 'cancelled':
      throw new PaymentError('cancelled_payment', toPayment(p));
    case 'created':
    case 'approved':
      break;
  }
  const cancelled = moved(
    await transition(trx, p.id, p.state, { state: 'cancelled', cancel_reason: byUser ? 'user' : 'developer', cancelled_at: deps.clock.now() }),
    'cancel',
  );
  await emitPaymentEvent(trx, 'payment.cancelled', toPayment(cancelled), deps);
  return toPayment(cancelled);
}

function isPayer(p: StoredPayment, payer: PaymentViewer): boolean {
  return p.direction === 'app_to_user' ? payer.kind === 'app' && payer.appId === p.appId : payer.kind === 'wallet' && payer.userId === p.userId;
}

/**
 * T9: one ledger transfer payer → payee (kind `pi.payment`, memo = identifier) and the link, with the event. The
 * caller holds the row lock and has checked that the payment is `approved`; the update's condition (`approved`, no
 * txid) guards it all the same, and losing it rolls the transfer back with the rest.
 */
async function settle(trx: Trx, p: StoredPayment, deps: PaymentsDeps): Promise<StoredPayment> {
  const from = await getWalletByAddress(trx, p.fromAddress);
  const to = await getWalletByAddress(trx, p.toAddress);
  if (!from || !to) throw new Error(`payments: ${p.identifier} names a wallet that does not exist`);
  const payer = await getAccount(trx, from.accountId);
  if (!payer) throw new Error(`payments: ledger account ${from.accountId} vanished`);
  if (payer.balance - payer.pendingOut < p.amount) throw new PaymentError('insufficient_funds', toPayment(p));
  let txid: string;
  try {
    const t = await transfer(trx, { debitAccountId: from.accountId, creditAccountId: to.accountId, amount: p.amount, kind: KIND_PAYMENT, memo: p.identifier }, deps.clock);
    txid = t.txid;
  } catch (err) {
    // Another spend of the same balance committed between the read above and the transfer.
    if (err instanceof LedgerError && err.code === 'insufficient_funds') throw new PaymentError('insufficient_funds', toPayment(p));
    throw err;
  }
  const verified = moved(await transition(trx, p.id, 'approved', { state: 'verified', txid, verified_at: deps.clock.now() }, { txidIsNull: true }), 'pay');
  await emitPaymentEvent(trx, 'payment.transaction_verified', toPayment(verified), deps);
  return verified;
}

/**
 * §3.16, the transaction route: the payer (the app's Key for A2U, the user's wallet token for U2A) pays. Visible but
 * not the payer → `forbidden`; cancelled → `cancelled_payment`; already paid → unchanged; `created` →
 * `payment_not_approved`; balance short → `insufficient_funds`; else T9.
 */
export async function payPayment(trx: Trx, identifier: string, payer: PaymentViewer, deps: PaymentsDeps): Promise<Payment> {
  const p = await load(trx, identifier, payer, true, deps);
  if (!isPayer(p, payer)) throw new PaymentError('forbidden', toPayment(p));
  switch (p.state) {
    case 'cancelled':
      throw new PaymentError('cancelled_payment', toPayment(p));
    case 'verified':
    case 'completed':
      return toPayment(p);
    case 'created':
      throw new PaymentError('payment_not_approved', toPayment(p));
    case 'approved':
      return toPayment(await settle(trx, p, deps));
  }
}

function refuseLink(code: VerificationError, p?: StoredPayment): PaymentError {
  return new PaymentError('verification_failed', p ? toPayment(p) : undefined, code);
}

/**
 * The ledger gateway's T9 (§3.18 steps 9–11): the memo names a payment in `approved` with no transaction whose
 * addresses and amount are the submitted ones. Refusals: `verification_failed` with the §3.2 verification error, or
 * `insufficient_funds`. The gateway advances the source wallet's sequence in the same transaction; it should do so
 * before calling this, so every transaction takes wallet row, then payment row, in the same order.
 */
export async function linkGatewayPayment(
  trx: Trx,
  input: { identifier: string; sourceAddress: string; destinationAddress: string; amount: bigint },
  deps: PaymentsDeps,
): Promise<{ payment: Payment; txid: string }> {
  const found = await findByIdentifier(trx, input.identifier, true);
  if (!found) throw refuseLink('payment_not_found');
  const p = await applyExpiry(trx, found, deps);
  switch (p.state) {
    case 'cancelled':
      throw refuseLink('cancelled_payment', p);
    case 'verified':
    case 'completed':
      throw refuseLink('payment_already_linked_with_a_tx', p);
    case 'created':
      throw refuseLink('payment_not_approved', p);
    case 'approved':
      break;
  }
  if (p.fromAddress !== input.sourceAddress) throw refuseLink('tx_source_mismatch', p);
  if (p.toAddress !== input.destinationAddress) throw refuseLink('tx_destination_mismatch', p);
  if (p.amount !== input.amount) throw refuseLink('tx_amount_mismatch', p);
  const verified = await settle(trx, p, deps);
  return { payment: toPayment(verified), txid: verified.txid! };
}

/**
 * The network (signing passphrase) of the payment `identifier` names, or null when it names none. Unscoped and
 * read-only: the ledger gateway needs it to check an envelope's signature before it knows who submitted it (§3.18
 * step 5), and a network string is no secret.
 */
export async function paymentNetwork(db: Db, identifier: string): Promise<string | null> {
  const named = await findByIdentifier(db, identifier, false);
  return named ? named.network : null;
}
