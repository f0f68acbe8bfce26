// Blocks: the sealer closes the open block into a signed, hash-chained header over the Merkle root of its entries.
// Entries come from seal sources (ledger transfers built in; other modules register theirs), concatenated in
// registration order. A transfer gets the open block number when it becomes posted, inside its own transaction;
// on PostgreSQL that read holds a FOR SHARE lock on ledger_state, so the sealer's bump of open_block waits until
// every writer holding block N has committed, and the entries it then reads for N are final.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secretbox.js';
import type { Database } from '../../db/database.js';
import { toNum } from '../../db/values.js';
import { loadOrCreateBlockKey, signBlockHash, type BlockKey } from './blockKey.js';
import { merklePath, merkleRoot, ZERO_HASH, type MerkleProof } from './merkle.js';
import { blockFromRow, clampLimit, isPostgres, type Db } from './rows.js';
import type { Block } from './types.js';

export { verifyMerkleProof, merkleRoot, type MerkleProof, type MerkleStep } from './merkle.js';
export { startSealer, type Sealer, type SealerOptions } from './sealer.js';

/** Returns the txids (64 hex) sealed into `blockNumber` by this source, in block order. */
export type SealSourceFn = (db: Db, blockNumber: number) => Promise<string[]>;
/** Optional: the block number an entry of this source was assigned (for Merkle proofs), or null. */
export type SealLocateFn = (db: Db, txid: string) => Promise<number | null>;

interface SealSource {
  name: string;
  entries: SealSourceFn;
  locate?: SealLocateFn;
}

const sources: SealSource[] = [];

/** Adds a source of sealable entries. Register at start-up, in the same order in every process. */
export function registerSealSource(name: string, entries: SealSourceFn, locate?: SealLocateFn): void {
  const existing = sources.findIndex((s) => s.name === name);
  const source: SealSource = { name, entries, ...(locate ? { locate } : {}) };
  if (existing >= 0) sources[existing] = source;
  else sources.push(source);
}

registerSealSource(
  'ledger.transfers',
  async (db, blockNumber) => {
    const rows = await db
      .selectFrom('ledger_transfers')
      .select('txid')
      .where('block_number', '=', blockNumber)
      .where('status', '=', 'posted')
      .orderBy('seq')
      .execute();
    return rows.map((r) => r.txid);
  },
  async (db, txid) => {
    const row = await db.selectFrom('ledger_transfers').select('block_number').where('txid', '=', txid).executeTakeFirst();
    return row?.block_number == null ? null : toNum(row.block_number);
  },
);

/** Every entry of the block, all sources in registration order. */
export async function blockEntries(db: Db, blockNumber: number): Promise<string[]> {
  const out: string[] = [];
  for (const source of sources) out.push(...(await source.entries(db, blockNumber)));
  return out;
}

export function blockHash(h: { number: number; previous: string; timestamp: number; merkleRoot: string; entryCount: number }): string {
  const encoding = JSON.stringify(['plaza-block/1', h.number, h.previous, h.timestamp, h.merkleRoot, h.entryCount]);
  return createHash('sha256').update(encoding, 'utf8').digest('hex');
}

const keyCache = new WeakMap<object, Promise<BlockKey>>();

function blockKeyFor(database: Database, box: SecretBox): Promise<BlockKey> {
  let key = keyCache.get(database.db);
  if (!key) {
    key = loadOrCreateBlockKey(database.db, box);
    keyCache.set(database.db, key);
    key.catch(() => keyCache.delete(database.db));
  }
  return key;
}

/**
 * Seals the open block and opens the next one. Returns null when another process is sealing right now
 * (PostgreSQL advisory lock, per schema). Empty blocks are sealed too: irreversibility counts following blocks.
 */
export async function sealBlock(database: Database, box: SecretBox, clock: Clock): Promise<Block | null> {
  const key = await blockKeyFor(database, box);
  return database.db.transaction().execute(async (trx) => {
    if (isPostgres(trx)) {
      const { rows } = await sql<{ ok: boolean }>`
        select pg_try_advisory_xact_lock(1886151034, hashtext(current_schema())) as ok`.execute(trx);
      if (!rows[0]?.ok) return null;
    }
    const bumped = await trx
      .updateTable('ledger_state')
      .set((eb) => ({ open_block: eb('open_block', '+', 1) }))
      .where('id', '=', 1)
      .returning('open_block')
      .executeTakeFirstOrThrow();
    const number = toNum(bumped.open_block) - 1;
    let previous = ZERO_HASH;
    if (number > 1) {
      const prev = await trx.selectFrom('ledger_blocks').select('hash').where('number', '=', number - 1).executeTakeFirst();
      if (!prev) throw new Error(`cannot seal block ${number}: block ${number - 1} is missing`);
      previous = prev.hash;
    }
    const entries = await blockEntries(trx, number);
    const header = { number, previous, timestamp: clock.now(), merkleRoot: merkleRoot(entries), entryCount: entries.length };
    const hash = blockHash(header);
    const block: Block = { ...header, hash, signature: signBlockHash(key, hash), publicKey: key.publicKey };
    await trx
      .insertInto('ledger_blocks')
      .values({
        number,
        hash,
        previous,
        timestamp: header.timestamp,
        merkle_root: header.merkleRoot,
        entry_count: header.entryCount,
        signature: block.signature,
        public_key: block.publicKey,
      })
      .execute();
    return block;
  });
}

export async function getBlock(db: Db, number: number): Promise<Block | null> {
  const row = await db.selectFrom('ledger_blocks').selectAll().where('number', '=', number).executeTakeFirst();
  return row ? blockFromRow(row) : null;
}

/** The last sealed block, or null before the first seal. */
export async function headBlock(db: Db): Promise<Block | null> {
  const row = await db.selectFrom('ledger_blocks').selectAll().orderBy('number', 'desc').limit(1).executeTakeFirst();
  return row ? blockFromRow(row) : null;
}

/**
 * Sealed blocks in number order between the exclusive cursors `afterNumber` and `beforeNumber`; `newestFirst` reads
 * them from the top down (the explorer's live list pages backwards with `beforeNumber`).
 */
export async function listBlocks(db: Db, filter: { afterNumber?: number; beforeNumber?: number; newestFirst?: boolean; limit: number }): Promise<Block[]> {
  let q = db.selectFrom('ledger_blocks').selectAll();
  if (filter.afterNumber !== undefined) q = q.where('number', '>', filter.afterNumber);
  if (filter.beforeNumber !== undefined) q = q.where('number', '<', filter.beforeNumber);
  const rows = await q.orderBy('number', filter.newestFirst ? 'desc' : 'asc').limit(clampLimit(filter.limit)).execute();
  return rows.map(blockFromRow);
}

/** The open block's number (not yet sealed). */
export async function openBlockNumber(db: Db): Promise<number> {
  const row = await db.selectFrom('ledger_state').select('open_block').where('id', '=', 1).executeTakeFirstOrThrow();
  return toNum(row.open_block);
}

/** The highest block followed by at least `irreversibleAfterBlocks` sealed blocks; 0 when there is none. */
export async function lastIrreversibleBlock(db: Db, irreversibleAfterBlocks: number): Promise<number> {
  const head = await headBlock(db);
  return head ? Math.max(0, head.number - Math.max(0, irreversibleAfterBlocks)) : 0;
}

/** A proof that a sealed entry is in its block; null when the txid is unknown or its block is not sealed yet. */
export async function merkleProof(db: Db, txid: string): Promise<MerkleProof | null> {
  if (!/^[0-9a-f]{64}$/.test(txid)) return null;
  let blockNumber: number | null = null;
  for (const source of sources) {
    blockNumber = source.locate ? await source.locate(db, txid) : null;
    if (blockNumber !== null) break;
  }
  if (blockNumber === null) return null;
  const block = await getBlock(db, blockNumber);
  if (!block) return null;
  const entries = await blockEntries(db, blockNumber);
  const index = entries.indexOf(txid);
  if (index < 0) return null;
  return { blockNumber, txid, root: block.merkleRoot, path: merklePath(entries, index) };
}
