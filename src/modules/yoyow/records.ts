// Operation records (spec §5.10–§5.12): one per write, hashed into a txid over its canonical encoding (its ledger
// transfers' txids included), assigned the open block in the writer's transaction and sealed by the core's sealer
// through the seal source registered below (after the ledger's own transfers, in every process that imports this
// module). Also: per-account histories and the data of the block view.
//
// Serialisation: every chain write first takes the `1.10` counter row (`beginChainWrite`) and holds it until commit.
// YOYOW writes of one node therefore run one at a time on PostgreSQL too (SQLite already serialises writers), which
// makes instances follow commit order (trx_in_block is by commit order) and rules out lock-order deadlocks between
// writes that lock accounts, the issuer and counters in different orders.
import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { randomHex } from '../../core/crypto/tokens.js';
import { getBlock, registerSealSource } from '../../core/ledger/blocks.js';
import { canonicalJson } from '../../core/ledger/canonical.js';
import { isPostgres } from '../../core/ledger/rows.js';
import type { Block } from '../../core/ledger/types.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import type { ChainDeps, Db, OperationInput, RecordedOperation } from './types.js';

export const HISTORY_COUNTER = '1.10';

registerSealSource(
  'yoyow.operations',
  async (db, blockNumber) => {
    const rows = await db.selectFrom('yoyow_operations').select('txid').where('block_number', '=', blockNumber).orderBy('instance').execute();
    return rows.map((r) => r.txid);
  },
  async (db, txid) => {
    const row = await db.selectFrom('yoyow_operations').select('block_number').where('txid', '=', txid).executeTakeFirst();
    return row ? toNum(row.block_number) : null;
  },
);

/**
 * Takes the chain's write lock (the `1.10` counter row, created on first use) for the rest of the transaction.
 * Call it before touching any chain account; `recordOperation` takes it too if the caller did not.
 */
export async function beginChainWrite(trx: Transaction<DB>): Promise<void> {
  await trx
    .insertInto('yoyow_counters')
    .values({ name: HISTORY_COUNTER, next_instance: 0 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ next_instance: sql`yoyow_counters.next_instance` }))
    .execute();
}

/** The next instance of a node-wide object id counter ("2.22", "1.7", …), from 0, gapless (rolled back with the write). */
export async function nextInstance(trx: Transaction<DB>, name: string): Promise<number> {
  const row = await trx
    .insertInto('yoyow_counters')
    .values({ name, next_instance: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ next_instance: sql`yoyow_counters.next_instance + 1` }))
    .returning('next_instance')
    .executeTakeFirstOrThrow();
  return toNum(row.next_instance) - 1;
}

/** The canonical encoding hashed into an operation's txid. */
export function operationEncoding(r: {
  nonce: string;
  instance: number;
  type: number;
  fields: Record<string, unknown>;
  involved: number[];
  result: string | null;
  transferTxids: string[];
  createdAt: number;
}): string {
  return canonicalJson(['plaza-yoyow-op/1', r.nonce, r.instance, r.type, r.fields, r.involved, r.result, r.transferTxids, r.createdAt]);
}

/**
 * Records one operation in the caller's transaction: its txid, the open block (read `FOR SHARE` on PostgreSQL so
 * the sealer waits for this commit, as ledger transfers do) and one history entry per involved account (ascending
 * uid). Every involved account must have its chain row (openAccount). Call it last, after the transfers.
 */
export async function recordOperation(trx: Transaction<DB>, op: OperationInput, deps: Pick<ChainDeps, 'clock'>): Promise<RecordedOperation> {
  const instance = await nextInstance(trx, HISTORY_COUNTER);
  const involved = [...new Set(op.involved)].sort((a, b) => a - b);
  const nonce = randomHex(16);
  const createdAt = deps.clock.now();
  const result = op.resultObjectId ?? null;
  const txid = createHash('sha256')
    .update(operationEncoding({ nonce, instance, type: op.type, fields: op.fields, involved, result, transferTxids: op.transferTxids, createdAt }), 'utf8')
    .digest('hex');
  const block = isPostgres(trx) ? sql`(select open_block from ledger_state where id = 1 for share)` : sql`(select open_block from ledger_state where id = 1)`;
  const { rows } = await sql<{ block_number: unknown }>`
    insert into yoyow_operations (instance, txid, nonce, op_type, fields, involved, result, transfer_txids, block_number, created_at)
    values (${instance}, ${txid}, ${nonce}, ${op.type}, ${JSON.stringify(op.fields)}, ${JSON.stringify(involved)}, ${result},
      ${JSON.stringify(op.transferTxids)}, ${block}, ${createdAt})
    returning block_number`.execute(trx);
  const blockNum = toNum(rows[0]!.block_number as bigint);
  for (const uid of involved) {
    const seq = await trx
      .updateTable('yoyow_accounts')
      .set({ history_seq: sql`history_seq + 1` })
      .where('uid', '=', uid)
      .returning('history_seq')
      .executeTakeFirst();
    if (!seq) throw new Error(`recordOperation: account ${uid} has no chain row`);
    await trx.insertInto('yoyow_history').values({ account_uid: uid, seq: toNum(seq.history_seq), op_instance: instance, op_type: op.type }).execute();
  }
  return { txid: txid.slice(0, 40), fullTxid: txid, blockNum, instance };
}

export interface StoredOperation {
  instance: number;
  txid: string;
  type: number;
  fields: Record<string, unknown>;
  result: string | null;
  blockNumber: number;
  createdAt: number;
  /** 0-based position among the block's operations (commit order). */
  trxInBlock: number;
}

interface OpRow {
  instance: unknown;
  txid: string;
  op_type: unknown;
  fields: string;
  result: string | null;
  block_number: unknown;
  created_at: unknown;
  trx_in_block: unknown;
}

function opFromRow(r: OpRow): StoredOperation {
  return {
    instance: toNum(r.instance as bigint),
    txid: r.txid,
    type: toNum(r.op_type as bigint),
    fields: JSON.parse(r.fields) as Record<string, unknown>,
    result: r.result,
    blockNumber: toNum(r.block_number as bigint),
    createdAt: toNum(r.created_at as bigint),
    trxInBlock: toNum(r.trx_in_block as bigint),
  };
}

const TRX_IN_BLOCK = sql`(select count(*) from yoyow_operations p where p.block_number = o.block_number and p.instance < o.instance)`;

export interface HistoryEntry {
  seq: number;
  op: StoredOperation;
  /** Sealing block's timestamp (ms), or the commit time until the block is sealed. */
  blockTimestamp: number;
}

/** §4.2: newest first; `start` 0 = newest, N = from the entry whose seq ≤ N; `opType` filters. */
export async function listHistory(db: Db, uid: number, q: { start: number; limit: number; opType?: number }): Promise<HistoryEntry[]> {
  const { rows } = await sql<OpRow & { seq: unknown; block_ts: unknown }>`
    select h.seq, o.instance, o.txid, o.op_type, o.fields, o.result, o.block_number, o.created_at, ${TRX_IN_BLOCK} as trx_in_block,
      (select b.timestamp from ledger_blocks b where b.number = o.block_number) as block_ts
    from yoyow_history h join yoyow_operations o on o.instance = h.op_instance
    where h.account_uid = ${uid}
      ${q.opType !== undefined ? sql`and h.op_type = ${q.opType}` : sql``}
      ${q.start > 0 ? sql`and h.seq <= ${q.start}` : sql``}
    order by h.seq desc limit ${q.limit}`.execute(db);
  return rows.map((r) => {
    const op = opFromRow(r);
    return { seq: toNum(r.seq as bigint), op, blockTimestamp: r.block_ts == null ? op.createdAt : toNum(r.block_ts as bigint) };
  });
}

/** The operations sealed (or to be sealed) in a block, in commit order. */
export async function blockOperations(db: Db, blockNumber: number): Promise<StoredOperation[]> {
  const { rows } = await sql<OpRow>`
    select o.instance, o.txid, o.op_type, o.fields, o.result, o.block_number, o.created_at, ${TRX_IN_BLOCK} as trx_in_block
    from yoyow_operations o where o.block_number = ${blockNumber} order by o.instance`.execute(db);
  return rows.map(opFromRow);
}

/** An operation by its YOYOW txid (40 hex) or Plaza txid (64 hex). */
export async function findOperation(db: Db, txid: string): Promise<StoredOperation | null> {
  const t = txid.toLowerCase();
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(t)) return null;
  const where = t.length === 64 ? sql`o.txid = ${t}` : sql`o.txid like ${`${t}%`}`;
  const { rows } = await sql<OpRow>`
    select o.instance, o.txid, o.op_type, o.fields, o.result, o.block_number, o.created_at, ${TRX_IN_BLOCK} as trx_in_block
    from yoyow_operations o where ${where} order by o.instance limit 1`.execute(db);
  return rows[0] ? opFromRow(rows[0]) : null;
}

/** `block_id` of §5.10: 8 hex of the number, then hex digits 9–40 of the block hash. */
export function yoyowBlockId(block: Pick<Block, 'number' | 'hash'>): string {
  return block.number.toString(16).padStart(8, '0') + block.hash.slice(8, 40);
}

export interface BlockData {
  block: Block;
  /** block_id of the previous block (40 zeros for block 1). */
  previousId: string;
  blockId: string;
  operations: StoredOperation[];
}

/** The sealed block and its YOYOW-visible operations; null when not sealed (0, beyond the head). */
export async function blockData(db: Db, blockNumber: number): Promise<BlockData | null> {
  if (!Number.isSafeInteger(blockNumber) || blockNumber < 1) return null;
  const block = await getBlock(db, blockNumber);
  if (!block) return null;
  const prev = blockNumber > 1 ? await getBlock(db, blockNumber - 1) : null;
  return {
    block,
    previousId: prev ? yoyowBlockId(prev) : '0'.repeat(40),
    blockId: yoyowBlockId(block),
    operations: await blockOperations(db, blockNumber),
  };
}
