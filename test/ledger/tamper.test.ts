import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sealBlock } from '../../src/core/ledger/blocks.js';
import { transfer } from '../../src/core/ledger/transfers.js';
import type { Transfer } from '../../src/core/ledger/types.js';
import { verifyLedger } from '../../src/core/ledger/verify.js';
import { STORES } from '../support/stores.js';
import { setup, userAccount, type LedgerFixture } from './helpers.js';

for (const kind of STORES) {
  describe(`ledger tamper detection (${kind})`, () => {
    let f: LedgerFixture;
    let t: Transfer;
    let aId: number;
    beforeEach(async () => {
      f = await setup(kind);
      const a = await userAccount(f, 'a', 100n);
      const b = await userAccount(f, 'b');
      aId = a.id;
      t = await f.store.database.db.transaction().execute((trx) => transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 10n, kind: 'pay' }, f.clock));
      await sealBlock(f.store.database, f.box, f.clock);
      await f.store.database.db.transaction().execute((trx) => transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 1n, kind: 'pay' }, f.clock));
      await sealBlock(f.store.database, f.box, f.clock);
      const clean = await verifyLedger(f.store.database);
      assert.deepEqual(clean.problems, []);
      assert.deepEqual(clean.stats, { assets: 1, accounts: 3, transfers: 3, blocks: 2 });
    });
    afterEach(() => f.store.drop({ verify: false }));
    const db = () => f.store.database.db;
    const problems = async () => {
      const r = await verifyLedger(f.store.database);
      assert.equal(r.ok, false);
      return r.problems;
    };

    it('detects a changed transfer amount', async () => {
      await db().updateTable('ledger_transfers').set({ amount: 20 }).where('seq', '=', t.seq).execute();
      const p = await problems();
      assert.ok(p.includes(`transfer ${t.seq} (txid ${t.txid}): amount/txid mismatch (recomputed txid ${p[0]!.split('recomputed txid ')[1]!.slice(0, 64)})`), p.join('\n'));
      assert.ok(p.some((m) => m.startsWith(`account ${aId}: stored balance 89 ≠ recomputed 79`)), p.join('\n'));
    });

    it('detects a deleted transfer', async () => {
      await db().deleteFrom('ledger_transfers').where('seq', '=', t.seq).execute();
      const p = await problems();
      assert.ok(p.includes(`account ${aId}: stored balance 89 ≠ recomputed 99`), p.join('\n'));
      assert.ok(p.some((m) => m.startsWith('block 1: merkle root')), p.join('\n'));
      assert.ok(p.includes('block 1: entry_count 2 ≠ 1 entries'), p.join('\n'));
    });

    it('detects a changed block merkle root, previous hash and signature', async () => {
      const original = await db().selectFrom('ledger_blocks').selectAll().orderBy('number').execute();
      const restore = async () => {
        for (const b of original) {
          await db().updateTable('ledger_blocks').set({ merkle_root: b.merkle_root, previous: b.previous, signature: b.signature }).where('number', '=', b.number).execute();
        }
        assert.deepEqual((await verifyLedger(f.store.database)).problems, []);
      };
      await db().updateTable('ledger_blocks').set({ merkle_root: '1'.repeat(64) }).where('number', '=', 1).execute();
      let p = await problems();
      assert.ok(p.some((m) => m.startsWith(`block 1: merkle root ${'1'.repeat(64)} ≠ recomputed`)), p.join('\n'));
      assert.ok(p.some((m) => m.startsWith('block 1: hash mismatch')), p.join('\n'));
      await restore();
      await db().updateTable('ledger_blocks').set({ previous: 'ab'.repeat(32) }).where('number', '=', 2).execute();
      p = await problems();
      assert.ok(p.includes('block 2: previous hash does not match block 1'), p.join('\n'));
      await restore();
      const sig = original[1]!.signature;
      await db().updateTable('ledger_blocks').set({ signature: (sig[0] === '0' ? '1' : '0') + sig.slice(1) }).where('number', '=', 2).execute();
      p = await problems();
      assert.deepEqual(p, ['block 2: signature does not verify against its public key']);
    });

    it('detects a changed account balance', async () => {
      await db().updateTable('ledger_accounts').set({ balance: 1000 }).where('id', '=', aId).execute();
      const p = await problems();
      assert.ok(p.includes(`account ${aId}: stored balance 1000 ≠ recomputed 89`), p.join('\n'));
      assert.ok(p.includes(`asset ${f.asset.id}: balances sum to 911, not 0`), p.join('\n'));
    });

    it('detects a transfer moved to another sealed block', async () => {
      await db().updateTable('ledger_transfers').set({ block_number: 2 }).where('seq', '=', t.seq).execute();
      const p = await problems();
      assert.ok(p.some((m) => m.startsWith('block 1: merkle root')), p.join('\n'));
      assert.ok(p.some((m) => m.startsWith('block 2: merkle root')), p.join('\n'));
    });
  });
}
