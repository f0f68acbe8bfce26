// YOYOW posts under concurrency (issue #7; spec/yoyow.md §3.4 "every check of stage F runs inside the write
// transaction"): parallel posts by one poster get consecutive pids, parallel claims of one pid have one winner,
// parallel scores by one account give one score, parallel rewards through one consent never exceed its max_limit,
// parallel licences are numbered without gaps. The test stores verify the ledger when dropped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES } from '../support/stores.js';
import { startChainFixture, UID, type ChainFixture } from './fixture.js';

const codesOf = (rs: Array<{ json: { code: number } }>) => rs.map((r) => r.json.code);

for (const kind of STORES) {
  describe(`yoyow posts concurrency [${kind}]`, () => {
    let fx: ChainFixture;
    before(async () => {
      fx = await startChainFixture(kind);
      const r = await fx.post('/api/v2/posts/simple', { poster: UID.A, license_lid: 1 });
      assert.equal(r.json.code, 0, r.text);
    });
    after(async () => {
      await fx?.close();
    });

    test('parallel posts by one poster get consecutive pids', async () => {
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => fx.post(i % 2 ? '/api/v2/posts/simple' : '/api/v2/posts', i % 2 ? { poster: UID.A, license_lid: 1 } : { poster: UID.A, extensions: { license_lid: 1 } })));
      assert.deepEqual(codesOf(results), Array(16).fill(0), results.map((r) => r.text).join('\n'));
      const pids = results.map((r) => r.json.data.post.post_pid as number).sort((a, b) => a - b);
      assert.deepEqual(pids, Array.from({ length: 16 }, (_, i) => i + 2));
      const listed = (await fx.get(`/api/v2/posts/getPostList?poster=${UID.A}&limit=100`)).json.data.map((p: { post_pid: number }) => p.post_pid);
      assert.deepEqual(listed, Array.from({ length: 17 }, (_, i) => 17 - i));
    });

    test('parallel claims of the same explicit post_pid: one winner, the rest 3001', async () => {
      const next = ((await fx.get(`/api/v2/posts/getPostList?poster=${UID.A}&limit=1`)).json.data[0].post_pid as number) + 1;
      const results = await Promise.all(Array.from({ length: 8 }, () => fx.post('/api/v2/posts', { poster: UID.A, post_pid: next, extensions: { license_lid: 1 } })));
      const codes = codesOf(results);
      assert.equal(codes.filter((c) => c === 0).length, 1, JSON.stringify(codes));
      assert.equal(codes.filter((c) => c === 3001).length, 7);
    });

    test('parallel scores by one account on one post: exactly one score, csaf consumed once', async () => {
      const b0 = await fx.balances(UID.B);
      const results = await Promise.all(Array.from({ length: 8 }, () => fx.post('/api/v2/posts/score', { from_account: UID.B, poster: UID.A, pid: 1, score: 4, csaf: 5000 })));
      const codes = codesOf(results);
      assert.equal(codes.filter((c) => c === 0).length, 1, JSON.stringify(codes));
      assert.deepEqual(results.filter((r) => r.json.code !== 0).map((r) => r.json), Array(7).fill({ code: 2000, data: null, message: 'already scored' }));
      assert.equal(b0.csaf - (await fx.balances(UID.B)).csaf, 5000n + 1000n);
      assert.equal((await fx.get(`/api/v2/posts/listScores?poster=${UID.A}&pid=1`)).json.data.length, 1);
    });

    test('parallel rewards through one consent never exceed its max_limit', async () => {
      const used0 = BigInt((await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0].cur_used as number);
      const limit = used0 + 5n * 7000n + 6999n;
      assert.equal((await fx.consent(UID.B, UID.P, { max_limit: String(limit) })).status, 200);
      const b0 = await fx.balances(UID.B);
      const a0 = await fx.balances(UID.A);
      const results = await Promise.all(Array.from({ length: 14 }, () => fx.post('/api/v2/posts/reward-proxy', { from_account: UID.B, poster: UID.A, pid: 1, amount: 7000 })));
      const codes = codesOf(results);
      assert.equal(codes.filter((c) => c === 0).length, 5, JSON.stringify(codes));
      assert.equal(codes.filter((c) => c === 2012).length, 9);
      const consent = (await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0];
      assert.equal(BigInt(consent.cur_used), used0 + 35000n);
      assert.ok(BigInt(consent.cur_used) <= limit);
      assert.equal(b0.prepaid - (await fx.balances(UID.B)).prepaid, 35000n);
      assert.equal((await fx.balances(UID.A)).prepaid - a0.prepaid, 5n * 5250n);
      await fx.consent(UID.B, UID.P, { max_limit: null });
    });

    test('parallel create_license: consecutive licence numbers', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => fx.post('/api/v2/create_license', { title: `l${i}` })));
      assert.deepEqual(codesOf(results), Array(8).fill(0));
      const lids = results.map((r) => r.json.data.license.license_lid as number).sort((a, b) => a - b);
      assert.deepEqual(lids, [2, 3, 4, 5, 6, 7, 8, 9]);
    });
  });
}
