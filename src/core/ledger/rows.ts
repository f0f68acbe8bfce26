// Row → public shape conversions at the repository edge (integers arrive as bigint on both stores).
import { PostgresAdapter, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AssetsTable, DB, LedgerAccountsTable, LedgerBlocksTable, LedgerTransfersTable } from '../../db/schema.js';
import { toBig, toBool, toNum, toNumOrNull } from '../../db/values.js';
import type { Account, Asset, Block, Transfer } from './types.js';

/** Any handle the ledger reads through: the root instance or a caller's transaction. */
export type Db = Kysely<DB> | Transaction<DB>;

/** Upper bound of every page the ledger returns or reads. */
export const MAX_PAGE = 1000;

export function clampLimit(limit: number): number {
  if (!Number.isFinite(limit) || limit < 1) return 1;
  return Math.min(Math.floor(limit), MAX_PAGE);
}

export function assetFromRow(r: Selectable<AssetsTable>): Asset {
  return {
    id: toNum(r.id),
    symbol: r.symbol,
    precision: toNum(r.precision),
    enabled: toBool(r.enabled),
    createdAt: toNum(r.created_at),
  };
}

export function accountFromRow(r: Selectable<LedgerAccountsTable>): Account {
  return {
    id: toNum(r.id),
    owner: { kind: r.owner_kind, id: r.owner_id },
    assetId: toNum(r.asset_id),
    sub: r.sub,
    allowNegative: toBool(r.allow_negative),
    frozen: toBool(r.frozen),
    balance: toBig(r.balance),
    pendingOut: toBig(r.pending_out),
    pendingIn: toBig(r.pending_in),
    createdAt: toNum(r.created_at),
  };
}

export function transferFromRow(r: Selectable<LedgerTransfersTable>): Transfer {
  return {
    seq: toNum(r.seq),
    id: r.id,
    txid: r.txid,
    debitAccountId: toNum(r.debit_account_id),
    creditAccountId: toNum(r.credit_account_id),
    assetId: toNum(r.asset_id),
    amount: toBig(r.amount),
    kind: r.kind,
    memo: r.memo,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    status: r.status,
    idempotencyKey: r.idempotency_key,
    createdAt: toNum(r.created_at),
    postedAt: toNumOrNull(r.posted_at),
    voidedAt: toNumOrNull(r.voided_at),
    blockNumber: toNumOrNull(r.block_number),
  };
}

export function blockFromRow(r: Selectable<LedgerBlocksTable>): Block {
  return {
    number: toNum(r.number),
    hash: r.hash,
    previous: r.previous,
    timestamp: toNum(r.timestamp),
    merkleRoot: r.merkle_root,
    entryCount: toNum(r.entry_count),
    signature: r.signature,
    publicKey: r.public_key,
  };
}

/** PostgreSQL needs explicit row locks where SQLite's single writer already serialises. */
export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
