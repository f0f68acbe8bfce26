import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { balanceSplit } from '../../src/core/ledger/accounts.js';
import { loadOrCreateBlockKey, verifyBlockSignature } from '../../src/core/ledger/blockKey.js';
import {
  blockHash,
  getBlock,
  headBlock,
  lastIrreversibleBlock,
  listBlocks,
  merkleProof,
  openBlockNumber,
  sealBlock,
  startSealer,
} from '../../src/core/ledger/blocks.js';
import { merklePath, merkleRoot, verifyMerkleProof, ZERO_HASH } from '../../src/core/ledger/merkle.js';
import { postPending, transfer } from '../../src/core/ledger/transfers.js';
import { verifyLedger } from '../../src/core/ledger/verify.js';
import { STORES } from '../support/stores.js';
import { setup, userAccount, type LedgerFixture } from './helpers.js';

const h = (s: string) => createHash('sha256').update(s).digest('hex');
const pair = (a: string, b: string) => createHash('sha256').update(Buffer.from(a + b, 'hex')).digest('hex');

describe('merkle', () => {
  it('builds roots Bitcoin style', () => {
    const [a, b, c] = [h('a'), h('b'), h('c')];
    assert.equal(merkleRoot([]), ZERO_HASH);
    assert.equal(merkleRoot([a]), a);
    assert.equal(merkleRoot([a, b]), pair(a, b));
    assert.equal(merkleRoot([a, b, c]), pair(pair(a, b), pair(c, c)));
  });

  it('proves every leaf of trees with 1..9 leaves and rejects tampered proofs', () => {
    for (let n = 1; n <= 9; n++) {
      const txids = Array.from({ length: n }, (_, i) => h(`leaf ${n} ${i}`));
      const root = merkleRoot(txids);
      for (let i = 0; i < n; i++) {
        const proof = { txid: txids[i]!, root, path: merklePath(txids, i) };
        assert.equal(verifyMerkleProof(proof), true, `n=${n} i=${i}`);
        assert.equal(verifyMerkleProof({ ...proof, txid: h('other') }), false);
        assert.equal(verifyMerkleProof({ ...proof, root: h('root') }), false);
        if (proof.path.length > 0) {
          const path = proof.path.map((s) => ({ ...s }));
          path[0]!.hash = h('evil');
          assert.equal(verifyMerkleProof({ ...proof, path }), false);
          const flipped = proof.path.map((s, k) => (k === 0 ? { ...s, position: s.position === 'left' ? 'right' : 'left' } as const : s));
          if (flipped[0]!.hash !== txids[i]) assert.equal(verifyMerkleProof({ ...proof, path: flipped }), false);
        }
      }
    }
  });
});

for (const kind of STORES) {
  describe(`ledger blocks (${kind})`, () => {
    let f: LedgerFixture;
    before(async () => {
      f = await setup(kind);
    });
    after(() => f.store.drop());
    const db = () => f.store.database.db;

    it('seals signed, hash-chained blocks including empty ones', async () => {
      assert.equal(await headBlock(db()), null);
      assert.equal(await lastIrreversibleBlock(db(), 2), 0);
      const a = await userAccount(f, 'a', 100n);
      const b = await userAccount(f, 'b');
      const t1 = await db().transaction().execute((trx) => transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 10n, kind: 'pay' }, f.clock));
      assert.equal(t1.blockNumber, 1);
      f.clock.advance(3000);
      const b1 = await sealBlock(f.store.database, f.box, f.clock);
      assert.ok(b1);
      assert.equal(b1.number, 1);
      assert.equal(b1.previous, ZERO_HASH);
      assert.equal(b1.entryCount, 2); // the issue and the payment
      assert.equal(b1.timestamp, f.clock.now());
      assert.equal(b1.hash, blockHash(b1));
      assert.equal(verifyBlockSignature(b1.publicKey, b1.hash, b1.signature), true);
      const key = await loadOrCreateBlockKey(db(), f.box);
      assert.equal(key.publicKey, b1.publicKey);
      assert.equal(await openBlockNumber(db()), 2);

      const t2 = await db().transaction().execute((trx) => transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 5n, kind: 'pay' }, f.clock));
      assert.equal(t2.blockNumber, 2);
      const b2 = await sealBlock(f.store.database, f.box, f.clock);
      const b3 = await sealBlock(f.store.database, f.box, f.clock);
      assert.equal(b2?.previous, b1.hash);
      assert.equal(b2?.entryCount, 1);
      assert.equal(b2?.merkleRoot, t2.txid);
      assert.equal(b3?.previous, b2?.hash);
      assert.equal(b3?.entryCount, 0);
      assert.equal(b3?.merkleRoot, ZERO_HASH);
      assert.deepEqual(await getBlock(db(), 2), b2);
      assert.deepEqual((await listBlocks(db(), { afterNumber: 1, limit: 10 })).map((x) => x.number), [2, 3]);
      assert.equal((await headBlock(db()))?.number, 3);
      assert.equal(await lastIrreversibleBlock(db(), 2), 1);
      assert.equal(await lastIrreversibleBlock(db(), 0), 3);

      const proof = await merkleProof(db(), t1.txid);
      assert.ok(proof);
      assert.equal(proof.blockNumber, 1);
      assert.equal(proof.root, b1.merkleRoot);
      assert.equal(verifyMerkleProof(proof), true);
      assert.equal(verifyMerkleProof({ ...proof, txid: t2.txid }), false);

      const report = await verifyLedger(f.store.database);
      assert.deepEqual(report.problems, []);
      assert.equal(report.stats.blocks, 3);
    });

    it('a posted hold joins the block open at posting time; unsealed txids have no proof', async () => {
      const a = await userAccount(f, 'ha', 100n);
      const b = await userAccount(f, 'hb');
      const hold = await db().transaction().execute((trx) => transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 10n, kind: 'hold', pending: true }, f.clock));
      await sealBlock(f.store.database, f.box, f.clock);
      const open = await openBlockNumber(db());
      const posted = await db().transaction().execute((trx) => postPending(trx, hold.id, f.clock));
      assert.equal(posted.blockNumber, open);
      assert.equal(await merkleProof(db(), posted.txid), null);
      await sealBlock(f.store.database, f.box, f.clock);
      assert.equal(verifyMerkleProof((await merkleProof(db(), posted.txid))!), true);
    });

    it('balanceSplit moves amounts from unconfirmed to confirmed when sealed', async () => {
      const a = await userAccount(f, 'sa', 100n);
      const b = await userAccount(f, 'sb');
      await sealBlock(f.store.database, f.box, f.clock);
      assert.deepEqual(await balanceSplit(db(), b.id), { confirmed: 0n, unconfirmed: 0n, unmatured: 0n, total: 0n });
      await db().transaction().execute((trx) => transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 30n, kind: 'pay' }, f.clock));
      await db().transaction().execute((trx) => transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 7n, kind: 'hold', pending: true }, f.clock));
      assert.deepEqual(await balanceSplit(db(), b.id), { confirmed: 0n, unconfirmed: 30n, unmatured: 7n, total: 37n });
      assert.deepEqual(await balanceSplit(db(), a.id), { confirmed: 100n, unconfirmed: -30n, unmatured: 0n, total: 70n });
      await sealBlock(f.store.database, f.box, f.clock);
      assert.deepEqual(await balanceSplit(db(), b.id), { confirmed: 30n, unconfirmed: 0n, unmatured: 7n, total: 37n });
      assert.deepEqual(await balanceSplit(db(), a.id), { confirmed: 70n, unconfirmed: 0n, unmatured: 0n, total: 70n });
    });

    it('runs a sealer loop that seals once more on stop', async () => {
      const before = (await headBlock(db()))?.number ?? 0;
      const errors: unknown[] = [];
      const sealer = startSealer({ database: f.store.database, box: f.box, clock: f.clock, intervalMs: 20, logger: { error: (e) => errors.push(e) } });
      await new Promise((r) => setTimeout(r, 120));
      const now = await sealer.sealNow();
      assert.ok(now && now.number > before);
      await sealer.stop();
      const head = (await headBlock(db()))!.number;
      assert.ok(head > now.number);
      assert.deepEqual(errors, []);
      await new Promise((r) => setTimeout(r, 60));
      assert.equal((await headBlock(db()))!.number, head);
      assert.deepEqual((await verifyLedger(f.store.database)).problems, []);
    });
  });
}
