// How ledger objects look on the admin wire, each with its JSON schema beside it (the same schema is checked in
// tests and published in the OpenAPI document). Money appears twice: as decimal text in asset units and as the
// exact minor-unit integer in a string; every bigint is a string, every time an ISO 8601 text.
import type { MerkleProof } from '../core/ledger/merkle.js';
import type { Account, Asset, Block, Transfer } from '../core/ledger/types.js';
import { formatAmount } from './amounts.js';
import type { Schema } from './schema.js';

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const nullableTime: Schema = { type: ['string', 'null'], format: 'date-time' };
const minor: Schema = { type: 'string', pattern: '^-?[0-9]+$', description: 'Exact amount in minor units.' };
const decimal: Schema = { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'Amount in asset units.' };

function object(properties: Record<string, Schema>): Schema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export const assetSchema = object({ id: int, symbol: str, precision: int, enabled: bool, created_at: time });

export function assetView(a: Asset) {
  return { id: a.id, symbol: a.symbol, precision: a.precision, enabled: a.enabled, created_at: iso(a.createdAt) };
}

export const accountSchema = object({
  id: int,
  owner_kind: str,
  owner_id: str,
  asset: str,
  asset_id: int,
  sub: str,
  allow_negative: bool,
  frozen: bool,
  balance: decimal,
  balance_minor: minor,
  pending_out: decimal,
  pending_out_minor: minor,
  pending_in: decimal,
  pending_in_minor: minor,
  available: decimal,
  available_minor: minor,
  created_at: time,
});

export function accountView(a: Account, asset: Asset) {
  const p = asset.precision;
  const available = a.balance - a.pendingOut;
  return {
    id: a.id,
    owner_kind: a.owner.kind,
    owner_id: a.owner.id,
    asset: asset.symbol,
    asset_id: a.assetId,
    sub: a.sub,
    allow_negative: a.allowNegative,
    frozen: a.frozen,
    balance: formatAmount(a.balance, p),
    balance_minor: a.balance.toString(),
    pending_out: formatAmount(a.pendingOut, p),
    pending_out_minor: a.pendingOut.toString(),
    pending_in: formatAmount(a.pendingIn, p),
    pending_in_minor: a.pendingIn.toString(),
    available: formatAmount(available, p),
    available_minor: available.toString(),
    created_at: iso(a.createdAt),
  };
}

export const transferSchema = object({
  seq: int,
  id: str,
  txid: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  debit_account_id: int,
  credit_account_id: int,
  asset: str,
  asset_id: int,
  amount: decimal,
  amount_minor: minor,
  kind: str,
  memo: str,
  metadata: { type: 'object' },
  status: { type: 'string', enum: ['pending', 'posted', 'voided'] },
  created_at: time,
  posted_at: nullableTime,
  voided_at: nullableTime,
  block_number: { type: ['integer', 'null'] },
});

export function transferView(t: Transfer, asset: Asset) {
  return {
    seq: t.seq,
    id: t.id,
    txid: t.txid,
    debit_account_id: t.debitAccountId,
    credit_account_id: t.creditAccountId,
    asset: asset.symbol,
    asset_id: t.assetId,
    amount: formatAmount(t.amount, asset.precision),
    amount_minor: t.amount.toString(),
    kind: t.kind,
    memo: t.memo,
    metadata: t.metadata,
    status: t.status,
    created_at: iso(t.createdAt),
    posted_at: t.postedAt === null ? null : iso(t.postedAt),
    voided_at: t.voidedAt === null ? null : iso(t.voidedAt),
    block_number: t.blockNumber,
  };
}

const hex64: Schema = { type: 'string', pattern: '^[0-9a-f]{64}$' };

export const blockSchema = object({
  number: int,
  hash: hex64,
  previous: hex64,
  timestamp: time,
  merkle_root: hex64,
  entry_count: int,
  signature: str,
  public_key: str,
});

export function blockView(b: Block) {
  return {
    number: b.number,
    hash: b.hash,
    previous: b.previous,
    timestamp: iso(b.timestamp),
    merkle_root: b.merkleRoot,
    entry_count: b.entryCount,
    signature: b.signature,
    public_key: b.publicKey,
  };
}

export const proofSchema = object({
  txid: hex64,
  block_number: int,
  merkle_root: hex64,
  path: {
    type: 'array',
    description: 'Sibling hashes from the leaf up: hash(left || right) of the raw 32-byte values at each level.',
    items: object({ hash: hex64, position: { type: 'string', enum: ['left', 'right'] } }),
  },
});

export function proofView(p: MerkleProof) {
  return { txid: p.txid, block_number: p.blockNumber, merkle_root: p.root, path: p.path.map((s) => ({ hash: s.hash, position: s.position })) };
}

export function listOf(item: Schema): Schema {
  return { type: 'array', items: item };
}
