// GET /api/v2/blocks/:block_num and /confirmed (spec/yoyow.md §4.5, §4.6, §5.10, example 20): the operation
// records are sealed into the core's blocks (Merkle roots cover them beside ledger transfers; the store verifies the
// ledger on drop), the block view's derivations, the witness signature, and confirmation depth.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { blockEntries, merkleProof, merkleRoot, verifyMerkleProof } from '../../src/core/ledger/blocks.js';
import { verifyLedger } from '../../src/core/ledger/verify.js';
import { verifyMessage } from '../../src/modules/yoyow/keys/index.js';
import { finished, spawnPlaza } from '../cli/support.js';
import { STORES } from '../support/stores.js';
import { startChainFixture, UID, type ChainFixture } from './fixture.js';

for (const kind of STORES) {
  describe(`yoyow blocks [${kind}]`, () => {
    let fx: ChainFixture;
    before(async () => {
      fx = await startChainFixture(kind);
    });
    after(async () => {
      await fx?.close();
    });

    test('example 20: the block sealing a transfer lists its txid; block_id, previous, merkle root, signature', async () => {
      const r = await fx.post('/api/v2/transfer', { uid: UID.B, amount: '1.5', memo: 'hi' });
      assert.equal(r.json.code, 0, r.text);
      const { block_num: n, txid } = r.json.data;
      // Not sealed yet → null.
      assert.deepEqual((await fx.get(`/api/v2/blocks/${n}`)).json, { code: 0, data: null, message: '操作成功' });
      fx.ctx.clock.advance(3000);
      const sealed = await fx.seal();
      assert.equal(sealed.number, n, 'the write answered the block that seals it');
      const b = (await fx.get(`/api/v2/blocks/${n}`)).json.data;
      assert.deepEqual(Object.keys(b), ['previous', 'timestamp', 'witness', 'transaction_merkle_root', 'witness_signature', 'transactions', 'block_id', 'signing_key', 'transaction_ids']);
      assert.ok(b.transaction_ids.includes(txid));
      assert.equal(b.block_id.slice(0, 8), n.toString(16).padStart(8, '0'));
      assert.equal(b.block_id.slice(8), sealed.hash.slice(8, 40));
      assert.equal(b.transaction_merkle_root, sealed.merkleRoot.slice(0, 40));
      assert.equal(b.timestamp, new Date(sealed.timestamp).toISOString().slice(0, 19));
      assert.match(b.witness_signature, /^[0-9a-f]{130}$/);
      assert.ok(verifyMessage(b.witness_signature, b.block_id, b.signing_key), 'witness signature verifies with signing_key');
      const s = fx.ctx.server.services;
      // The Merkle root covers the ledger transfers and the operation records of the block.
      const entries = await blockEntries(s.db, n);
      assert.equal(merkleRoot(entries), sealed.merkleRoot);
      const idx = b.transaction_ids.indexOf(txid);
      const fullTxid = entries.find((e) => e.startsWith(txid))!;
      assert.ok(fullTxid, 'the 64-hex operation txid is an entry of the block');
      const proof = await merkleProof(s.db, fullTxid);
      assert.ok(proof && verifyMerkleProof(proof));
      const t = b.transactions[idx];
      assert.deepEqual(Object.keys(t), ['ref_block_num', 'ref_block_prefix', 'expiration', 'operations', 'extensions', 'signatures', 'operation_results']);
      assert.equal(t.ref_block_num, (n - 1) & 0xffff);
      assert.equal(t.operations[0][0], 0);
      assert.equal(t.operations[0][1].to, UID.B);
      assert.deepEqual(t.operation_results, [[0, {}]]);
      // previous = the previous block's block_id
      const prev = (await fx.get(`/api/v2/blocks/${n - 1}`)).json.data;
      if (n > 1) {
        assert.equal(b.previous, prev.block_id);
        assert.equal(t.ref_block_prefix, Buffer.from(prev.block_id, 'hex').readUInt32LE(4));
      }
      // histories now show the sealing block's timestamp
      const h = (await fx.get(`/api/v2/accounts/${UID.B}/histories?limit=1`)).json.data[0][1];
      assert.equal(h.block_num, n);
      assert.equal(h.block_timestamp, b.timestamp);
      assert.equal(h.trx_in_block, idx);
      assert.equal((await verifyLedger(s.database)).ok, true);
    });

    test('`plaza ledger verify` (a separate process that never starts the server) covers the sealed operation records', async () => {
      const r = await fx.post('/api/v2/transfer', { uid: UID.A, amount: '2' });
      assert.equal(r.json.code, 0, r.text);
      fx.ctx.clock.advance(3000);
      await fx.seal();
      const dataDir = await mkdtemp(join(tmpdir(), 'plaza-yoyow-cli-'));
      const store = fx.ctx.server.store;
      // A PostgreSQL test store lives in a schema of its own: the CLI reaches it through the search_path option.
      const url = store.schema ? `${store.url}?options=${encodeURIComponent(`-c search_path=${store.schema}`)}` : store.url;
      const env = { PLAZA_DATA_DIR: dataDir, PLAZA_DATABASE_URL: url, PLAZA_LOG_LEVEL: 'silent' };
      const out = await finished(spawnPlaza(['ledger', 'verify'], env));
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /^ledger ok: .*transfers=[1-9][0-9]* .*blocks=[1-9]/m, 'it read this store, not an empty one');
    });

    test('trx_in_block follows commit order; block 1 has 40 zeros as previous', async () => {
      const r1 = await fx.post('/api/v2/transfer', { uid: UID.A, amount: '1' });
      const r2 = await fx.post('/api/v2/transfer', { uid: UID.B, amount: '1' });
      assert.equal(r1.json.data.block_num, r2.json.data.block_num);
      await fx.seal();
      const b = (await fx.get(`/api/v2/blocks/${r1.json.data.block_num}`)).json.data;
      assert.deepEqual(b.transaction_ids, [r1.json.data.txid, r2.json.data.txid]);
      const first = (await fx.get('/api/v2/blocks/1')).json.data;
      assert.equal(first.previous, '0'.repeat(40));
      assert.equal(first.block_id.slice(0, 8), '00000001');
    });

    test('/confirmed: true once K blocks follow; false for 0, negative, non-numeric, unsealed; 404 for unknown routes', async () => {
      const r = await fx.post('/api/v2/transfer', { uid: UID.A, amount: '1' });
      const n = r.json.data.block_num as number;
      const confirmed = async (x: string | number) => (await fx.get(`/api/v2/blocks/${x}/confirmed`)).json;
      assert.deepEqual(await confirmed(n), { code: 0, data: false, message: '操作成功' }, 'unsealed');
      await fx.seal();
      const K = fx.ctx.server.services.config.irreversibleAfterBlocks;
      for (let i = 0; i < K; i++) {
        assert.equal((await confirmed(n)).data, false, `${i} blocks after`);
        await fx.seal();
      }
      assert.equal((await confirmed(n)).data, true);
      for (const x of ['abc', '0', '-1', '1.5', String(n + 100)]) assert.deepEqual(await confirmed(x), { code: 0, data: false, message: '操作成功' }, x);
      assert.deepEqual((await fx.get('/api/v2/blocks/abc')).json, { code: 2000, data: null, message: 'invalid parameter: block_num' });
      assert.deepEqual((await fx.get('/api/v2/blocks/0')).json, { code: 0, data: null, message: '操作成功' });
      const nope = await fx.get('/api/v2/nope');
      assert.equal(nope.status, 404);
      assert.deepEqual(nope.json, { code: 404, data: null, message: 'Not Found' });
    });

    test('an empty sealed block has a zero merkle root and no transactions', async () => {
      const b0 = await fx.seal();
      const b = await fx.seal();
      assert.ok(b.number > b0.number);
      const v = (await fx.get(`/api/v2/blocks/${b.number}`)).json.data;
      assert.equal(v.transaction_merkle_root, '0'.repeat(40));
      assert.deepEqual(v.transactions, []);
      assert.deepEqual(v.transaction_ids, []);
    });
  });
}
