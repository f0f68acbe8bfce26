// Several Plaza processes share one PostgreSQL: each runs a sealer, and every block is sealed exactly once (an
// advisory lock per schema). Two independent pools on the same schema stand in for two processes and seal
// concurrently while transfers run. SQLite is the single-process store (PRODUCT.md): a second connection in the
// same thread would wait synchronously for the first, so that case belongs to PostgreSQL only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listBlocks, sealBlock } from '../../src/core/ledger/blocks.js';
import { transfer } from '../../src/core/ledger/transfers.js';
import { verifyLedger } from '../../src/core/ledger/verify.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { STORES } from '../support/stores.js';
import { setup, userAccount, type LedgerFixture } from './helpers.js';

for (const kind of STORES.filter((k) => k === 'postgres')) {
  describe(`two sealers on one store (${kind})`, () => {
    let f: LedgerFixture;
    let second: Database;
    before(async () => {
      f = await setup(kind);
      second = await openDatabase(f.store.url, f.store.schema ? { schema: f.store.schema } : {});
    });
    after(async () => {
      await second.close();
      await f.store.drop();
    });

    it('seal every block once, with a contiguous chain, while transfers run', async () => {
      const a = await userAccount(f, 'a', 1_000_000n);
      const b = await userAccount(f, 'b');
      const db = f.store.database.db;
      const transfers = Array.from({ length: 60 }, () =>
        db.transaction().execute((trx) => transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 1n, kind: 'test' }, f.clock)),
      );
      const seals = Array.from({ length: 20 }, (_, i) => sealBlock(i % 2 === 0 ? f.store.database : second, f.box, f.clock));
      const [, sealed] = await Promise.all([Promise.all(transfers), Promise.all(seals)]);
      // On PostgreSQL a sealer that finds the other one sealing steps aside (null); every block exists once.
      const made = sealed.filter((blk) => blk !== null).map((blk) => blk!.number);
      assert.equal(new Set(made).size, made.length, 'no block number sealed twice');
      await sealBlock(f.store.database, f.box, f.clock);
      const blocks = await listBlocks(db, { limit: 200 });
      assert.deepEqual(blocks.map((blk) => blk.number), Array.from({ length: blocks.length }, (_, i) => i + 1));
      assert.equal(blocks.reduce((n, blk) => n + blk.entryCount, 0), 61, 'the funding issue and 60 transfers, each sealed once');
      const report = await verifyLedger(f.store.database);
      assert.deepEqual(report.problems, []);
    });
  });
}
