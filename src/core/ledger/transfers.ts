// Transfers: the only writer of account balances. Every write is a conditional UPDATE (decide, then write with a
// condition) so concurrent callers cannot overdraw an account or post a hold twice; the CHECK constraints of
// 0001_foundation are the last guard. Accounts are always updated in ascending id order so two transactions
// touching the same pair lock them in the same order (no deadlock on PostgreSQL). Without an idempotency key the
// checks ride inside those UPDATEs and the row is inserted after them (unkeyedTransfer: begin, 2 updates, 1 insert).
import { CompiledQuery, sql, type RawBuilder, type Transaction, type Updateable } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../../db/schema.js';
import { toBool, toNum, toNumOrNull } from '../../db/values.js';
import { issuerAccount } from './accounts.js';
import { canonicalJson } from './canonical.js';
import { clampLimit, isPostgres, transferFromRow, type Db } from './rows.js';
import { computeTxid, newTransferId } from './txid.js';
import { LedgerError, type Transfer } from './types.js';

const INT8_MAX = (1n << 63n) - 1n;
const INT8_MIN = -(1n << 63n);
const MAX_KIND = 64;
const MAX_MEMO = 1024;
const MAX_KEY = 255;

export interface TransferInput {
  debitAccountId: number;
  creditAccountId: number;
  amount: bigint;
  kind: string;
  memo?: string;
  metadata?: Record<string, unknown>;
  /** Hold the amount instead of moving it: post or void it later. */
  pending?: boolean;
  /** A repeat with the same key and input returns the first transfer; a different input is refused. */
  idempotencyKey?: string;
}

interface Normalised {
  debit: number;
  credit: number;
  amount: bigint;
  kind: string;
  memo: string;
  metadataJson: string;
  pending: boolean;
  key: string | null;
}

function requireTransaction(trx: Db, what: string): asserts trx is Transaction<DB> {
  if (!trx.isTransaction) throw new Error(`${what} must run inside the caller's transaction (db.transaction())`);
}

function normalise(input: TransferInput): Normalised {
  if (typeof input.amount !== 'bigint' || input.amount <= 0n || input.amount > INT8_MAX) {
    throw new LedgerError('invalid_amount', `amount must be a bigint in 1..2^63-1, got ${String(input.amount)}`);
  }
  if (!Number.isSafeInteger(input.debitAccountId) || !Number.isSafeInteger(input.creditAccountId)) {
    throw new LedgerError('not_found', 'account ids must be integers');
  }
  if (input.debitAccountId === input.creditAccountId) {
    throw new LedgerError('same_account', `cannot transfer from account ${input.debitAccountId} to itself`);
  }
  if (typeof input.kind !== 'string' || input.kind === '' || input.kind.length > MAX_KIND) {
    throw new Error(`transfer kind must be 1..${MAX_KIND} characters`);
  }
  const memo = input.memo ?? '';
  if (memo.length > MAX_MEMO) throw new Error(`transfer memo exceeds ${MAX_MEMO} characters`);
  const key = input.idempotencyKey ?? null;
  if (key !== null && (key === '' || key.length > MAX_KEY)) throw new Error(`idempotency key must be 1..${MAX_KEY} characters`);
  const metadata = input.metadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new Error('metadata must be an object');
  return {
    debit: input.debitAccountId,
    credit: input.creditAccountId,
    amount: input.amount,
    kind: input.kind,
    memo,
    metadataJson: canonicalJson(metadata),
    pending: input.pending === true,
    key,
  };
}

/** The open block, read so that the sealer (which bumps it) waits for this transaction on PostgreSQL. */
function openBlockExpr(trx: Db): RawBuilder<unknown> {
  return isPostgres(trx)
    ? sql`(select open_block from ledger_state where id = 1 for share)`
    : sql`(select open_block from ledger_state where id = 1)`;
}

interface AccountCheckRow {
  id: unknown;
  asset_id: unknown;
  frozen: unknown;
  enabled: unknown;
}

/** One read for both accounts and their asset: existence, asset match, asset enabled, frozen. */
async function checkAccounts(trx: Transaction<DB>, n: Normalised): Promise<number> {
  const { rows } = await sql<AccountCheckRow>`
    select a.id, a.asset_id, a.frozen, s.enabled from ledger_accounts a join assets s on s.id = a.asset_id
    where a.id in (${n.debit}, ${n.credit})`.execute(trx);
  const debit = rows.find((r) => toNum(r.id as bigint) === n.debit);
  const credit = rows.find((r) => toNum(r.id as bigint) === n.credit);
  if (!debit) throw new LedgerError('not_found', `debit account ${n.debit} not found`);
  if (!credit) throw new LedgerError('not_found', `credit account ${n.credit} not found`);
  const assetId = toNum(debit.asset_id as bigint);
  if (assetId !== toNum(credit.asset_id as bigint)) {
    throw new LedgerError('asset_mismatch', `accounts ${n.debit} and ${n.credit} hold different assets`);
  }
  if (!toBool(debit.enabled as bigint)) throw new LedgerError('asset_disabled', `asset ${assetId} is disabled`);
  if (toBool(debit.frozen as bigint)) throw new LedgerError('account_frozen', `account ${n.debit} is frozen`);
  if (toBool(credit.frozen as bigint)) throw new LedgerError('account_frozen', `account ${n.credit} is frozen`);
  return assetId;
}

async function debitAccount(trx: Transaction<DB>, id: number, amount: bigint, pending: boolean): Promise<void> {
  const set = pending ? sql`pending_out = pending_out + ${amount}` : sql`balance = balance - ${amount}`;
  const { rows } = await sql`
    update ledger_accounts set ${set}
    where id = ${id} and frozen = 0 and balance >= ${INT8_MIN + amount}
      and (allow_negative = 1 or balance - pending_out >= ${amount})
    returning id`.execute(trx);
  if (rows.length === 1) return;
  return explainDebit(trx, id, amount);
}

async function explainDebit(trx: Transaction<DB>, id: number, amount: bigint): Promise<never> {
  const row = await trx.selectFrom('ledger_accounts').select(['frozen', 'allow_negative']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new LedgerError('not_found', `debit account ${id} not found`);
  if (toBool(row.frozen)) throw new LedgerError('account_frozen', `account ${id} is frozen`);
  if (toBool(row.allow_negative)) throw new LedgerError('invalid_amount', `account ${id} would leave the 64-bit range`);
  throw new LedgerError('insufficient_funds', `account ${id} cannot cover ${amount}`);
}

async function creditAccount(trx: Transaction<DB>, id: number, amount: bigint, pending: boolean): Promise<void> {
  const set = pending ? sql`pending_in = pending_in + ${amount}` : sql`balance = balance + ${amount}`;
  const column = pending ? sql`pending_in` : sql`balance`;
  const { rows } = await sql`
    update ledger_accounts set ${set} where id = ${id} and frozen = 0 and ${column} <= ${INT8_MAX - amount}
    returning id`.execute(trx);
  if (rows.length === 1) return;
  return explainCredit(trx, id);
}

async function explainCredit(trx: Transaction<DB>, id: number): Promise<never> {
  const row = await trx.selectFrom('ledger_accounts').select(['frozen']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new LedgerError('not_found', `credit account ${id} not found`);
  if (toBool(row.frozen)) throw new LedgerError('account_frozen', `account ${id} is frozen`);
  throw new LedgerError('invalid_amount', `account ${id} would leave the 64-bit range`);
}

/** Applies both sides in ascending account id order. */
async function moveFunds(trx: Transaction<DB>, debit: number, credit: number, amount: bigint, pending: boolean): Promise<void> {
  if (debit < credit) {
    await debitAccount(trx, debit, amount, pending);
    await creditAccount(trx, credit, amount, pending);
  } else {
    await creditAccount(trx, credit, amount, pending);
    await debitAccount(trx, debit, amount, pending);
  }
}

async function replay(trx: Transaction<DB>, n: Normalised): Promise<Transfer | null> {
  if (n.key === null) return null;
  const row = await trx.selectFrom('ledger_transfers').selectAll().where('idempotency_key', '=', n.key).executeTakeFirst();
  if (!row) return null;
  // A posted row may have started as a hold, so `pending` is only comparable for pending and voided rows.
  const same = sameCore(row, n) && (row.status === 'posted' || n.pending);
  if (!same) throw new LedgerError('idempotency_conflict', `idempotency key ${JSON.stringify(n.key)} was used for a different transfer`);
  return transferFromRow(row);
}

function sameCore(row: { debit_account_id: bigint | number; credit_account_id: bigint | number; amount: bigint | number; kind: string; memo: string; metadata: string }, n: Normalised): boolean {
  return (
    toNum(row.debit_account_id) === n.debit &&
    toNum(row.credit_account_id) === n.credit &&
    BigInt(row.amount) === n.amount &&
    row.kind === n.kind &&
    row.memo === n.memo &&
    row.metadata === n.metadataJson
  );
}

// The statements of the unkeyed hot path, as fixed texts compiled once per store (`?` on SQLite, `$1, $2…` on
// PostgreSQL) and run through trx.executeQuery: no query building per call. Each UPDATE folds in every check of
// checkAccounts: the account exists, is not frozen, can cover the amount, stays in the 64-bit range, and either
// its asset is enabled (the first side, which returns the asset id) or it holds that same asset (the second side).
const ASSET_ENABLED = 'exists (select 1 from assets s where s.id = ledger_accounts.asset_id and s.enabled = 1)';

function debitText(pending: boolean, first: boolean): string {
  const set = pending ? 'pending_out = pending_out + ?' : 'balance = balance - ?';
  return (
    `update ledger_accounts set ${set} where id = ? and frozen = 0 and balance >= ? ` +
    `and (allow_negative = 1 or balance - pending_out >= ?) and ${first ? `${ASSET_ENABLED} returning asset_id` : 'asset_id = ?'}`
  );
}

function creditText(pending: boolean, first: boolean): string {
  const set = pending ? 'pending_in = pending_in + ?' : 'balance = balance + ?';
  const column = pending ? 'pending_in' : 'balance';
  return `update ledger_accounts set ${set} where id = ? and frozen = 0 and ${column} <= ? and ${first ? `${ASSET_ENABLED} returning asset_id` : 'asset_id = ?'}`;
}

function insertText(pending: boolean, pg: boolean): string {
  // The open block: on PostgreSQL under FOR SHARE, so the sealer's bump waits for this transaction (README §4).
  const block = pending ? 'null' : pg ? '(select open_block from ledger_state where id = 1 for share)' : '(select open_block from ledger_state where id = 1)';
  return (
    'insert into ledger_transfers (id, txid, debit_account_id, credit_account_id, asset_id, amount, kind, memo, metadata, ' +
    'status, idempotency_key, created_at, posted_at, voided_at, block_number) ' +
    `values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, null, ${block}) returning seq, block_number`
  );
}

interface HotStatements {
  /** [posted, pending] */
  debitFirst: [string, string];
  debitSecond: [string, string];
  creditFirst: [string, string];
  creditSecond: [string, string];
  insert: [string, string];
}

function hotStatements(pg: boolean): HotStatements {
  const numbered = (text: string): string => {
    if (!pg) return text;
    let i = 0;
    return text.replace(/\?/g, () => `$${++i}`);
  };
  const both = (f: (pending: boolean) => string): [string, string] => [numbered(f(false)), numbered(f(true))];
  return {
    debitFirst: both((p) => debitText(p, true)),
    debitSecond: both((p) => debitText(p, false)),
    creditFirst: both((p) => creditText(p, true)),
    creditSecond: both((p) => creditText(p, false)),
    insert: both((p) => insertText(p, pg)),
  };
}

const HOT_SQLITE = hotStatements(false);
const HOT_POSTGRES = hotStatements(true);

/**
 * Both sides of an unkeyed transfer in ascending account id order with the checks folded in (see above); returns
 * the asset id. On a refusal, diagnoses it with the same precedence as the keyed path (checkAccounts first, then
 * the side that refused).
 */
async function moveFundsChecked(trx: Transaction<DB>, n: Normalised, hot: HotStatements): Promise<number> {
  const p = n.pending ? 1 : 0;
  const debitParams = [n.amount, n.debit, INT8_MIN + n.amount, n.amount];
  const creditParams = [n.amount, n.credit, INT8_MAX - n.amount];
  const debitFirst = n.debit < n.credit;
  const first = debitFirst
    ? CompiledQuery.raw(hot.debitFirst[p], debitParams)
    : CompiledQuery.raw(hot.creditFirst[p], creditParams);
  const { rows } = await trx.executeQuery<{ asset_id: bigint | number }>(first);
  const firstRow = rows[0];
  if (firstRow === undefined) return refuse(trx, n, debitFirst);
  const assetId = toNum(firstRow.asset_id);
  const second = debitFirst
    ? CompiledQuery.raw(hot.creditSecond[p], [...creditParams, assetId])
    : CompiledQuery.raw(hot.debitSecond[p], [...debitParams, assetId]);
  const res = await trx.executeQuery(second);
  if (res.numAffectedRows !== 1n) return refuse(trx, n, !debitFirst);
  return assetId;
}

/** A folded UPDATE matched no row: throw the precise LedgerError (the caller rolls back). */
async function refuse(trx: Transaction<DB>, n: Normalised, debitSide: boolean): Promise<never> {
  await checkAccounts(trx, n);
  if (debitSide) await explainDebit(trx, n.debit, n.amount);
  else await explainCredit(trx, n.credit);
  throw new Error(`transfer ${n.debit} -> ${n.credit}: update refused without a reason`);
}

/**
 * Moves `amount` from the debit to the credit account (or holds it when `pending`). Must run inside the caller's
 * transaction: a thrown LedgerError means the caller must roll back (nothing of this call stays if it does).
 */
export async function transfer(trx: Transaction<DB>, input: TransferInput, clock: Clock): Promise<Transfer> {
  requireTransaction(trx, 'transfer()');
  const n = normalise(input);
  if (n.key === null) return unkeyedTransfer(trx, n, clock);
  const replayed = await replay(trx, n);
  if (replayed) return replayed;
  const assetId = await checkAccounts(trx, n);
  const id = newTransferId();
  const createdAt = clock.now();
  const txid = computeTxid({ id, debitAccountId: n.debit, creditAccountId: n.credit, assetId, amount: n.amount, kind: n.kind, memo: n.memo, metadataJson: n.metadataJson, createdAt });
  const status = n.pending ? 'pending' : 'posted';
  // The row goes in first: a racing insert with the same idempotency key waits here and then replays, before
  // either has touched a balance.
  const { rows } = await sql<{ seq: unknown; block_number: unknown }>`
    insert into ledger_transfers (id, txid, debit_account_id, credit_account_id, asset_id, amount, kind, memo, metadata,
      status, idempotency_key, created_at, posted_at, voided_at, block_number)
    values (${id}, ${txid}, ${n.debit}, ${n.credit}, ${assetId}, ${n.amount}, ${n.kind}, ${n.memo}, ${n.metadataJson},
      ${status}, ${n.key}, ${createdAt}, ${n.pending ? null : createdAt}, ${null}, ${n.pending ? sql`${null}` : openBlockExpr(trx)})
    on conflict (idempotency_key) do nothing
    returning seq, block_number`.execute(trx);
  const inserted = rows[0];
  if (!inserted) {
    const again = await replay(trx, n);
    if (again) return again;
    throw new Error('transfer insert conflicted but no row holds its idempotency key');
  }
  await moveFunds(trx, n.debit, n.credit, n.amount, n.pending);
  return newTransfer(n, id, txid, assetId, createdAt, inserted.seq as bigint, inserted.block_number as bigint | null);
}

/** Without an idempotency key there is nothing to replay or race on: move the funds first, then insert the row. */
async function unkeyedTransfer(trx: Transaction<DB>, n: Normalised, clock: Clock): Promise<Transfer> {
  const hot = isPostgres(trx) ? HOT_POSTGRES : HOT_SQLITE;
  const assetId = await moveFundsChecked(trx, n, hot);
  const id = newTransferId();
  const createdAt = clock.now();
  const txid = computeTxid({ id, debitAccountId: n.debit, creditAccountId: n.credit, assetId, amount: n.amount, kind: n.kind, memo: n.memo, metadataJson: n.metadataJson, createdAt });
  const params = [id, txid, n.debit, n.credit, assetId, n.amount, n.kind, n.memo, n.metadataJson, n.pending ? 'pending' : 'posted', createdAt, n.pending ? null : createdAt];
  const { rows } = await trx.executeQuery<{ seq: bigint | number; block_number: bigint | number | null }>(CompiledQuery.raw(hot.insert[n.pending ? 1 : 0], params));
  const inserted = rows[0];
  if (!inserted) throw new Error('transfer insert returned no row');
  return newTransfer(n, id, txid, assetId, createdAt, inserted.seq, inserted.block_number);
}

function newTransfer(n: Normalised, id: string, txid: string, assetId: number, createdAt: number, seq: bigint | number, blockNumber: bigint | number | null): Transfer {
  return {
    seq: toNum(seq),
    id,
    txid,
    debitAccountId: n.debit,
    creditAccountId: n.credit,
    assetId,
    amount: n.amount,
    kind: n.kind,
    memo: n.memo,
    metadata: JSON.parse(n.metadataJson) as Record<string, unknown>,
    status: n.pending ? 'pending' : 'posted',
    idempotencyKey: n.key,
    createdAt,
    postedAt: n.pending ? null : createdAt,
    voidedAt: null,
    blockNumber: toNumOrNull(blockNumber),
  };
}

function idColumn(transferId: string): 'id' | 'txid' {
  return transferId.length === 64 ? 'txid' : 'id';
}

async function explainNotPending(trx: Transaction<DB>, transferId: string): Promise<never> {
  const row = await trx.selectFrom('ledger_transfers').select(['status']).where(idColumn(transferId), '=', transferId).executeTakeFirst();
  if (!row) throw new LedgerError('not_found', `transfer ${transferId} not found`);
  throw new LedgerError('invalid_state', `transfer ${transferId} is ${row.status}, not pending`);
}

/**
 * Moves a hold out of `pending` (to what `settled` sets) by a conditional update, so of two racing callers only one
 * ever wins; the other, like an unknown or already settled transfer, gets `explainNotPending`'s refusal.
 */
async function settlePending(trx: Transaction<DB>, transferId: string, settled: Updateable<DB['ledger_transfers']>): Promise<Transfer> {
  const row = await trx
    .updateTable('ledger_transfers')
    .set(settled)
    .where(idColumn(transferId), '=', transferId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  if (!row) return explainNotPending(trx, transferId);
  return transferFromRow(row);
}

/** Completes a hold: the status moves pending → posted by a conditional update, so only one caller ever wins. */
export async function postPending(trx: Transaction<DB>, transferId: string, clock: Clock): Promise<Transfer> {
  requireTransaction(trx, 'postPending()');
  const t = await settlePending(trx, transferId, { status: 'posted', posted_at: clock.now(), block_number: openBlockExpr(trx) as never });
  const a = t.amount;
  const sides = [
    { id: t.debitAccountId, set: sql`pending_out = pending_out - ${a}, balance = balance - ${a}`, guard: sql`balance >= ${INT8_MIN + a}` },
    { id: t.creditAccountId, set: sql`pending_in = pending_in - ${a}, balance = balance + ${a}`, guard: sql`balance <= ${INT8_MAX - a}` },
  ].sort((x, y) => x.id - y.id);
  for (const side of sides) {
    const res = await sql`update ledger_accounts set ${side.set} where id = ${side.id} and frozen = 0 and ${side.guard} returning id`.execute(trx);
    if (res.rows.length !== 1) {
      const acc = await trx.selectFrom('ledger_accounts').select(['frozen']).where('id', '=', side.id).executeTakeFirst();
      if (acc && toBool(acc.frozen)) throw new LedgerError('account_frozen', `account ${side.id} is frozen`);
      throw new LedgerError('invalid_amount', `posting ${transferId} would push account ${side.id} out of range`);
    }
  }
  return t;
}

/** Releases a hold: pending → voided; frozen accounts may still be released. */
export async function voidPending(trx: Transaction<DB>, transferId: string, clock: Clock): Promise<Transfer> {
  requireTransaction(trx, 'voidPending()');
  const t = await settlePending(trx, transferId, { status: 'voided', voided_at: clock.now() });
  const sides = [
    { id: t.debitAccountId, set: sql`pending_out = pending_out - ${t.amount}` },
    { id: t.creditAccountId, set: sql`pending_in = pending_in - ${t.amount}` },
  ].sort((x, y) => x.id - y.id);
  for (const side of sides) await sql`update ledger_accounts set ${side.set} where id = ${side.id}`.execute(trx);
  return t;
}

/** Issues new units of an asset: a transfer out of its issuer account (which may go negative). */
export async function issue(
  trx: Transaction<DB>,
  input: { assetId: number; toAccountId: number; amount: bigint; kind?: string; memo?: string; metadata?: Record<string, unknown> },
  clock: Clock,
): Promise<Transfer> {
  requireTransaction(trx, 'issue()');
  const issuer = await issuerAccount(trx, input.assetId);
  return transfer(
    trx,
    {
      debitAccountId: issuer.id,
      creditAccountId: input.toAccountId,
      amount: input.amount,
      kind: input.kind ?? 'issue',
      ...(input.memo !== undefined ? { memo: input.memo } : {}),
      ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
    },
    clock,
  );
}

/** By id (32 hex) or txid (64 hex). */
export async function getTransfer(db: Db, idOrTxid: string): Promise<Transfer | null> {
  if (!/^[0-9a-f]{32}([0-9a-f]{32})?$/.test(idOrTxid)) return null;
  const row = await db.selectFrom('ledger_transfers').selectAll().where(idColumn(idOrTxid), '=', idOrTxid).executeTakeFirst();
  return row ? transferFromRow(row) : null;
}

export async function listTransfers(
  db: Db,
  filter: { accountId?: number; blockNumber?: number; kind?: string; afterSeq?: number; beforeSeq?: number; newestFirst?: boolean; limit: number },
): Promise<Transfer[]> {
  let q = db.selectFrom('ledger_transfers').selectAll();
  const accountId = filter.accountId;
  if (accountId !== undefined) q = q.where((eb) => eb.or([eb('debit_account_id', '=', accountId), eb('credit_account_id', '=', accountId)]));
  if (filter.blockNumber !== undefined) q = q.where('block_number', '=', filter.blockNumber);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  if (filter.afterSeq !== undefined) q = q.where('seq', '>', filter.afterSeq);
  // `beforeSeq` + `newestFirst` page an account's history from the newest transfer down.
  if (filter.beforeSeq !== undefined) q = q.where('seq', '<', filter.beforeSeq);
  const rows = await q.orderBy('seq', filter.newestFirst ? 'desc' : 'asc').limit(clampLimit(filter.limit)).execute();
  return rows.map(transferFromRow);
}
