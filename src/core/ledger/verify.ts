// `plaza ledger verify`: rebuilds everything derivable from the transfers and blocks and compares it with what is
// stored. Pages through every table (PAGE rows at a time); keeps one small record per account and asset in memory.
import type { Database } from '../../db/database.js';
import { toBig, toBool, toNum } from '../../db/values.js';
import { blockEntries, blockHash } from './blocks.js';
import { currentBlockPublicKey, verifyBlockSignature } from './blockKey.js';
import { merkleRoot, ZERO_HASH } from './merkle.js';
import type { Db } from './rows.js';
import { computeTxid } from './txid.js';

const PAGE = 1000;
/** Stop listing after this many problems (the count is still reported). */
const MAX_PROBLEMS = 1000;

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  stats: { assets: number; accounts: number; transfers: number; blocks: number };
}

interface Tally {
  assetId: number;
  balance: bigint;
  pendingOut: bigint;
  pendingIn: bigint;
}

class Problems {
  readonly list: string[] = [];
  count = 0;
  add(msg: string): void {
    this.count++;
    if (this.list.length < MAX_PROBLEMS) this.list.push(msg);
  }
}

export async function verifyLedger(database: Database): Promise<VerifyReport> {
  const db = database.db;
  const problems = new Problems();
  const assets = await db.selectFrom('assets').select(['id']).execute();
  const tallies = await loadAccounts(db);
  const openBlock = toNum((await db.selectFrom('ledger_state').select('open_block').where('id', '=', 1).executeTakeFirstOrThrow()).open_block);
  const transfers = await checkTransfers(db, tallies, openBlock, problems);
  const accounts = await checkAccounts(db, tallies, problems);
  const blocks = await checkBlocks(db, openBlock, problems);
  if (problems.count > problems.list.length) problems.list.push(`… and ${problems.count - problems.list.length} more problems`);
  return {
    ok: problems.count === 0,
    problems: problems.list,
    stats: { assets: assets.length, accounts, transfers, blocks },
  };
}

async function loadAccounts(db: Db): Promise<Map<number, Tally>> {
  const tallies = new Map<number, Tally>();
  for (let after = 0; ; ) {
    const rows = await db.selectFrom('ledger_accounts').select(['id', 'asset_id']).where('id', '>', after).orderBy('id').limit(PAGE).execute();
    for (const r of rows) tallies.set(toNum(r.id), { assetId: toNum(r.asset_id), balance: 0n, pendingOut: 0n, pendingIn: 0n });
    if (rows.length < PAGE) return tallies;
    after = toNum(rows[rows.length - 1]!.id);
  }
}

async function checkTransfers(db: Db, tallies: Map<number, Tally>, openBlock: number, problems: Problems): Promise<number> {
  let count = 0;
  for (let after = 0; ; ) {
    const rows = await db.selectFrom('ledger_transfers').selectAll().where('seq', '>', after).orderBy('seq').limit(PAGE).execute();
    for (const r of rows) {
      count++;
      const seq = toNum(r.seq);
      const name = `transfer ${seq} (txid ${r.txid})`;
      const amount = toBig(r.amount);
      const debit = toNum(r.debit_account_id);
      const credit = toNum(r.credit_account_id);
      const assetId = toNum(r.asset_id);
      const txid = computeTxid({
        id: r.id,
        debitAccountId: debit,
        creditAccountId: credit,
        assetId,
        amount,
        kind: r.kind,
        memo: r.memo,
        metadataJson: r.metadata,
        createdAt: toNum(r.created_at),
      });
      if (txid !== r.txid) problems.add(`${name}: amount/txid mismatch (recomputed txid ${txid})`);
      const d = tallies.get(debit);
      const c = tallies.get(credit);
      if (!d || !c) problems.add(`${name}: references a missing account`);
      else if (d.assetId !== assetId || c.assetId !== assetId) problems.add(`${name}: asset ${assetId} differs from its accounts' assets`);
      const block = r.block_number === null ? null : toNum(r.block_number);
      if (r.status === 'posted') {
        if (block === null) problems.add(`${name}: posted without a block number`);
        else if (block < 1 || block > openBlock) problems.add(`${name}: block number ${block} is outside 1..${openBlock} (open block)`);
        if (d) d.balance -= amount;
        if (c) c.balance += amount;
      } else {
        if (block !== null) problems.add(`${name}: ${r.status} but assigned to block ${block}`);
        if (r.status === 'pending') {
          if (d) d.pendingOut += amount;
          if (c) c.pendingIn += amount;
        }
      }
    }
    if (rows.length < PAGE) return count;
    after = toNum(rows[rows.length - 1]!.seq);
  }
}

async function checkAccounts(db: Db, tallies: Map<number, Tally>, problems: Problems): Promise<number> {
  const sums = new Map<number, bigint>();
  let count = 0;
  for (let after = 0; ; ) {
    const rows = await db.selectFrom('ledger_accounts').selectAll().where('id', '>', after).orderBy('id').limit(PAGE).execute();
    for (const r of rows) {
      count++;
      const id = toNum(r.id);
      const t = tallies.get(id) ?? { assetId: toNum(r.asset_id), balance: 0n, pendingOut: 0n, pendingIn: 0n };
      const stored = { balance: toBig(r.balance), pending_out: toBig(r.pending_out), pending_in: toBig(r.pending_in) };
      const recomputed = { balance: t.balance, pending_out: t.pendingOut, pending_in: t.pendingIn };
      for (const field of ['balance', 'pending_out', 'pending_in'] as const) {
        if (stored[field] !== recomputed[field]) {
          problems.add(`account ${id}: stored ${field} ${stored[field]} ≠ recomputed ${recomputed[field]}`);
        }
      }
      if (!toBool(r.allow_negative) && stored.balance - stored.pending_out < 0n) {
        problems.add(`account ${id}: available balance ${stored.balance - stored.pending_out} is negative`);
      }
      const assetId = toNum(r.asset_id);
      sums.set(assetId, (sums.get(assetId) ?? 0n) + stored.balance);
    }
    if (rows.length < PAGE) break;
    after = toNum(rows[rows.length - 1]!.id);
  }
  for (const [assetId, sum] of sums) if (sum !== 0n) problems.add(`asset ${assetId}: balances sum to ${sum}, not 0`);
  return count;
}

async function checkBlocks(db: Db, openBlock: number, problems: Problems): Promise<number> {
  const currentKey = await currentBlockPublicKey(db);
  let expected = 1;
  let previousHash = ZERO_HASH;
  for (;;) {
    const rows = await db.selectFrom('ledger_blocks').selectAll().where('number', '>=', expected).orderBy('number').limit(PAGE).execute();
    for (const r of rows) {
      const number = toNum(r.number);
      if (number !== expected) {
        problems.add(`block ${number}: expected block ${expected} (gap in the sequence)`);
        previousHash = ZERO_HASH;
      } else if (r.previous !== previousHash) {
        problems.add(number === 1 ? `block 1: previous hash is not zero` : `block ${number}: previous hash does not match block ${number - 1}`);
      }
      const entries = await blockEntries(db, number);
      const root = merkleRoot(entries);
      if (root !== r.merkle_root) problems.add(`block ${number}: merkle root ${r.merkle_root} ≠ recomputed ${root} from its ${entries.length} entries`);
      if (toNum(r.entry_count) !== entries.length) problems.add(`block ${number}: entry_count ${toNum(r.entry_count)} ≠ ${entries.length} entries`);
      const hash = blockHash({ number, previous: r.previous, timestamp: toNum(r.timestamp), merkleRoot: r.merkle_root, entryCount: toNum(r.entry_count) });
      if (hash !== r.hash) problems.add(`block ${number}: hash mismatch (recomputed ${hash})`);
      if (!verifyBlockSignature(r.public_key, r.hash, r.signature)) problems.add(`block ${number}: signature does not verify against its public key`);
      if (currentKey !== null && r.public_key !== currentKey) problems.add(`block ${number}: signed by ${r.public_key}, not the current block key ${currentKey}`);
      previousHash = r.hash;
      expected = number + 1;
    }
    if (rows.length < PAGE) break;
  }
  const sealed = expected - 1;
  if (sealed !== openBlock - 1) problems.add(`ledger_state: open block ${openBlock} but the last sealed block is ${sealed}`);
  return sealed;
}
