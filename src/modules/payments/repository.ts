// Every SQL statement on `payments`: row mapping, the identifier, lookups (with the row lock on PostgreSQL for the
// functions that decide and then write), the insert, and the conditional state updates. A transition is always
// `update … where id = ? and state = <from>` returning the new row: no row back means someone else moved it first.
import { randomInt } from 'node:crypto';
import { sql, type Selectable, type Transaction, type Updateable } from 'kysely';
import { isPostgres } from '../../core/ledger/rows.js';
import type { Db } from '../../core/identity/deps.js';
import type { DB, PaymentsTable } from '../../db/schema.js';
import { flag, toBig, toBool, toNum, toNumOrNull } from '../../db/values.js';
import type { Direction, Payment, PaymentState } from './types.js';

export type PaymentRow = Selectable<PaymentsTable>;

/** A payment as the module handles it: the public shape plus what only the module needs. */
export interface StoredPayment extends Payment {
  id: number;
  approvalDeadline: number | null;
  transactionDeadline: number | null;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const IDENTIFIER_LENGTH = 28;
export const IDENTIFIER_PATTERN = /^[0-9A-Za-z]{28}$/;

/** 28 characters of [0-9A-Za-z] (§5.1), each drawn uniformly from the CSPRNG (randomInt rejects biased draws). */
export function newIdentifier(): string {
  let out = '';
  for (let i = 0; i < IDENTIFIER_LENGTH; i++) out += ALPHABET[randomInt(ALPHABET.length)]!;
  return out;
}

export function isIdentifier(value: string): boolean {
  return typeof value === 'string' && IDENTIFIER_PATTERN.test(value);
}

export function toStored(r: PaymentRow): StoredPayment {
  return {
    id: toNum(r.id),
    identifier: r.identifier,
    appId: toNum(r.app_id),
    userId: toNum(r.user_id),
    userUid: r.user_uid,
    direction: r.direction,
    amount: toBig(r.amount_minor),
    memo: r.memo,
    metadataJson: r.metadata_json,
    fromAddress: r.from_address,
    toAddress: r.to_address,
    network: r.network,
    state: r.state,
    cancelReason: r.cancel_reason,
    developerApproved: toBool(r.developer_approved),
    txid: r.txid,
    createdAt: toNum(r.created_at),
    approvedAt: toNumOrNull(r.approved_at),
    verifiedAt: toNumOrNull(r.verified_at),
    completedAt: toNumOrNull(r.completed_at),
    cancelledAt: toNumOrNull(r.cancelled_at),
    approvalDeadline: toNumOrNull(r.approval_deadline),
    transactionDeadline: toNumOrNull(r.transaction_deadline),
  };
}

/** The public shape (what callers and the DTO see). */
export function toPayment(p: StoredPayment): Payment {
  const { id: _id, approvalDeadline: _a, transactionDeadline: _t, ...rest } = p;
  return rest;
}

/**
 * The payment by identifier; with `lock`, the row is locked until commit on PostgreSQL (`FOR UPDATE`: a concurrent
 * locker waits, then reads the committed state). SQLite transactions begin immediate, so they are serialised anyway.
 */
export async function findByIdentifier(trx: Db, identifier: string, lock: boolean): Promise<StoredPayment | null> {
  if (!isIdentifier(identifier)) return null;
  let q = trx.selectFrom('payments').selectAll().where('identifier', '=', identifier);
  if (lock && isPostgres(trx)) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toStored(r) : null;
}

export async function findById(trx: Db, id: number): Promise<StoredPayment> {
  const r = await trx.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return toStored(r);
}

export interface NewPayment {
  appId: number;
  userId: number;
  userUid: string;
  direction: Direction;
  amount: bigint;
  memo: string;
  metadataJson: string;
  fromAddress: string;
  toAddress: string;
  network: string;
  state: 'created' | 'approved';
  now: number;
  approvalDeadline: number | null;
  transactionDeadline: number | null;
}

export async function insertPayment(trx: Transaction<DB>, p: NewPayment): Promise<StoredPayment> {
  const r = await trx
    .insertInto('payments')
    .values({
      identifier: newIdentifier(),
      app_id: p.appId,
      user_id: p.userId,
      user_uid: p.userUid,
      direction: p.direction,
      amount_minor: p.amount,
      memo: p.memo,
      metadata_json: p.metadataJson,
      from_address: p.fromAddress,
      to_address: p.toAddress,
      network: p.network,
      state: p.state,
      cancel_reason: null,
      developer_approved: flag(p.state === 'approved'),
      txid: null,
      created_at: p.now,
      approved_at: p.state === 'approved' ? p.now : null,
      verified_at: null,
      completed_at: null,
      cancelled_at: null,
      approval_deadline: p.approvalDeadline,
      transaction_deadline: p.transactionDeadline,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toStored(r);
}

/** Conditional transition of one payment: the new row, or null when it is no longer in `from`. */
export async function transition(
  trx: Transaction<DB>,
  id: number,
  from: PaymentState,
  set: Updateable<PaymentsTable>,
  extra?: { txidIsNull?: boolean },
): Promise<StoredPayment | null> {
  let q = trx.updateTable('payments').set(set).where('id', '=', id).where('state', '=', from);
  if (extra?.txidIsNull) q = q.where('txid', 'is', null);
  const r = await q.returningAll().executeTakeFirst();
  return r ? toStored(r) : null;
}

/** Rows of one (app, user, direction) in the given states, oldest first (bounded: a user has very few open). */
export async function openOfUser(trx: Db, appId: number, userId: number, direction: Direction, states: readonly PaymentState[]): Promise<StoredPayment[]> {
  const rows = await trx
    .selectFrom('payments')
    .selectAll()
    .where('app_id', '=', appId)
    .where('user_id', '=', userId)
    .where('direction', '=', direction)
    .where('state', 'in', states)
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map(toStored);
}

/** T5: cancels (reason `superseded`) the user's `created` / `approved` U2A payments with the app; the cancelled rows. */
export async function supersedeOpen(trx: Transaction<DB>, appId: number, userId: number, now: number): Promise<StoredPayment[]> {
  const rows = await trx
    .updateTable('payments')
    .set({ state: 'cancelled', cancel_reason: 'superseded', cancelled_at: now })
    .where('app_id', '=', appId)
    .where('user_id', '=', userId)
    .where('direction', '=', 'user_to_app')
    .where('state', 'in', ['created', 'approved'])
    .returningAll()
    .execute();
  return rows.map(toStored);
}

/**
 * The user behind an A2U `uid` (§3.8): the one with a live `pi` grant of this app carrying that pairwise uid, an
 * enabled global user. Read straight from identity's tables because no identity function looks grants up by
 * pairwise uid (the index `app_grants_pairwise` serves it).
 */
export async function recipientByUid(trx: Db, appId: number, uid: string): Promise<{ userId: number; scopes: string[] } | null> {
  if (typeof uid !== 'string' || uid === '' || uid.length > 64) return null;
  const r = await trx
    .selectFrom('app_grants')
    .innerJoin('end_users', 'end_users.id', 'app_grants.user_id')
    .select(['app_grants.user_id as user_id', 'app_grants.scopes as scopes'])
    .where('app_grants.app_id', '=', appId)
    .where('app_grants.kind', '=', 'pi')
    .where('app_grants.pairwise_uid', '=', uid)
    .where('app_grants.revoked_at', 'is', null)
    .where('end_users.disabled', '=', 0)
    .where('end_users.app_id', 'is', null)
    .executeTakeFirst();
  return r ? { userId: toNum(r.user_id), scopes: JSON.parse(r.scopes) as string[] } : null;
}

/** The app's A2U payments in the given states, oldest first, at most `limit`. */
export async function openOfApp(trx: Db, appId: number, states: readonly PaymentState[], limit: number): Promise<StoredPayment[]> {
  const rows = await trx
    .selectFrom('payments')
    .selectAll()
    .where('app_id', '=', appId)
    .where('direction', '=', 'app_to_user')
    .where('state', 'in', states)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toStored);
}

/** One page of an app's payments, newest first; null when the cursor names no payment of the app. */
export async function pageOfApp(
  trx: Db,
  appId: number,
  filter: { state?: PaymentState; direction?: Direction; after?: string; limit: number },
): Promise<StoredPayment[] | null> {
  let q = trx.selectFrom('payments').selectAll().where('app_id', '=', appId);
  if (filter.after !== undefined) {
    if (!isIdentifier(filter.after)) return null;
    const cursor = await trx.selectFrom('payments').select('id').where('app_id', '=', appId).where('identifier', '=', filter.after).executeTakeFirst();
    if (!cursor) return null;
    q = q.where('id', '<', cursor.id);
  }
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  if (filter.direction !== undefined) q = q.where('direction', '=', filter.direction);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map(toStored);
}

/** Lock key space of the payments module's PostgreSQL advisory locks (first int4 of pg_advisory_xact_lock). */
const LOCK_CLASS = 1885432940;

/**
 * Serialises the creations that check "what is open" before inserting (U2A per (app, user), A2U per app): without it,
 * two concurrent creations on PostgreSQL would each miss the other's uncommitted row. Held until commit. SQLite's
 * immediate transactions already run one writer at a time.
 */
export async function lockCreation(trx: Transaction<DB>, scope: string): Promise<void> {
  if (!isPostgres(trx)) return;
  // Advisory locks are database-wide: the schema is part of the key so stores sharing a database do not contend.
  await sql`select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(current_schema() || ':' || ${scope}))`.execute(trx);
}

/**
 * One user's payments of one direction in the given states across every app, oldest first, at most `limit` (the end
 * user's wallet lists what awaits them). No index leads with user_id yet: this scans `payments` per call.
 */
export async function openOfUserAnyApp(trx: Db, userId: number, direction: Direction, states: readonly PaymentState[], limit: number): Promise<StoredPayment[]> {
  const rows = await trx
    .selectFrom('payments')
    .selectAll()
    .where('user_id', '=', userId)
    .where('direction', '=', direction)
    .where('state', 'in', states)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toStored);
}
